/**
 * The file-level extractor warnings, built in one place so every extractor words them alike (the
 * contract: SOURCE_EMPTY, SOURCE_NO_RECORDS, SOURCE_BLANK_LINES; ExtractWarning in types.ts).
 */
import type { SourcePosition } from '../core/errors.js';
import type { ExtractWarning } from './types.js';

const atStart = (source: string): SourcePosition => ({ source, line: 1, index: 0, byteOffset: 0 });

/** SOURCE_EMPTY: the file holds nothing ("no header line" for a tabular file). */
export function emptyNotice(source: string, kind: 'tabular' | 'json'): ExtractWarning {
  return { code: 'SOURCE_EMPTY', message: kind === 'tabular' ? `${source}: file is empty: no header line` : `${source}: file is empty`, pos: atStart(source) };
}

const NO_RECORDS = { csv: 'no records after the header', json: 'the JSON array is empty', ndjson: 'no records (only blank lines)' } as const;

/** SOURCE_NO_RECORDS: a header (CSV; `pos` is the header's), an empty array or only blank lines, and no record. */
export function noRecordsNotice(source: string, kind: keyof typeof NO_RECORDS, pos: SourcePosition = atStart(source)): ExtractWarning {
  return { code: 'SOURCE_NO_RECORDS', message: `${source}: ${NO_RECORDS[kind]}`, pos };
}

/**
 * SOURCE_BLANK_LINES, once at the end of a read: `count` blank lines, the first at `first`. A resumed
 * read (`resumedAt`: the line of its resume point) counts only the lines after that point, and says so.
 */
export function blankLinesNotice(source: string, count: number, first: SourcePosition, resumedAt?: number): ExtractWarning {
  const where = resumedAt === undefined ? `(the first at line ${first.line})` : `after line ${resumedAt}`;
  return { code: 'SOURCE_BLANK_LINES', message: `${source}: ${count} blank line(s) skipped ${where}`, pos: first };
}
