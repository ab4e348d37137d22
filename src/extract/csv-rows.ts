/**
 * What a parsed CSV row becomes: a record, or a reject with its code, field, the columns it has and
 * its raw text. Positions come from the tracker (csv-position.ts); this module only judges the row.
 */
import { isUtf8 } from 'node:buffer';
import type { ErrorCode, SourcePosition } from '../core/errors.js';
import { clip, type ExtractItem, type RowError } from '../core/record.js';
import type { RecordSpan } from './csv-position.js';

/** Raw text kept with a reject, in bytes. */
const MAX_RAW_BYTES = 64 * 1024;

/** What the row checks need to know about the file and the read. */
export interface CsvRowContext {
  /** Record keys of the header (unique). */
  keys: readonly string[];
  maxFieldChars: number;
  relaxColumnCount: boolean;
  /** Up to `maxBytes` raw bytes of the file from `start`. */
  readBytes(start: number, maxBytes: number): Buffer;
  decode(bytes: Buffer): string;
  /** Whether bytes `[start, end)` overlap a chunk that failed UTF-8 validation (asked in file order). */
  mayBeInvalidUtf8(start: number, end: number): boolean;
  /**
   * Runs on each well-formed record after `data` is built: may add fields to `data`, or return a
   * row error to turn the record into a reject (which keeps the original columns and raw text).
   */
  onRecord?: ((rec: readonly string[], data: Record<string, unknown>, pos: SourcePosition) => RowError | undefined) | undefined;
}

/** A row with no value at all (empty, or only delimiters and spaces): not a data row. */
export function isBlank(rec: readonly string[]): boolean {
  for (let i = 0; i < rec.length; i++) {
    const f = rec[i]!;
    if (f.length !== 0 && f.trim().length !== 0) return false;
  }
  return true;
}

const rawText = (ctx: CsvRowContext, start: number, end: number): string => ctx.decode(ctx.readBytes(start, Math.min(end - start, MAX_RAW_BYTES)));

/** The first `count` columns of `rec`, by header key. */
function columnsOf(ctx: CsvRowContext, rec: readonly string[], count: number): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const n = Math.min(count, ctx.keys.length);
  for (let i = 0; i < n; i++) data[ctx.keys[i]!] = rec[i];
  return data;
}

const fieldName = (ctx: CsvRowContext, column: number) => ctx.keys[column] ?? `column_${column + 1}`;

function reject(code: ErrorCode, message: string, pos: SourcePosition, field: string, value: unknown, data: Record<string, unknown>, raw: string): ExtractItem {
  return { kind: 'reject', reject: { error: { code, message, field, value: clip(value), pos }, data, raw } };
}

/**
 * A record whose quote in `column` is never closed: rejected as SOURCE_UNCLOSED_QUOTE at the line it
 * starts; its raw text runs to `restartByte`, the next physical line, where reading goes on.
 */
export function unclosedQuoteReject(ctx: CsvRowContext, rec: readonly string[], column: number, pos: SourcePosition, restartByte: number): ExtractItem {
  const field = fieldName(ctx, column);
  return reject(
    'SOURCE_UNCLOSED_QUOTE',
    `a quote opened in column "${field}" on line ${pos.line} is never closed, so the rest of the file would be one field; the row is rejected and reading goes on at line ${pos.line + 1}`,
    pos,
    field,
    rec[column],
    columnsOf(ctx, rec, column),
    rawText(ctx, pos.byteOffset!, restartByte),
  );
}

/**
 * A record csv-parse gave up on (not a quote left open): `fields` are those it had parsed. Over the
 * record-size guard it is SOURCE_FIELD_TOO_LONG, else SOURCE_PARSE with csv-parse's message.
 */
export function unparsableRowReject(ctx: CsvRowContext, fields: readonly string[], err: Error, pos: SourcePosition, restartByte: number, maxRecordBytes: number): ExtractItem {
  const column = fields.length;
  const field = fieldName(ctx, column);
  const tooLong = (err as { code?: string }).code === 'CSV_MAX_RECORD_SIZE';
  return reject(
    tooLong ? 'SOURCE_FIELD_TOO_LONG' : 'SOURCE_PARSE',
    tooLong ? `row is over ${maxRecordBytes} bytes at field "${field}" (maxFieldChars is ${ctx.maxFieldChars})` : `row cannot be parsed: ${err.message}`,
    pos,
    field,
    undefined,
    columnsOf(ctx, fields, column),
    rawText(ctx, pos.byteOffset!, restartByte),
  );
}

/**
 * A non-blank data row on one line, or spanning lines with the header's width: a record, or a reject
 * for a wrong field count (SOURCE_FIELD_COUNT), a field over `maxFieldChars` (SOURCE_FIELD_TOO_LONG),
 * bytes that are not UTF-8 (SOURCE_INVALID_ENCODING), or the `onRecord` hook's error.
 */
export function rowItem(ctx: CsvRowContext, rec: readonly string[], pos: SourcePosition, span: RecordSpan): ExtractItem {
  const { keys, maxFieldChars } = ctx;
  const start = span.byteOffset;
  const end = span.endByte;
  const width = keys.length;
  if (rec.length !== width && (rec.length > width || !ctx.relaxColumnCount)) {
    return reject('SOURCE_FIELD_COUNT', `row has ${rec.length} fields, the header has ${width}`, pos, '', undefined, columnsOf(ctx, rec, rec.length), rawText(ctx, start, end));
  }
  for (let i = 0; i < rec.length; i++) {
    if (rec[i]!.length > maxFieldChars) {
      const field = fieldName(ctx, i);
      return reject(
        'SOURCE_FIELD_TOO_LONG',
        `field "${field}" has ${rec[i]!.length} characters, over the limit of ${maxFieldChars} (maxFieldChars)`,
        pos,
        field,
        rec[i],
        columnsOf(ctx, rec, rec.length),
        rawText(ctx, start, end),
      );
    }
  }
  if (ctx.mayBeInvalidUtf8(start, end)) {
    const bad = rec.findIndex((f) => f.includes('\uFFFD'));
    if (bad >= 0 && !isUtf8(ctx.readBytes(start, end - start))) {
      const field = fieldName(ctx, bad);
      return reject(
        'SOURCE_INVALID_ENCODING',
        `field "${field}" holds bytes that are not valid UTF-8 (shown as \uFFFD); is the file latin1? set encoding: latin1`,
        pos,
        field,
        rec[bad],
        columnsOf(ctx, rec, rec.length),
        rawText(ctx, start, end),
      );
    }
  }
  const data: Record<string, unknown> = {};
  for (let i = 0; i < rec.length; i++) data[keys[i]!] = rec[i];
  if (ctx.onRecord !== undefined) {
    const error = ctx.onRecord(rec, data, pos);
    if (error !== undefined) return { kind: 'reject', reject: { error, data: columnsOf(ctx, rec, rec.length), raw: rawText(ctx, start, end) } };
  }
  return { kind: 'record', record: { data, pos } };
}
