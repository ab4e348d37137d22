/**
 * What a parsed CSV row becomes: a record, or a reject with its code, field, the columns it has and
 * its raw text. Positions come from the tracker (csv-position.ts); this module only judges the row.
 */
import { isUtf8 } from 'node:buffer';
import type { ErrorCode, SourcePosition } from '../core/errors.js';
import { setOwn } from '../core/own-property.js';
import { clip, type ExtractItem, type RowError } from '../core/record.js';
import { controlCharIndex, describeControlChar, removedControlChars, stripControlChars, type ControlCharacterPolicy } from '../core/control-chars.js';
import type { RecordSpan } from './csv-position.js';
import { likelyEncoding, type ByteCodec, type SourceEncoding } from './text-encoding.js';

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
  /** Whether bytes `[start, end)` may hold a control character (asked in file order). */
  mayHoldControl(start: number, end: number): boolean;
  /** The encoding read (for messages). */
  encoding: SourceEncoding;
  /** Set for encodings parsed as latin1 bytes: decodes each field. */
  codec?: ByteCodec | undefined;
  controlCharacters: ControlCharacterPolicy;
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

/** Where each header's `__proto__` column is (-1: none), found once per header. */
const protoColumn = new WeakMap<readonly string[], number>();

/**
 * A column named `__proto__` is data: the plain assignment of a string to it does nothing, so it is
 * set as an own property afterwards (core/own-property.ts). One WeakMap read per row otherwise.
 */
function keepProtoColumn(keys: readonly string[], data: Record<string, unknown>, fields: readonly string[], n: number): void {
  let at = protoColumn.get(keys);
  if (at === undefined) protoColumn.set(keys, (at = keys.indexOf('__proto__')));
  if (at !== -1 && at < n) setOwn(data, '__proto__', fields[at]);
}

/** The first `count` columns of `rec`, by header key. */
function columnsOf(ctx: CsvRowContext, rec: readonly string[], count: number): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const n = Math.min(count, ctx.keys.length);
  for (let i = 0; i < n; i++) data[ctx.keys[i]!] = rec[i];
  keepProtoColumn(ctx.keys, data, rec, n);
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
 * for a wrong field count (SOURCE_FIELD_COUNT), bytes not valid in the encoding (SOURCE_INVALID_ENCODING),
 * a field over `maxFieldChars` (SOURCE_FIELD_TOO_LONG), a control character (SOURCE_CONTROL_CHARACTER;
 * under `strip` removed, the record carrying SOURCE_CONTROL_STRIPPED warnings), or the `onRecord`
 * hook's error. `onRecord` and the record see the decoded, stripped values.
 */
export function rowItem(ctx: CsvRowContext, rec: readonly string[], pos: SourcePosition, span: RecordSpan): ExtractItem {
  const { keys, maxFieldChars } = ctx;
  const start = span.byteOffset;
  const end = span.endByte;
  const width = keys.length;
  if (rec.length !== width && (rec.length > width || !ctx.relaxColumnCount)) {
    return reject('SOURCE_FIELD_COUNT', `row has ${rec.length} fields, the header has ${width}`, pos, '', undefined, columnsOf(ctx, rec, rec.length), rawText(ctx, start, end));
  }
  let fields = rec;
  if (ctx.codec !== undefined) {
    const decoded = decodeFields(ctx, ctx.codec, rec, pos, start, end);
    if ('reject' in decoded) return decoded.reject;
    fields = decoded.fields;
  }
  for (let i = 0; i < fields.length; i++) {
    if (fields[i]!.length > maxFieldChars) {
      const field = fieldName(ctx, i);
      return reject(
        'SOURCE_FIELD_TOO_LONG',
        `field "${field}" has ${fields[i]!.length} characters, over the limit of ${maxFieldChars} (maxFieldChars)`,
        pos,
        field,
        fields[i],
        columnsOf(ctx, fields, fields.length),
        rawText(ctx, start, end),
      );
    }
  }
  if (ctx.mayBeInvalidUtf8(start, end)) {
    const bad = fields.findIndex((f) => f.includes('\uFFFD'));
    if (bad >= 0 && !isUtf8(ctx.readBytes(start, end - start))) {
      const field = fieldName(ctx, bad);
      return reject(
        'SOURCE_INVALID_ENCODING',
        `field "${field}" holds bytes that are not valid UTF-8 (shown as \uFFFD)${encodingHint(ctx.readBytes(start, end - start), 'utf8')}`,
        pos,
        field,
        fields[bad],
        columnsOf(ctx, fields, fields.length),
        rawText(ctx, start, end),
      );
    }
  }
  let warnings: RowError[] | undefined;
  if (ctx.mayHoldControl(start, end)) {
    const checked = checkControls(ctx, fields, pos, start, end);
    if ('reject' in checked) return checked.reject;
    fields = checked.fields;
    warnings = checked.warnings;
  }
  const data: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) data[keys[i]!] = fields[i];
  keepProtoColumn(keys, data, fields, fields.length);
  if (ctx.onRecord !== undefined) {
    const error = ctx.onRecord(fields, data, pos);
    if (error !== undefined) return { kind: 'reject', reject: { error, data: columnsOf(ctx, fields, fields.length), raw: rawText(ctx, start, end) } };
  }
  return warnings === undefined ? { kind: 'record', record: { data, pos } } : { kind: 'record', record: { data, pos, warnings } };
}

