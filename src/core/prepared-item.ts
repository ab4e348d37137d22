/**
 * What the front half of a run (read → map → validate → key → lookups, src/pipeline/prepare/prepare.ts)
 * makes of each source row, and what the step loop (src/pipeline/run/run-step.ts) consumes: a valid row
 * ready to load, a reject, or a row the step's `where:` filter left out. Exactly one item per row,
 * so per step read = valid + skipped + rejected.
 */
import type { RowError, SourcePosition } from './record.js';

/** A row that passed mapping and validation, ready to load. */
export interface PreparedValid {
  kind: 'valid';
  /** The step's source key: the key column's value, or a JSON array of the values for several columns. */
  key: string;
  /** Target field values after converters and lookups. */
  values: Record<string, unknown>;
  pos: SourcePosition;
  /** Original columns in source order (rejects.csv). */
  data: Record<string, unknown>;
  /**
   * Problems that did not stop the row (a lookup with `onMissing: warn` left its field empty): the row
   * loads, and each warning is reported with its code, field and line, in the run as in the dry run.
   */
  warnings?: readonly RowError[];
}

/** A row refused before any request (parse, mapping, validation, stateful rules). */
export interface PreparedReject {
  kind: 'reject';
  error: RowError;
  pos: SourcePosition;
  data: Record<string, unknown>;
}

/**
 * A row that is not loaded and is no error, counted as skipped: left out by the step's `where:` filter
 * (`filtered`), or a repeat of a key already seen in a `distinct:` step, folded into that first row (`folded`).
 */
export interface PreparedSkip {
  kind: 'skip';
  reason: 'filtered' | 'folded';
  pos: SourcePosition;
  data: Record<string, unknown>;
  /** A folded row whose mapped values differ from the first row's (ROW_FOLDED_DIFFERS): reported as PreparedValid's are. */
  warnings?: readonly RowError[];
}

/** One prepared source row. */
export type PreparedItem = PreparedValid | PreparedReject | PreparedSkip;
