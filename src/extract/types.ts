/** The extractor contract: a lazy pull stream of records and rejects, with positions. */
import type { ErrorCode, SourcePosition } from '../core/errors.js';
import type { SourceWarning } from '../core/pipeline-event.js';
import type { ExtractItem } from '../core/record.js';

/** Where to start reading: the position of a record an earlier read reported (resume). */
export interface StartAt {
  /** Byte offset of the record's first byte in the file (`pos.byteOffset`). */
  byteOffset: number;
  /** Its 0-based data-record index (`pos.index`). */
  index: number;
  /** Its 1-based physical line (`pos.line`). */
  line: number;
}

export interface ExtractorOptions {
  /** Directory a relative `path` resolves against (the pipeline file's directory). */
  baseDir: string;
  /**
   * Resume: seek to this record instead of re-parsing the file before it. For CSV the header is read
   * from the start first. The caller must pass a position this extractor reported for the same file
   * (check `sha256File()` first): an offset inside a record parses garbage.
   */
  startAt?: StartAt;
  /** Bytes read from the file per chunk (default 256 KiB). One batch = the items of one chunk. */
  chunkBytes?: number;
  /**
   * Header names the caller reads by their numbered keys (a step's `collect: Labels`, or a column it
   * names `Labels_2`): under `duplicateHeaders: error` their repeats are read as `Name_2`… (with a
   * SOURCE_DUPLICATE_HEADER warning) instead of stopping the read. Prepare derives it from the step.
   */
  repeatsRead?: ReadonlySet<string>;
  /** Called for each warning as it happens (also kept in `warnings()`). */
  onWarning?: (w: ExtractWarning) => void;
}

/**
 * Something worth telling the user that is not a reject (an empty file, a renamed duplicate header, an
 * encoding fallback): the run's `source-warning` event carries it as it is (core/pipeline-event.ts).
 */
export type ExtractWarning = SourceWarning;

/** The header of a tabular source. */
export interface SourceHeader {
  /** Header cells exactly as in the file, in file order (rejects.csv writes these back). */
  names: readonly string[];
  /** The record keys used for each column, same order: trimmed names, duplicates made unique (`name`, `name_2`). */
  keys: readonly string[];
  /** Header names that appear more than once: the 1-based columns holding each, and the key each column is read as. */
  repeated?: readonly { name: string; columns: readonly number[]; keys: readonly string[] }[];
}

export interface ExtractStats {
  /** Records yielded. */
  records: number;
  /** Rejects yielded. */
  rejects: number;
  /** Lines skipped because they held no value at all (empty, or only delimiters). Not data rows. */
  blankRows: number;
  /** File bytes consumed so far (including the header and anything before `startAt`). */
  bytesRead: number;
}

export interface Extractor {
  /** The source path as written in the pipeline (used in every position). */
  readonly source: string;
  /** The absolute path read. */
  readonly path: string;
  /**
   * Reads from the start (or `startAt`) to the end. Each call starts a new read. Fatal problems
   * throw a ZpetlError: SOURCE_NOT_FOUND / SOURCE_UNREADABLE; SOURCE_BINARY (the file is not text);
   * SOURCE_INVALID_ENCODING for a JSON/NDJSON file that is not UTF-8; SOURCE_DUPLICATE_HEADER (under
   * `duplicateHeaders: error`) or SOURCE_CONTROL_CHARACTER in a CSV header; SOURCE_PARSE for a JSON
   * syntax error, thrown after the elements before it were yielded, with line and column. Every other
   * problem is a `reject` item (or, for a file as a whole, a warning) and reading goes on. `signal`
   * aborts between chunks (throws the signal's reason).
   */
  read(signal?: AbortSignal): AsyncIterable<ExtractItem>;
  /** Same items as `read()`, grouped per chunk read: far fewer awaits for hot loops. Never yields an empty batch. */
  readBatches(signal?: AbortSignal): AsyncIterable<ExtractItem[]>;
  /** The header once read (CSV and timesheet sources); undefined for JSON sources and before reading. */
  header(): SourceHeader | undefined;
  warnings(): readonly ExtractWarning[];
  stats(): ExtractStats;
}
