/**
 * Streaming CSV extractor on csv-parse's core (`Parser#api.parse`, the synchronous engine under its
 * stream), fed by positioned reads: one chunk is read only when the consumer has taken the previous
 * batch (back-pressure), so memory stays constant whatever the file size.
 *
 * This file is the thin adapter: options, chunks in, batches out, restarts. The parts:
 * - csv-position.ts: where each record starts (line and byte offset), the source of every record's
 *   and reject's `pos` and of the resume seek;
 * - csv-parse-api.ts: the csv-parse engine and its options;
 * - csv-encoding.ts: which encoding the file is read in (BOM, declaration, detection, binary files);
 *   text-encoding.ts: the encodings and how each is parsed and decoded;
 * - csv-chunks.ts: the reads, with read-ahead, and per UTF-8 chunk validation and a control-character scan;
 * - csv-rows.ts: what a row becomes (record or reject);
 * - csv-header.ts: delimiter, header keys, repeated names, control characters in header cells.
 *
 * Malformed rows become rejects and reading goes on:
 * - a quote left open: csv-parse keeps reading until the end of the file (or the record-size guard).
 *   Also, a record spanning several lines whose field count is wrong is taken as a quote left open.
 *   Either way the row is rejected as SOURCE_UNCLOSED_QUOTE at the line the record starts and
 *   reading restarts at the next physical line, with a fresh parser.
 * - wrong field count → SOURCE_FIELD_COUNT, keeping the columns it has (and the raw text).
 * - bytes not valid in the encoding → SOURCE_INVALID_ENCODING, with the encoding they look like: for
 *   UTF-8 only records overlapping a chunk that failed `buffer.isUtf8` are checked field by field.
 * - a control character (core/control-chars.ts) → SOURCE_CONTROL_CHARACTER, or stripped with a
 *   SOURCE_CONTROL_STRIPPED warning on the record under `controlCharacters: strip`; for UTF-8 only
 *   records overlapping a chunk that holds one are checked.
 * - a field over `maxFieldChars` → SOURCE_FIELD_TOO_LONG.
 * Fatal, before any row: a file that looks binary (SOURCE_BINARY), a repeated header name under
 * `duplicateHeaders: error` that the caller does not read (SOURCE_DUPLICATE_HEADER; `repeatsRead`),
 * a header cell with a control character under `reject`.
 * Rows with no value at all (empty, or only delimiters/spaces) are not data rows, wherever they are
 * (also before the header, which is the first other line): they are skipped, counted in
 * `stats().blankRows` and told once at the end (SOURCE_BLANK_LINES). An empty file, or one of only
 * blank lines, is zero rows and a SOURCE_EMPTY warning; a header with no row after it, SOURCE_NO_RECORDS.
 */
import { ZpetlError, type SourcePosition } from '../core/errors.js';
import type { ExtractItem, RowError } from '../core/record.js';
import { fileExtractor } from './batch-source.js';
import type { ControlCharacterPolicy } from '../core/control-chars.js';
import { createCsvChunks } from './csv-chunks.js';
import { chooseEncoding } from './csv-encoding.js';
import { detectDelimiter, judgeHeader } from './csv-header.js';
import { createParseApi } from './csv-parse-api.js';
import { createCsvPositionTracker, nextLineStart, type LinePosition } from './csv-position.js';
import { isBlank, rowItem, unclosedQuoteReject, unparsableRowReject, type CsvRowContext } from './csv-rows.js';
import type { SourceFile } from './file-access.js';
import { blankLinesNotice, emptyNotice, noRecordsNotice } from './source-notices.js';
import type { CsvSource, Delimiter, DuplicateHeaderPolicy } from './source-schema.js';
import { byteCodec, parseModeOf, swap16InPlace, type ByteCodec, type ParseMode, type SourceEncoding } from './text-encoding.js';
import type { ExtractStats, ExtractWarning, Extractor, ExtractorOptions, SourceHeader, StartAt } from './types.js';

export const DEFAULT_CHUNK_BYTES = 256 * 1024;

export interface CsvReadOptions {
  encoding: SourceEncoding;
  delimiter?: Delimiter | undefined;
  quote: string;
  maxFieldChars: number;
  relaxColumnCount: boolean;
  controlCharacters: ControlCharacterPolicy;
  duplicateHeaders: DuplicateHeaderPolicy;
}

/** What the file's first bytes tell (csv-encoding.ts): encoding, how it is parsed, BOM, delimiter. */
interface Layout {
  head: Buffer;
  encoding: Exclude<SourceEncoding, 'auto'>;
  mode: ParseMode;
  codec: ByteCodec | undefined;
  bomBytes: number;
  unit: 1 | 2;
  delimiter: Delimiter;
}

/**
 * How the file is read in its layout's mode: csv-parse's decoder, raw bytes (UTF-16BE is read as
 * UTF-16LE everywhere, parser, tracker and reject text alike: records start at even offsets) and the
 * decoder of a reject's raw text.
 */
