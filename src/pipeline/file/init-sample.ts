/**
 * `zpetl init`'s look at a CSV: its header (as the extractor names the columns) and first rows, read
 * with the extractor's delimiter detection and position tracker, so an error names the line the
 * extractor would.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { parse } from 'csv-parse';
import { ZpetlError } from '../../core/errors.js';
import { detectDelimiter, headerKeys, sniffBom } from '../../extract/csv-header.js';
import { createCsvPositionTracker, type CsvParseProgress, type ReadBytes } from '../../extract/csv-position.js';
import type { Delimiter } from '../../extract/source-schema.js';

/** A CSV's first rows, for guessing. */
export interface SourceSample {
  /** The column names as a pipeline refers to them: the header cells trimmed, an empty one `column_<n>`, a repeated one `name_2`. */
  header: string[];
  rows: string[][];
  delimiter: Delimiter;
}

/**
 * Reads a CSV's header and up to `maxRows` data rows (UTF-8, BOM skipped). Throws SOURCE_NOT_FOUND,
 * SOURCE_EMPTY or SOURCE_PARSE with the file named.
 */
export async function readSourceSample(path: string, maxRows = 50, shownAs: string = path): Promise<SourceSample> {
  let firstChunk = '';
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', start: 0, end: 65_535 })) {
      firstChunk += chunk as string;
      break;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ZpetlError(code === 'ENOENT' ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNREADABLE', `cannot read ${shownAs}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, {
      cause: e,
      hint: 'Give the path of the CSV export whose header the pipeline should map.',
    });
  }
  const headerLine = firstChunk.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (headerLine.trim() === '') throw new ZpetlError('SOURCE_EMPTY', `${shownAs} has no header line`, { pos: { source: shownAs, line: 1, index: 0 } });
  const delimiter = detectDelimiter(headerLine, '"');
  const records: string[][] = [];
  // Lines as the extractor counts them (the tracker of src/extract/csv-position.ts): an error names the
  // line where its record starts, past blank lines and records that span lines. The tracker follows
  // the parser (on_record), not the consumer: a parse error drops the records still buffered.
  let fd: number | undefined;
  const read: ReadBytes = (start, maxBytes) => {
    fd ??= openSync(path, 'r');
    const buf = Buffer.alloc(maxBytes);
    return buf.subarray(0, readSync(fd, buf, 0, maxBytes, start));
  };
  const bom = sniffBom(read(0, 3));
  const bomBytes = bom !== undefined && 'bomBytes' in bom ? bom.bomBytes : 0;
  // csv-parse strips the BOM itself (`bom: true`) and counts it in its byte offsets: parserOffset 0.
  const tracker = createCsvPositionTracker({ read, unitBytes: bomBytes === 2 ? 2 : 1, start: { line: 1, byteOffset: bomBytes }, parserOffset: 0 });
  let last: CsvParseProgress = { bytes: 0, lines: 0, empty_lines: 0 };
  const onRecord = (record: string[], info: CsvParseProgress) => {
    tracker.record(info, record);
    last = info;
    return record;
  };
  const parser = createReadStream(path).pipe(
    parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, to: maxRows + 1, on_record: onRecord }),
  );
  try {
    for await (const rec of parser) records.push(rec as string[]);
  } catch (e) {
    // A csv-parse error carries the parser's counters; any other error is placed after the last record.
    const at = tracker.recordStart(typeof (e as Partial<CsvParseProgress>).empty_lines === 'number' ? (e as CsvParseProgress) : last);
    throw new ZpetlError('SOURCE_PARSE', `cannot parse ${shownAs}: ${(e as Error).message}`, { cause: e, pos: { source: shownAs, line: at.line, index: records.length, byteOffset: at.byteOffset } });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const [names, ...rows] = records;
  if (!names) throw new ZpetlError('SOURCE_EMPTY', `${shownAs} has no header line`, { pos: { source: shownAs, line: 1, index: 0 } });
  // The names a pipeline refers to columns by are the extractor's record keys (trimmed, `column_<n>`, `name_2`).
  return { header: [...headerKeys(names).header.keys], rows, delimiter };
}
