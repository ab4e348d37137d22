import type { ErrorCode, SourcePosition } from './errors.js';

export type { SourcePosition } from './errors.js';

/** One record read from a source, with where it came from. */
export interface SourceRecord<T = Record<string, unknown>> {
  data: T;
  pos: SourcePosition;
  /** The raw text of the record, when the extractor keeps it (rejects.csv uses the parsed columns). */
  raw?: string;
  /**
   * Problems the extractor fixed without rejecting the row (SOURCE_CONTROL_STRIPPED under
   * `controlCharacters: strip`). Prepare keeps them with the row's other warnings: they reach the
   * checkpoint's warnings table, warnings.csv and the reports like a lookup's `onMissing: warn`.
   */
  warnings?: RowError[];
}

/**
 * A problem with one row: a value, never thrown. Every reject in every report is one of these, so each
 * carries a code, the field concerned and the source position.
 */
export interface RowError {
  code: ErrorCode;
  message: string;
  /** The column or target field concerned; '' when the problem is the row as a whole. */
  field: string;
  /** The offending value (truncated to 200 characters when a string). */
  value?: unknown;
  pos: SourcePosition;
}

/** Result of a pure transformation. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: RowError };

export const ok = <O>(value: O): Outcome<O> => ({ ok: true, value });
export const fail = <O = never>(error: RowError): Outcome<O> => ({ ok: false, error });

/** A record the extractor could not parse: kept with its original columns when it has any. */
export interface SourceReject {
  error: RowError;
  /** Columns as far as they could be read, in source order; may be empty. */
  data: Record<string, unknown>;
  raw?: string;
}

/** What an extractor yields: a record, or a malformed row reported as a reject. Reading goes on. */
export type ExtractItem<T = Record<string, unknown>> =
  | { kind: 'record'; record: SourceRecord<T> }
  | { kind: 'reject'; reject: SourceReject };

/** Truncates a value for inclusion in an error or report. */
export function clip(value: unknown, max = 200): unknown {
  if (typeof value === 'string' && value.length > max) return `${value.slice(0, max)}…(${value.length} chars)`;
  return value;
}
