/**
 * The lookup reference: one entry per lookup kind, rendered into docs/pipelines.md (the generator in
 * src/pipeline/file/) and run by a test against the sandbox (each example's value must resolve to the
 * seeded record, or be refused with its code). A kind without an entry fails that test.
 */
import type { LookupKind } from './lookup-spec.js';

/** One worked example: a field using the lookup, the value looked up, and what it resolves to. */
export interface LookupExample {
  /** The field as written in a pipeline file (YAML text, e.g. `owner: { from: Assignee, lookup: { kind: user-by-name } }`). */
  yaml: string;
  /** The source value looked up. */
  value: string;
  /** What it resolves to, in words (e.g. `the id of the portal user whose full name is Jonas Müller`). */
  resolvesTo?: string;
  /** The reject code when the example shows a refusal, e.g. `ROW_AMBIGUOUS_REFERENCE`. */
  rejects?: string;
  note?: string;
}

export interface LookupDoc {
  kind: LookupKind;
  /** What it matches and how (exact, then case-insensitive…), and what Zoho listing it reads. Markdown. */
  summary: string;
  /** The lookup's options (`within`, `step`, `onMissing`…), one line each. Markdown. */
  options: readonly string[];
  examples: readonly LookupExample[];
}

/** Every lookup kind, in the order the reference lists them. */
export const LOOKUP_DOCS: readonly LookupDoc[] = [];
