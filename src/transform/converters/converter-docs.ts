/**
 * The converter reference: one entry per converter, rendered into docs/pipelines.md (the generator in
 * src/pipeline/file/) and run by a test (each example's input must give its output, or its reject code).
 * A converter without an entry fails that test, so the reference cannot fall behind the code.
 */

/** One worked example: the converter as written in a pipeline file, a source value, and what comes out. */
export interface ConverterExample {
  /** The converter spec as YAML would give it: a bare name (`lower`) or an object (`{ type: split, separator: ' ', index: 0 }`). */
  spec: unknown;
  /** The source value. */
  input: unknown;
  /** The converted value (when the example succeeds). */
  output?: unknown;
  /** The reject code (when the example shows a refusal), e.g. `ROW_INVALID_DATE`. */
  rejects?: string;
  /** One line saying what the example shows. */
  note?: string;
}

export interface ConverterDoc {
  /** The converter's `type` (and bare name when it has one). */
  type: string;
  /** What it does, one or two sentences (Markdown). */
  summary: string;
  /** Its options, one line each: `name` — meaning (default). Markdown. */
  options: readonly string[];
  examples: readonly ConverterExample[];
}

/** Every converter, in the order the reference lists them. */
export const CONVERTER_DOCS: readonly ConverterDoc[] = [];

/** A field source in the reference; its examples' `spec` is the field as written, `input` a source row, `output` the field's value. */
export interface FieldSourceDoc {
  /** The source's key in a field: `from`, `template`, `coalesce` or `collect`. */
  source: string;
  /** What it does (Markdown). */
  summary: string;
  examples: readonly ConverterExample[];
}

/** Every field source, in the order the reference lists them. A field gives at most one (none = `from` its own name). */
export const FIELD_SOURCE_DOCS: readonly FieldSourceDoc[] = [];