function readingIn(file: SourceFile, layout: Layout): { parseEncoding: 'utf8' | 'utf16le' | 'latin1'; readBytes: (start: number, maxBytes: number) => Buffer; decode: (b: Buffer) => string } {
  const { mode, codec } = layout;
  const parseEncoding = mode === 'bytes' ? 'latin1' : mode === 'utf16be' ? 'utf16le' : mode;
  const readBytes = mode === 'utf16be' ? (start: number, maxBytes: number) => swap16InPlace(file.readSync(start, maxBytes)) : (start: number, maxBytes: number) => file.readSync(start, maxBytes);
  const decode = codec !== undefined ? (b: Buffer) => codec.bytes(b) : (b: Buffer) => b.toString(parseEncoding);
  return { parseEncoding, readBytes, decode };
}

/** A file with no header line: a SOURCE_EMPTY warning and an empty header. */
function emptyFile(source: string, run: { warn: (w: ExtractWarning) => void; onHeader: (h: SourceHeader) => unknown }): undefined {
  run.warn(emptyNotice(source, 'tabular'));
  run.onHeader({ names: [], keys: [] });
  return undefined;
}

async function readLayout(
  file: SourceFile,
  source: string,
  opts: CsvReadOptions,
  run: { chunkBytes: number; warn: (w: ExtractWarning) => void; onHeader: (h: SourceHeader) => unknown },
): Promise<Layout | undefined> {
  const size = file.size;
  // The head is read whole (not per chunkBytes) so the BOM and the header line are always in view.
  const head = await file.readChunk(0, Math.min(Math.max(run.chunkBytes, 64 * 1024), size));
  if (size === 0) {
    return emptyFile(source, run);
  }
  const choice = chooseEncoding(source, head, size, opts.encoding);
  for (const w of choice.warnings) run.warn(w);
  const { encoding, bomBytes } = choice;
  if (size <= bomBytes) {
    return emptyFile(source, run);
  }
  const mode = parseModeOf(encoding);
  const body = head.subarray(bomBytes);
  const text = mode === 'utf16be' ? swap16InPlace(Buffer.from(body)).toString('utf16le') : body.toString(mode === 'bytes' ? 'latin1' : mode);
  const delimiter = opts.delimiter ?? detectDelimiter(text, opts.quote);
  return { head, encoding, mode, codec: mode === 'bytes' ? byteCodec(encoding) : undefined, bomBytes, unit: mode === 'utf8' || mode === 'bytes' ? 1 : 2, delimiter };
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
    /** Header names the caller reads by their numbered keys: their repeats are no SOURCE_DUPLICATE_HEADER error. */
    repeatsRead?: ReadonlySet<string> | undefined;
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
  const layout = await readLayout(file, source, opts, run);
  if (layout === undefined) return;
  const { head, encoding, mode, codec, bomBytes, unit, delimiter } = layout;
  const { parseEncoding, readBytes, decode } = readingIn(file, layout);
  // Memory guard for one record (csv-parse counts bytes of the open field plus chars of closed ones).
  const maxRecordBytes = Math.max(opts.maxFieldChars * 4, 1 << 20) + (1 << 20);
  const chunks = createCsvChunks(file, { head, start: bomBytes, chunkBytes: run.chunkBytes, mode });
  const tracker = createCsvPositionTracker({ read: readBytes, unitBytes: unit, start: { line: 1, byteOffset: bomBytes } });

  // Parser state. A parser instance is abandoned (after a quote left open, or to seek for resume):
  // `restart` is where the next one starts.
  let api = createParseApi(parseEncoding, delimiter, opts.quote, maxRecordBytes);
  let headerAt: LinePosition | undefined;
  let firstBlankRow: number | undefined;
  let index = 0;
  let rows: CsvRowContext | undefined; // set once the header is read
  let restart: LinePosition | undefined;
  let stopAfterHeader = run.startAt !== undefined;
  let batch: ExtractItem[] = [];

  const add = (item: ExtractItem) => {
    if (item.kind === 'reject') stats.rejects++;
    else stats.records++;
    batch.push(item);
  };
  /** The next physical line after the one `pos` starts on: reading restarts there. */
  const restartAfter = (pos: SourcePosition): number => {
    restart = { line: pos.line + 1, byteOffset: nextLineStart(readBytes, pos.byteOffset!, unit) };
    return restart.byteOffset;
  };

  const readHeader = (cells: string[], at: LinePosition) => {
    headerAt = at;
    const h = judgeHeader(source, codec === undefined ? cells : cells.map((c) => codec.bytes(Buffer.from(c, 'latin1'))), { ...opts, repeatsRead: run.repeatsRead }, at, warn);
    const header = run.onHeader(h) ?? h;
    const { maxFieldChars, relaxColumnCount, controlCharacters } = opts;
    rows = { keys: header.keys, maxFieldChars, relaxColumnCount, readBytes, decode, mayBeInvalidUtf8: chunks.mayBeInvalidUtf8, mayHoldControl: chunks.mayHoldControl, encoding, codec, controlCharacters, onRecord: run.onRecord };
    if (stopAfterHeader) restart = { line: run.startAt!.line, byteOffset: run.startAt!.byteOffset };
  };

  const push = (rec: string[]) => {
    if (restart !== undefined) return; // this parser instance is being abandoned
    const span = tracker.record(api.info, rec);
    stats.bytesRead = span.endByte;
    // A line whose cells are all empty after trimming is blank wherever it is: the header is the first other line.
    if (isBlank(rec)) {
      stats.blankRows++;
      firstBlankRow ??= span.line;
      return;
    }
    if (rows === undefined) return readHeader(rec, span);
    const pos: SourcePosition = { source, line: span.line, index: index++, byteOffset: span.byteOffset };
    if (rec.length !== rows.keys.length && span.breaks > 0) {
      const column = Math.max(0, rec.findIndex((f) => f.includes('\n') || f.includes('\r')));
      add(unclosedQuoteReject(rows, rec, column, pos, restartAfter(pos)));
      return;
    }
    add(rowItem(rows, rec, pos, span));
  };

  /** csv-parse stopped on the record it was parsing: it is rejected, and reading restarts after it. */
  const onParseError = (err: Error) => {
    const at = tracker.recordStart(api.info);
    if (rows === undefined) {
      throw new ZpetlError('SOURCE_PARSE', `${source} line ${at.line}: the header cannot be read: ${err.message}`, {
        cause: err,
        pos: { source, line: at.line, index: 0, byteOffset: at.byteOffset },
        hint: 'the header line must be a plain delimited line; check for a stray quote',
      });
    }
    const pos: SourcePosition = { source, line: at.line, index: index++, byteOffset: at.byteOffset };
    const fields = api.state.record;
    if (api.state.quoting) add(unclosedQuoteReject(rows, fields, fields.length, pos, restartAfter(pos)));
    else add(unparsableRowReject(rows, fields, err, pos, restartAfter(pos), maxRecordBytes));
  };

  /** Starts a fresh parser at `to`; the first restart of a resume seeks to `startAt` instead. */
  const seek = (to: LinePosition) => {
    if (stopAfterHeader) {
      stopAfterHeader = false;
      const s = run.startAt!;
      if (s.byteOffset < tracker.consumedBytes || s.byteOffset > size) {
        throw new ZpetlError('SOURCE_CHANGED', `${source}: resume position byte ${s.byteOffset} (line ${s.line}) is not a record of this file`, {
          hint: 'the file changed since the run started; start a new run',
          details: { startAt: s, size },
        });
      }
      index = s.index;
    }
    tracker.seek(to);
    api = createParseApi(parseEncoding, delimiter, opts.quote, maxRecordBytes);
    restart = undefined;
    chunks.seek(to.byteOffset);
  };

  const noop = () => undefined;
  try {
    for (;;) {
      if (run.signal?.aborted) throw run.signal.reason;
      const chunk = await chunks.next();
      const atEnd = chunk.length === 0;
      const err = api.parse(atEnd ? undefined : chunk, atEnd, push, noop);
      if (err !== undefined && restart === undefined) onParseError(err);
      if (batch.length !== 0) {
        const out = batch;
        batch = [];
        yield out;
      }
      if (restart !== undefined) {
        seek(restart);
        continue;
      }
      if (atEnd) break;
    }
  } finally {
    // Let an outstanding read-ahead finish before the caller closes the file.
    await chunks.settle();
  }
  stats.bytesRead = size;
  if (rows === undefined) {
    // No header: only blank lines (counted in the stats; the file is empty all the same).
    tracker.recordStart(api.info);
    stats.blankRows += tracker.blankLines.count;
    return emptyFile(source, run);
  }
  endWarnings(source, tracker, api, stats, headerAt!, firstBlankRow, run.startAt?.line, warn);
}