/** `; the bytes look like windows-1252: set encoding: windows-1252`, or a plain word on the encoding when no other is likely. */
function encodingHint(bytes: Buffer, read: SourceEncoding): string {
  const likely = likelyEncoding(bytes, read);
  return likely === undefined ? '; check the encoding the file was saved in' : `; the bytes look like ${likely}: set encoding: ${likely}`;
}

/** The fields of a row parsed as latin1 bytes, decoded; or the SOURCE_INVALID_ENCODING reject of the first that cannot be. */
function decodeFields(ctx: CsvRowContext, codec: ByteCodec, rec: readonly string[], pos: SourcePosition, start: number, end: number): { fields: string[] } | { reject: ExtractItem } {
  const out: string[] = new Array<string>(rec.length);
  for (let i = 0; i < rec.length; i++) {
    const d = codec.field(rec[i]!);
    if (!d.ok) {
      const field = fieldName(ctx, i);
      const bytes = Buffer.from(rec[i]!, 'latin1');
      return { reject: reject(
        'SOURCE_INVALID_ENCODING',
        `field "${field}" holds bytes that are not valid ${codec.encoding} (at character ${d.at + 1})${encodingHint(bytes, codec.encoding)}`,
        pos,
        field,
        codec.bytes(bytes),
        columnsOf(ctx, rec.map((f) => codec.bytes(Buffer.from(f, 'latin1'))), rec.length),
        rawText(ctx, start, end),
      ) };
    }
    out[i] = d.text;
  }
  return { fields: out };
}

/**
 * The control-character rule on a row's fields (core/control-chars.ts): the SOURCE_CONTROL_CHARACTER
 * reject of the first field holding one, or under `strip` the fields without them and a
 * SOURCE_CONTROL_STRIPPED warning per field stripped.
 */
function checkControls(ctx: CsvRowContext, fields: readonly string[], pos: SourcePosition, start: number, end: number): { fields: readonly string[]; warnings?: RowError[] | undefined } | { reject: ExtractItem } {
  let out: string[] | undefined;
  let warnings: RowError[] | undefined;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const at = controlCharIndex(f);
    if (at < 0) continue;
    const field = fieldName(ctx, i);
    if (ctx.controlCharacters === 'reject') {
      const ch = f[at]!;
      const hint = ctx.encoding === 'latin1' && ch >= '\u0080' ? '; the file is probably windows-1252: set encoding: windows-1252' : '';
      const message = `field "${field}" holds ${describeControlChar(ch)} at character ${at + 1}${hint}`;
      return { reject: reject('SOURCE_CONTROL_CHARACTER', message, pos, field, f, columnsOf(ctx, fields, fields.length), rawText(ctx, start, end)) };
    }
    const stripped = stripControlChars(f);
    out ??= [...fields];
    out[i] = stripped.text;
    (warnings ??= []).push({ code: 'SOURCE_CONTROL_STRIPPED', message: `removed ${removedControlChars(stripped.removed, stripped.found)} from field "${field}"`, field, value: clip(f), pos });
  }
  return out === undefined ? { fields } : { fields: out, warnings };
}
