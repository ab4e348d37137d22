/**
 * Streaming CSV extractor on csv-parse's core (`Parser#api.parse`, the synchronous engine under its
 * stream), fed by positioned reads: one chunk is read only when the consumer has taken the previous
 * batch (back-pressure), so memory stays constant whatever the file size.
 *
 * Positions are computed here, not taken from csv-parse's `info.lines`, which counts a CRLF inside a
 * quoted field twice: a record starts where the previous one ended (`info.bytes`), plus any skipped
 * blank lines; its line is the previous record's last line + 1, plus blank lines; line breaks inside
 * quoted fields are counted from the field text only when csv-parse says the record spans lines.
 *
 * Malformed rows become rejects and reading goes on:
 * - a quote left open: csv-parse keeps reading until the end of the file (or the record-size guard).
 *   Also, a record spanning several lines whose field count is wrong is taken as a quote left open.
 *   Either way the row is rejected as SOURCE_UNCLOSED_QUOTE at the line the record starts and
 *   reading restarts at the next physical line, with a fresh parser.
 * - wrong field count → SOURCE_FIELD_COUNT, keeping the columns it has (and the raw text).
 * - invalid UTF-8 → SOURCE_INVALID_ENCODING: chunks are validated with `buffer.isUtf8`; only records
 *   overlapping an invalid chunk are checked field by field.
 * - a field over `maxFieldChars` → SOURCE_FIELD_TOO_LONG.
 * Rows with no value at all (empty, or only delimiters/spaces) are not data rows: they are skipped
 * and counted in `stats().blankRows`. An empty file is zero rows and a SOURCE_EMPTY warning.
 * Duplicate header names are made unique (`name`, `name_2`) with a SOURCE_DUPLICATE_HEADER warning.
 */
import { isUtf8 } from 'node:buffer';
import { Parser } from 'csv-parse';
import { ZpetlError, type ErrorCode, type SourcePosition } from '../core/errors.js';
import { clip, type ExtractItem, type RowError } from '../core/record.js';
import { detectDelimiter, headerKeys, sniffBom } from './csv-header.js';
import { fileExtractor } from './batch-source.js';
import type { SourceFile } from './file-access.js';
import type { CsvSource, Delimiter, SourceEncoding } from './source-schema.js';
import type { ExtractStats, ExtractWarning, Extractor, ExtractorOptions, SourceHeader, StartAt } from './types.js';