/** At the end of a read: SOURCE_NO_RECORDS (not on a resume: the records were before it) and SOURCE_BLANK_LINES (on a resume, of the lines after `resumedAt`). */
function endWarnings(
  source: string,
  tracker: ReturnType<typeof createCsvPositionTracker>,
  api: ReturnType<typeof createParseApi>,
  stats: ExtractStats,
  headerAt: LinePosition,
  firstBlankRow: number | undefined,
  resumedAt: number | undefined,
  warn: (w: ExtractWarning) => void,
): void {
  // Blank lines after the last record: csv-parse skipped them, the tracker accounts for them now.
  tracker.recordStart(api.info);
  if (resumedAt === undefined && stats.records + stats.rejects === 0) {
    warn(noRecordsNotice(source, 'csv', { source, line: headerAt.line, index: 0, byteOffset: headerAt.byteOffset }));
  }
  const blank = tracker.blankLines;
  stats.blankRows += blank.count;
  const first = Math.min(blank.first ?? Infinity, firstBlankRow ?? Infinity);
  if (stats.blankRows > 0) {
    warn(blankLinesNotice(source, stats.blankRows, { source, line: first, index: 0 }, resumedAt));
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
      repeatsRead: options.repeatsRead,
      onHeader: run.setHeader,
    }),
  );
}
