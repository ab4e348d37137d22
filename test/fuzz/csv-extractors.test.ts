/**
 * Fuzzing the CSV and Zoho timesheet extractors (createExtractor) with generated files: rows built one
 * by one, whose reading is known line by line (test/helpers/fuzz-csv.ts), and chaotic token soups.
 * Every read ends within READ_TIMEOUT_MS, throws nothing but a SOURCE_* ZpetlError, counts in
 * `stats()` exactly the items it yields, gives each reject a code and a line, and reads the same
 * twice. The seed is printed; see test/helpers/fuzz-run.ts for replaying one (ZPETL_FUZZ_SEED).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import type { ExtractItem } from '../../src/core/record.js';
import { createExtractor } from '../../src/extract/create-extractor.js';
import type { Source } from '../../src/extract/source-schema.js';
import { byteCodec, FALLBACK_ENCODING } from '../../src/extract/text-encoding.js';
import { chaosCsv, csvCase, plainDataLines, type CsvCase, type ExpectedRow } from '../helpers/fuzz-csv.js';
import { checkRead, checkSameRead, fuzzParams, fuzzRuns, fuzzTimeoutMs, posOf, readBounded, type ReadResult } from '../helpers/fuzz-run.js';
import { it } from '../helpers/fixtures.js';

let dir: string;
it.beforeAll(({ fileTmp }) => {
  dir = fileTmp;
});

/** Writes `bytes` as the source file and reads it (twice: the reads must agree). */
async function readCase(source: Source, bytes: Buffer, chunkBytes: number | undefined, startAt?: ExtractItem): Promise<ReadResult> {
  writeFileSync(join(dir, source.path), bytes);
  const options = { baseDir: dir, ...(chunkBytes === undefined ? {} : { chunkBytes }) };
  const at = startAt === undefined ? undefined : posOf(startAt);
  const ex = createExtractor(source, at === undefined ? options : { ...options, startAt: { byteOffset: at.byteOffset!, index: at.index, line: at.line } });
  const maxItems = bytes.length + 2;
  const first = await readBounded(ex, maxItems);
  checkRead(first, source.path, bytes.length);
  checkSameRead(first, await readBounded(ex, maxItems));
  return first;
}

/** Codes a row may be rejected with, given its one fault (undefined: it must be a record). */
function rejectCodes(c: CsvCase, row: ExpectedRow): string[] | undefined {
  const timesheet = c.source.type === 'zoho-timesheet';
  switch (row.fault) {
    case 'none':
      return timesheet ? ['ROW_INVALID_DATE', 'ROW_INVALID_DURATION', 'ROW_INVALID_DATETIME'] : undefined;
    case 'short':
      return !timesheet && (c.source as { relaxColumnCount: boolean }).relaxColumnCount ? undefined : ['SOURCE_FIELD_COUNT'];
    case 'wide':
      return ['SOURCE_FIELD_COUNT'];
    case 'too-long':
      return ['SOURCE_FIELD_TOO_LONG'];
    case 'control':
      return ['SOURCE_CONTROL_CHARACTER', ...(timesheet ? ['ROW_INVALID_DATE', 'ROW_INVALID_DURATION', 'ROW_INVALID_DATETIME'] : [])];
    case 'invalid':
      return ['SOURCE_INVALID_ENCODING', ...(timesheet ? ['ROW_INVALID_DATE', 'ROW_INVALID_DURATION', 'ROW_INVALID_DATETIME'] : [])];
  }
}

/**
 * A value as the read must give it: as written, or, when `encoding: auto` said it fell back to the
 * legacy code page (a UTF-8 file whose bad bytes are as many as its multi-byte characters), the
 * UTF-8 bytes written read in that code page. Either answer is the detector's rule at work.
 */
function asRead(r: ReadResult, v: string): string {
  if (!r.warnings.some((w) => w.code === 'SOURCE_ENCODING_FALLBACK')) return v;
  return byteCodec(FALLBACK_ENCODING).bytes(Buffer.from(v, 'utf8'));
}

/** Whether the row may be read as a record, and whether it must be (no reject is allowed). */
function recordAllowed(c: CsvCase, row: ExpectedRow): { may: boolean; must: boolean } {
  const codes = rejectCodes(c, row);
  if (codes === undefined) return { may: true, must: true };
  // A control character may be loaded (no rule yet, or `strip`); invalid bytes may be read in a
  // fallback code page (`encoding: auto`); a timesheet row with valid values is a record.
  const declaredUtf8 = (c.source as { encoding: string }).encoding === 'utf8';
  const may = row.fault === 'none' || row.fault === 'control' || (row.fault === 'invalid' && !declaredUtf8);
  return { may, must: false };
}

