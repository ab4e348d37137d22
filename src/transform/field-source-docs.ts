/**
 * The field-source reference: one entry per key that says where a field's value comes from (`from`,
 * `template`, `coalesce`, `collect`), rendered into docs/pipelines.md (the generator in
 * src/pipeline/file/) like the converter and lookup catalogs, and run by a test (each example's row
 * must give its value).
 */

/** One worked example: the field as written, a source row, and the value the field gets. */
export interface FieldSourceExample {
  /** The field's spec as YAML would give it, e.g. `{ template: "{Summary} ({Issue key})" }`. */
  spec: unknown;
  /** The source row (column → value). */
  row: Readonly<Record<string, unknown>>;
  /** The value the field gets (when the example succeeds). */
  output?: unknown;
  /** The reject code when the example shows a refusal. */
  rejects?: string;
  note?: string;
}

export interface FieldSourceDoc {
  /** The key in a field's spec: `from`, `template`, `coalesce`, `collect`. */
  key: string;
  /** What it does, one or two sentences (Markdown). */
  summary: string;
  /** Its options or rules, one line each (Markdown). */
  options: readonly string[];
  examples: readonly FieldSourceExample[];
}

/** Every field source, in the order the reference lists them. */
export const FIELD_SOURCE_DOCS: readonly FieldSourceDoc[] = [];