/** The synchronous engine inside csv-parse's stream Parser (public property `api` of the class). */
interface CsvParseApi {
  parse(buf: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
  info: { bytes: number; lines: number; empty_lines: number };
  state: { quoting: boolean; record: string[] };
}

export const DEFAULT_CHUNK_BYTES = 256 * 1024;
/** Raw text kept with a reject, in bytes. */
const MAX_RAW_BYTES = 64 * 1024;

export interface CsvReadOptions {
  encoding: SourceEncoding;
  delimiter?: Delimiter | undefined;
  quote: string;
  maxFieldChars: number;
  relaxColumnCount: boolean;
}

function createParseApi(encoding: SourceEncoding, delimiter: Delimiter, quote: string, maxRecordBytes: number): CsvParseApi {
  const parser = new Parser({
    encoding,
    delimiter,
    quote,
    escape: quote,
    // Any line ending ends a record, so files with mixed endings (concatenated exports) still parse.
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

function isBlank(rec: string[]): boolean {
  for (let i = 0; i < rec.length; i++) {
    const f = rec[i]!;
    if (f.length !== 0 && f.trim().length !== 0) return false;
  }
  return true;
}

/** Line breaks inside field values (CRLF, LF and lone CR each count once). */
function countBreaks(rec: readonly string[]): number {
  let n = 0;
  for (const f of rec) {
    let i = f.indexOf('\n');
    while (i !== -1) {
      n++;
      i = f.indexOf('\n', i + 1);
    }
    i = f.indexOf('\r');
    while (i !== -1) {
      if (f.charCodeAt(i + 1) !== 10) n++;
      i = f.indexOf('\r', i + 1);
    }
  }
  return n;
}

/** Bytes at the end of `buf` that start a UTF-8 sequence the buffer does not complete. */
function incompleteUtf8Tail(buf: Buffer): number {
  const len = buf.length;
  for (let back = 1; back <= Math.min(3, len); back++) {
    const b = buf[len - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Reads a CSV file as batches of items. Shared by the CSV and Zoho timesheet extractors.
 * `onHeader` runs once the header is known (before any data item).
 */
export async function* readCsvBatches(
  file: SourceFile,
  source: string,
  opts: CsvReadOptions,
  run: {
    chunkBytes: number;
    startAt?: StartAt | undefined;
    signal?: AbortSignal | undefined;
    stats: ExtractStats;
    warn: (w: ExtractWarning) => void;
    /** Runs once the header is known; may return the header with other record keys (same names). */
    onHeader: (h: SourceHeader) => SourceHeader | void;
    /**
     * Runs on each well-formed record after `data` is built: may add fields to `data`, or return a
     * row error to turn the record into a reject (which keeps the original columns and raw text).
     */
    onRecord?: (rec: readonly string[], data: Record<string, unknown>, pos: SourcePosition) => RowError | undefined;
  },
): AsyncGenerator<ExtractItem[]> {
  const { stats, warn } = run;
  const size = file.size;
  // The head is read whole (not per chunkBytes) so the BOM and the header line are always in view.
  const head = await file.readChunk(0, Math.min(Math.max(run.chunkBytes, 64 * 1024), size));
  const bom = sniffBom(head);
  if (bom && 'unsupported' in bom) {
    throw new ZpetlError('SOURCE_INVALID_ENCODING', `${source} is ${bom.unsupported}, which is not supported`, {
      hint: 'save the file as UTF-8 (or UTF-16LE) and run again',
    });
  }
  const encoding: SourceEncoding = bom?.encoding ?? opts.encoding;
  const bomBytes = bom?.bomBytes ?? 0;
  const unit = encoding === 'utf16le' ? 2 : 1;
  if (size <= bomBytes) {
    warn({ code: 'SOURCE_EMPTY', message: `${source} is empty: no header and no rows`, pos: { source, line: 1, index: 0, byteOffset: 0 } });
    run.onHeader({ names: [], keys: [] });
    return;
  }
  const delimiter = opts.delimiter ?? detectDelimiter(head.subarray(bomBytes).toString(encoding), opts.quote);
  const maxFieldChars = opts.maxFieldChars;
  // Memory guard for one record (csv-parse counts bytes of the open field plus chars of closed ones).
  const maxRecordBytes = Math.max(maxFieldChars * 4, 1 << 20) + (1 << 20);
  const checkUtf8 = encoding === 'utf8';
  const decoder = (b: Buffer) => b.toString(encoding);

  // Parser state, reset at every restart (after a quote left open, or to seek for resume).
  let api = createParseApi(encoding, delimiter, opts.quote, maxRecordBytes);
  let base = bomBytes; // file offset where the current parser instance started
  let lastEnd = 0; // end of the previous record, relative to base
  let lastCsvLines = 0;
  let lastEmpty = 0;
  let nextLine = 1; // physical line where the next record (or blank line) starts
  let index = 0;
  let header: SourceHeader | undefined;
  let restartAt: number | undefined;
  let stopAfterHeader = run.startAt !== undefined;
  let batch: ExtractItem[] = [];
  // Byte ranges of chunks that failed UTF-8 validation; records overlapping them are checked.
  const dirty: [number, number][] = [];
  let utf8Carry: Buffer | undefined;

  const reset = (offset: number, line: number) => {
    api = createParseApi(encoding, delimiter, opts.quote, maxRecordBytes);
    base = offset;
    lastEnd = 0;
    lastCsvLines = 0;
    lastEmpty = 0;
    nextLine = line;
    restartAt = undefined;
  };

  /** Skips blank lines from `start`: the first byte that is not CR/LF, and how many breaks were passed. */
  const skipBlankLines = (start: number): { start: number; lines: number } => {
    let at = start;
    let lines = 0;
    for (;;) {
      const buf = file.readSync(at, 64 * 1024);
      if (buf.length < unit) return { start: at, lines };
      let i = 0;
      for (; i + unit <= buf.length; i += unit) {
        const c = buf[i]!;
        if (unit === 2 && buf[i + 1] !== 0) return { start: at + i, lines };
        if (c === 10) lines++;
        else if (c === 13) {
          if (!(buf[i + unit] === 10 && (unit === 1 || buf[i + unit + 1] === 0))) lines++;
        } else return { start: at + i, lines };
      }
      at += i;
    }
  };

  /** Offset of the first byte after the first line break at or after `start` (or the file size). */
  const nextLineStart = (start: number): number => {
    let at = start;
    for (;;) {
      const buf = file.readSync(at, 64 * 1024);
      if (buf.length < unit) return size;
      let i = 0;
      for (; i + unit <= buf.length; i += unit) {
        const c = buf[i]!;
        if (unit === 2 && buf[i + 1] !== 0) continue;
        if (c === 10) return at + i + unit;
        if (c === 13) {
          if (i + 2 * unit <= buf.length) return buf[i + unit] === 10 && (unit === 1 || buf[i + unit + 1] === 0) ? at + i + 2 * unit : at + i + unit;
          const after = file.readSync(at + i + unit, unit);
          return after[0] === 10 && (unit === 1 || after[1] === 0) ? at + i + 2 * unit : at + i + unit;
        }
      }
      at += i;
    }
  };

  const rawText = (start: number, end: number): string => decoder(file.readSync(start, Math.min(end - start, MAX_RAW_BYTES)));

  const columnsOf = (rec: readonly string[], count: number): Record<string, unknown> => {
    const keys = header!.keys;
    const data: Record<string, unknown> = {};
    const n = Math.min(count, keys.length);
    for (let i = 0; i < n; i++) data[keys[i]!] = rec[i];
    return data;
  };

  const reject = (code: ErrorCode, message: string, pos: SourcePosition, field: string, value: unknown, data: Record<string, unknown>, raw: string) => {
    stats.rejects++;
    batch.push({ kind: 'reject', reject: { error: { code, message, field, value: clip(value), pos }, data, raw } });
  };

  /** Where the record now being parsed starts: after the previous one and any blank lines. */
  const recordStart = (): { start: number; line: number; empties: number } => {
    const empties = api.info.empty_lines - lastEmpty;
    let start = base + lastEnd;
    let line = nextLine;
    if (empties !== 0) {
      const skipped = skipBlankLines(start);
      start = skipped.start;
      line += skipped.lines;
      lastEmpty = api.info.empty_lines;
    }
    return { start, line, empties };
  };

  const quoteLeftOpen = (pos: SourcePosition, rec: readonly string[], column: number) => {
    const restart = nextLineStart(pos.byteOffset!);
    const field = header!.keys[column] ?? `column_${column + 1}`;
    reject(
      'SOURCE_UNCLOSED_QUOTE',
      `a quote opened in column "${field}" on line ${pos.line} is never closed, so the rest of the file would be one field; the row is rejected and reading goes on at line ${pos.line + 1}`,
      pos,
      field,
      rec[column],
      columnsOf(rec, column),
      rawText(pos.byteOffset!, restart),
    );
    restartAt = restart;
    nextLine = pos.line + 1;
  };

  const push = (rec: string[]) => {
    if (restartAt !== undefined) return; // this parser instance is being abandoned
    const { start, line, empties } = recordStart();
    const end = api.info.bytes;
    const csvLines = api.info.lines;
    const breaks = csvLines - lastCsvLines !== 1 + empties ? countBreaks(rec) : 0;
    lastCsvLines = csvLines;
    lastEnd = end;
    nextLine = line + breaks + 1;
    stats.bytesRead = base + end;

    if (header === undefined) {
      const { header: h, renamed } = headerKeys(rec);
      header = h;
      for (const r of renamed) {
        const dup = r.name.trim() !== '';
        warn({
          code: dup ? 'SOURCE_DUPLICATE_HEADER' : 'SOURCE_PARSE',
          message: dup
            ? `${source} line ${line}: header "${r.name.trim()}" appears more than once; column ${r.column} is read as "${r.key}"`
            : `${source} line ${line}: column ${r.column} has no header; it is read as "${r.key}"`,
          pos: { source, line, index: 0, byteOffset: start },
        });
      }
      header = run.onHeader(h) ?? h;
      if (stopAfterHeader) restartAt = run.startAt!.byteOffset;
      return;
    }
    if (isBlank(rec)) {
      stats.blankRows++;
      return;
    }
    const pos: SourcePosition = { source, line, index: index++, byteOffset: start };
    const keys = header.keys;
    const width = keys.length;
    if (rec.length !== width) {
      if (breaks > 0) {
        let column = rec.findIndex((f) => f.includes('\n') || f.includes('\r'));
        if (column < 0) column = 0;
        quoteLeftOpen(pos, rec, column);
        return;
      }
      if (rec.length > width || !opts.relaxColumnCount) {
        reject(
          'SOURCE_FIELD_COUNT',
          `row has ${rec.length} fields, the header has ${width}`,
          pos,
          '',
          undefined,
          columnsOf(rec, rec.length),
          rawText(start, base + end),
        );
        return;
      }
    }
    for (let i = 0; i < rec.length; i++) {
      if (rec[i]!.length > maxFieldChars) {
        const field = keys[i] ?? `column_${i + 1}`;
        reject(
          'SOURCE_FIELD_TOO_LONG',
          `field "${field}" has ${rec[i]!.length} characters, over the limit of ${maxFieldChars} (maxFieldChars)`,
          pos,
          field,
          rec[i],
          columnsOf(rec, rec.length),
          rawText(start, base + end),
        );
        return;
      }
    }
    if (dirty.length !== 0) {
      while (dirty.length !== 0 && dirty[0]![1] <= start) dirty.shift();
      if (dirty.length !== 0 && dirty[0]![0] < base + end) {
        const bad = rec.findIndex((f) => f.includes('\uFFFD'));
        if (bad >= 0 && !isUtf8(file.readSync(start, base + end - start))) {
          const field = keys[bad] ?? `column_${bad + 1}`;
          reject(
            'SOURCE_INVALID_ENCODING',
            `field "${field}" holds bytes that are not valid UTF-8 (shown as \uFFFD); is the file latin1? set encoding: latin1`,
            pos,
            field,
            rec[bad],
            columnsOf(rec, rec.length),
            rawText(start, base + end),
          );
          return;
        }
      }
    }
    const data: Record<string, unknown> = {};
    for (let i = 0; i < rec.length; i++) data[keys[i]!] = rec[i];
    if (run.onRecord !== undefined) {
      const error = run.onRecord(rec, data, pos);
      if (error !== undefined) {
        stats.rejects++;
        batch.push({ kind: 'reject', reject: { error, data: columnsOf(rec, rec.length), raw: rawText(start, base + end) } });
        return;
      }
    }
    stats.records++;
    batch.push({ kind: 'record', record: { data, pos } });
  };

  const noop = () => undefined;
  let position = bomBytes;
  // The head doubles as the first chunk unless chunks are smaller (tests use tiny chunks to hit every edge).
  let pending: Buffer | undefined = head.length > bomBytes && head.length <= run.chunkBytes ? head.subarray(bomBytes) : undefined;

  // One chunk of read-ahead: the next read runs on the thread pool while this chunk is parsed. Memory
  // stays bounded (one chunk), and a loaded machine does not serialise I/O latency with parsing.
  let prefetch: { at: number; read: Promise<Buffer> } | undefined;
  const readAt = (at: number): Promise<Buffer> => {
    if (prefetch !== undefined && prefetch.at === at) {
      const { read } = prefetch;
      prefetch = undefined;
      return read;
    }
    prefetch = undefined; // a seek (restart): the read-ahead is dropped (its rejection is already handled)
    return file.readChunk(at, run.chunkBytes);
  };
  try {
    for (;;) {
      if (run.signal?.aborted) throw run.signal.reason;
      let chunk: Buffer;
      if (pending !== undefined) {
        chunk = pending;
        pending = undefined;
      } else {
        chunk = position < size ? await readAt(position) : Buffer.alloc(0);
      }
      if (chunk.length !== 0 && position + chunk.length < size) {
        const read = file.readChunk(position + chunk.length, run.chunkBytes);
        read.catch(() => undefined);
        prefetch = { at: position + chunk.length, read };
      }
      const atEnd = chunk.length === 0;
      if (!atEnd && checkUtf8) {
        // Validate whole characters only: the tail of a character split by the chunk edge waits.
        const tail = incompleteUtf8Tail(chunk);
        const body = utf8Carry ? Buffer.concat([utf8Carry, chunk.subarray(0, chunk.length - tail)]) : chunk.subarray(0, chunk.length - tail);
        if (!isUtf8(body)) dirty.push([position - (utf8Carry?.length ?? 0), position + chunk.length]);
        utf8Carry = tail > 0 ? Buffer.from(chunk.subarray(chunk.length - tail)) : undefined;
      }
      if (!atEnd) position += chunk.length;
      const err = api.parse(atEnd ? undefined : chunk, atEnd, push, noop);
      if (err !== undefined && restartAt === undefined) {
        const csvCode = (err as { code?: string }).code;
        const { start, line } = recordStart();
        if (header === undefined) {
          throw new ZpetlError('SOURCE_PARSE', `${source} line ${line}: the header cannot be read: ${err.message}`, {
            cause: err,
            pos: { source, line, index: 0, byteOffset: start },
            hint: 'the header line must be a plain delimited line; check for a stray quote',
          });
        }
        const pos: SourcePosition = { source, line, index: index++, byteOffset: start };
        const fields = api.state.record;
        if (api.state.quoting) {
          quoteLeftOpen(pos, fields, fields.length);
        } else {
          const restart = nextLineStart(start);
          const column = fields.length;
          const field = header.keys[column] ?? `column_${column + 1}`;
          const tooLong = csvCode === 'CSV_MAX_RECORD_SIZE';
          reject(
            tooLong ? 'SOURCE_FIELD_TOO_LONG' : 'SOURCE_PARSE',
            tooLong ? `row is over ${maxRecordBytes} bytes at field "${field}" (maxFieldChars is ${maxFieldChars})` : `row cannot be parsed: ${err.message}`,
            pos,
            field,
            undefined,
            columnsOf(fields, column),
            rawText(start, restart),
          );
          restartAt = restart;
          nextLine = line + 1;
        }
      }
      if (batch.length !== 0) {
        const out = batch;
        batch = [];
        yield out;
      }
      if (restartAt !== undefined) {
        let line = nextLine;
        let at = restartAt;
        if (stopAfterHeader) {
          stopAfterHeader = false;
          const s = run.startAt!;
          if (s.byteOffset < base + lastEnd || s.byteOffset > size) {
            throw new ZpetlError('SOURCE_CHANGED', `${source}: resume position byte ${s.byteOffset} (line ${s.line}) is not a record of this file`, {
              hint: 'the file changed since the run started; start a new run',
              details: { startAt: s, size },
            });
          }
          line = s.line;
          index = s.index;
          at = s.byteOffset;
        }
        reset(at, line);
        position = at;
        utf8Carry = undefined;
        continue;
      }
      if (atEnd) break;
    }
  } finally {
    // Let an outstanding read-ahead finish before the caller closes the file.
    if (prefetch !== undefined) await prefetch.read.catch(() => undefined);
  }
  stats.bytesRead = size;
  if (header === undefined) {
    warn({ code: 'SOURCE_EMPTY', message: `${source} has only blank lines: no header and no rows`, pos: { source, line: 1, index: 0, byteOffset: 0 } });
    run.onHeader({ names: [], keys: [] });
  }
}

/** A CSV source as an Extractor. */
export function createCsvExtractor(source: CsvSource, options: ExtractorOptions): Extractor {
  return fileExtractor(source.path, options, (file, run) =>
    readCsvBatches(file, source.path, source, {
      chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      startAt: options.startAt,
      signal: run.signal,
      stats: run.stats,
      warn: run.warn,
      onHeader: run.setHeader,
    }),
  );
}