/** The one item a non-blank row gave is what its fault allows, at its line, with its values. */
function checkRow(c: CsvCase, r: ReadResult, item: ExtractItem, row: ExpectedRow, at: number) {
  const where = `row ${at} (line ${row.line}, fault ${row.fault})`;
  expect(posOf(item).line, `${where}: line`).toBe(row.line);
  const { may, must } = recordAllowed(c, row);
  if (item.kind === 'reject') {
    expect(must, `${where} must be a record, got ${item.reject.error.code}: ${item.reject.error.message}`).toBe(false);
    expect(rejectCodes(c, row), `${where}: reject code`).toContain(item.reject.error.code);
    return;
  }
  expect(may, `${where} must be a reject, got a record`).toBe(true);
  const keys = r.header!.keys;
  const stripped = row.fault === 'control' && (c.source as { controlCharacters: string }).controlCharacters === 'strip';
  if (row.values === undefined || stripped) return;
  const data = item.record.data;
  row.values.forEach((v, i) => expect(data[keys[i]!], `${where}: column ${i + 1} ("${keys[i]}")`).toBe(asRead(r, v)));
  // A short row under relaxColumnCount has no value for its missing columns.
  for (let i = row.values.length; i < keys.length; i++) expect(data[keys[i]!], `${where}: column ${i + 1} is absent`).toBeUndefined();
}

/** Fatal errors a generated case may end with, before any item. */
function allowedFatal(c: CsvCase): string[] {
  const codes: string[] = [];
  if (c.duplicateNames) codes.push('SOURCE_DUPLICATE_HEADER');
  if (c.source.type === 'zoho-timesheet' && !c.timesheetColumns) codes.push('SOURCE_MISSING_COLUMN');
  // A NUL byte in a file in a single-byte encoding looks binary (src/extract/text-sniff.ts).
  if ((c.profile === 'utf8' || c.profile === 'latin1' || c.profile === 'ascii') && c.bytes.includes(0)) codes.push('SOURCE_BINARY');
  return codes;
}

describe('CSV and timesheet extractors on generated files (fuzz)', () => {
  const builtRuns = fuzzRuns(150);
  it('built CSV rows: every non-blank row is one item at its line, with its values or a reject for its fault; resuming at a record reads the rest', async () => {
    await fc.assert(
      fc.asyncProperty(csvCase, fc.nat(), async (c, pick) => {
        const r = await readCase(c.source, c.bytes, c.chunkBytes);
        if (r.error !== undefined) {
          expect(allowedFatal(c), `fatal ${(r.error as Error).message}`).toContain((r.error as { code: string }).code);
          expect(r.items).toEqual([]);
          return;
        }
        expect(r.header?.names, 'header names as written').toEqual(c.header.map((h) => asRead(r, h)));
        expect(r.items.map((i) => posOf(i).line), 'one item per non-blank row, at its line').toEqual(c.rows.map((row) => row.line));
        r.items.forEach((item, i) => checkRow(c, r, item, c.rows[i]!, i));
        // Resume from a record's position: exactly the items after it, the same.
        const recordAt = r.items.map((item, i) => (item.kind === 'record' ? i : -1)).filter((i) => i >= 0);
        if (recordAt.length === 0) return;
        const from = recordAt[pick % recordAt.length]!;
        const resumed = await readCase(c.source, c.bytes, c.chunkBytes, r.items[from]);
        expect(resumed.error).toBeUndefined();
        expect(resumed.items, `resumed at item ${from}`).toEqual(r.items.slice(from));
      }),
      fuzzParams('built CSV rows', builtRuns),
    );
  }, fuzzTimeoutMs(builtRuns));

  // Found by this fuzz test before the fix (seed 1306106025): a file that ended inside a UTF-8 sequence
  // (a lead byte without its continuation bytes, no final line break) loaded its last row with U+FFFD:
  // csv-chunks.ts held the incomplete tail back for a next chunk that never came. The answer depended
  // on the chunk size.
  it('a UTF-8 sequence cut by the end of the file is a SOURCE_INVALID_ENCODING reject, whatever the chunk size', async () => {
    const source = { type: 'csv', path: 'in.csv', encoding: 'utf8', quote: '"', maxFieldChars: 100, controlCharacters: 'reject', duplicateHeaders: 'error', relaxColumnCount: false } as Source;
    const bytes = Buffer.concat([Buffer.from('id\nk\nk'), Buffer.from([0xe2, 0x82])]);
    for (const chunkBytes of [undefined, 4]) {
      const r = await readCase(source, bytes, chunkBytes);
      expect(r.items.map((i) => (i.kind === 'record' ? 'record' : i.reject.error.code)), `chunkBytes ${chunkBytes ?? 'default'}`).toEqual(['record', 'SOURCE_INVALID_ENCODING']);
    }
  });

  const chaosRuns = fuzzRuns(250);
  it('chaotic CSV: no crash, no hang, every item counted and placed; plain files give one item per line holding a value', async () => {
    await fc.assert(
      fc.asyncProperty(chaosCsv, async (c) => {
        const r = await readCase(c.source, c.bytes, c.chunkBytes);
        const lines = plainDataLines(c);
        if (lines === undefined || r.error !== undefined) return;
        expect(r.items.map((i) => posOf(i).line)).toEqual(lines);
      }),
      fuzzParams('chaotic CSV', chaosRuns),
    );
  }, fuzzTimeoutMs(chaosRuns));
});
