/**
 * csv-parse's synchronous engine with the options every CSV source is read with. The engine is the
 * `api` property of its stream `Parser` class: chunks are pushed in by the caller (no stream), and its
 * counters (`info`) and open record (`state`) are read after a failure.
 */
import { Parser } from 'csv-parse';
import type { CsvParseProgress } from './csv-position.js';
import type { Delimiter } from './source-schema.js';

/** The synchronous engine inside csv-parse's stream Parser (public property `api` of the class). */
export interface CsvParseApi {
  /** Parses `buf` (undefined with `end` at the end of the file); returns the error it stopped on. */
  parse(buf: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
  info: CsvParseProgress;
  /** The record being parsed: whether a quote is open, and the fields closed so far. */
  state: { quoting: boolean; record: string[] };
}

/** A fresh engine: one per parser instance (the reader restarts with a new one after a bad record). */
/** `encoding` is csv-parse's decoder: latin1 for files decoded per field (text-encoding.ts). */
export function createParseApi(encoding: 'utf8' | 'utf16le' | 'latin1', delimiter: Delimiter, quote: string, maxRecordBytes: number): CsvParseApi {
  const parser = new Parser({
    encoding,
    delimiter,
    quote,
    escape: quote,
    // Any line ending ends a record, so files with mixed endings (concatenated exports) still parse.
    // csv-position.ts counts lines by the same rule.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    // `5" screen` is data, not a syntax error; an opening quote left open is still detected.
    relax_quotes: true,
    skip_empty_lines: true,
    bom: false,
    max_record_size: maxRecordBytes,
  });
  return (parser as unknown as { api: CsvParseApi }).api;
}
