import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParseApi } from '../../../src/extract/csv-parse-api.js';
import { countBreaks, createCsvPositionTracker, nextLineStart, skipBlankLines, type ReadBytes, type RecordSpan } from '../../../src/extract/csv-position.js';

/** A ReadBytes over an in-memory file. */
const reader = (bytes: Buffer): ReadBytes => (start, maxBytes) => bytes.subarray(start, start + maxBytes);
const u16 = (s: string) => Buffer.from(s, 'utf16le');

/** Parses `bytes` with the extractor's csv-parse options, `chunk` bytes at a time, feeding a tracker. */
function track(bytes: Buffer, o: { chunk?: number; bomBytes?: number; encoding?: 'utf8' | 'utf16le' | 'latin1' } = {}): (RecordSpan & { fields: string[] })[] {
  const { chunk = 1 << 16, bomBytes = 0, encoding = 'utf8' } = o;
  const api = createParseApi(encoding, ',', '"', 1 << 20);
  const tracker = createCsvPositionTracker({ read: reader(bytes), unitBytes: encoding === 'utf16le' ? 2 : 1, start: { line: 1, byteOffset: bomBytes } });
  const out: (RecordSpan & { fields: string[] })[] = [];
  const push = (fields: string[]) => out.push({ ...tracker.record(api.info, fields), fields });
  const noop = () => undefined;
  for (let at = bomBytes; at < bytes.length; at += chunk) expect(api.parse(bytes.subarray(at, at + chunk), false, push, noop)).toBeUndefined();
  expect(api.parse(undefined, true, push, noop)).toBeUndefined();
  return out;
}
const lines = (spans: RecordSpan[]) => spans.map((s) => [s.line, s.byteOffset]);

describe('countBreaks', () => {
  it.each([
    [[], 0],
    [['plain', ''], 0],
    [['a\nb'], 1],
    [['a\r\nb'], 1],
    [['a\rb'], 1],
    [['\r\r\n\n'], 3],
    [['a\n', '\rb', 'c\r\n'], 3],
  ] as const)('%j has %i', (fields, n) => {
    expect(countBreaks(fields)).toBe(n);
  });
});

describe('skipBlankLines', () => {
  it.each([
    ['', 0, 0],
    ['x', 0, 0],
    ['\nx', 1, 1],
    ['\r\nx', 2, 1],
    ['\rx', 1, 1],
    ['\n\rx', 2, 2],
    ['\r\r\n\nx', 4, 3],
    ['\n\n', 2, 2],
    ['\r', 1, 1],
    [' \nx', 0, 0],
  ])('UTF-8 %j: stops at byte %i after %i lines', (text, byteOffset, n) => {
    expect(skipBlankLines(reader(Buffer.from(text)), 0, 1)).toEqual({ byteOffset, lines: n });
    // UTF-16LE: the same, in code units of two bytes.
    expect(skipBlankLines(reader(u16(text)), 0, 2)).toEqual({ byteOffset: 2 * byteOffset, lines: n });
  });

  it('starts where it is told, and a UTF-16LE unit whose high byte is set is not a break', () => {
    expect(skipBlankLines(reader(Buffer.from('ab\n\ncd')), 2, 1)).toEqual({ byteOffset: 4, lines: 2 });
    // U+0A0D is stored 0D 0A: neither a CR nor an LF.
    expect(skipBlankLines(reader(u16('\n\u0a0d')), 0, 2)).toEqual({ byteOffset: 2, lines: 1 });
  });

  it('a CRLF split by the scan window is one line (64 KiB windows)', () => {
    // The window starts at the LF: the CRLF pairs after it straddle every window edge.
    const blank = Buffer.from(`\n${'\r\n'.repeat(40_000)}x`);
    expect(skipBlankLines(reader(blank), 0, 1)).toEqual({ byteOffset: blank.length - 1, lines: 40_001 });
    const wide = u16(`\n${'\r\n'.repeat(20_000)}x`);
    expect(skipBlankLines(reader(wide), 0, 2)).toEqual({ byteOffset: wide.length - 2, lines: 20_001 });
    const text = Buffer.from(`id\n1\n\n${'\r\n'.repeat(40_000)}2\n`);
    expect(lines(track(text)).at(-1)).toEqual([40_004, text.length - 2]);
  });
});

describe('nextLineStart', () => {
  it.each([
    ['abc\ndef', 4],
    ['abc\r\ndef', 5],
    ['abc\rdef', 4],
    ['abc\r', 4],
    ['abc', 3],
    ['', 0],
    ['"a\nb",c\n', 3],
  ])('UTF-8 %j: the next line starts at byte %i', (text, at) => {
    expect(nextLineStart(reader(Buffer.from(text)), 0, 1)).toBe(at);
    expect(nextLineStart(reader(u16(text)), 0, 2)).toBe(2 * at);
  });

  it('a CRLF split by the scan window is one break', () => {
    const text = Buffer.from(`${'x'.repeat(64 * 1024 - 1)}\r\nnext`);
    expect(nextLineStart(reader(text), 0, 1)).toBe(64 * 1024 + 1);
    const lone = Buffer.from(`${'x'.repeat(64 * 1024 - 1)}\rnext`);
    expect(nextLineStart(reader(lone), 0, 1)).toBe(64 * 1024);
  });

  it('counts multi-byte UTF-8 characters as their bytes', () => {
    expect(nextLineStart(reader(Buffer.from('日本\nx')), 0, 1)).toBe(7);
  });
});

describe('createCsvPositionTracker with csv-parse', () => {
  it.each<[string, string, [number, number][]]>([
    ['LF', 'id,name\n1,a\n2,b\n', [[1, 0], [2, 8], [3, 12]]],
    ['CRLF', 'id,name\r\n1,a\r\n2,b\r\n', [[1, 0], [2, 9], [3, 14]]],
    ['lone CR', 'id,name\r1,a\r2,b', [[1, 0], [2, 8], [3, 12]]],
    ['mixed endings', 'id\r\n1\n2\r3\r\n4', [[1, 0], [2, 4], [3, 6], [4, 8], [5, 11]]],
    ['no final line break', 'id\n1', [[1, 0], [2, 3]]],
    ['blank lines', '\n\nid\n\r\n\n1\r\r2\n\n', [[3, 2], [6, 8], [8, 11]]],
    ['quoted LF', 'id,note\n1,"a\nb"\n2,c\n', [[1, 0], [2, 8], [4, 16]]],
    ['quoted CRLF (csv-parse counts it twice)', 'id,note\r\n1,"a\r\nb\r\nc"\r\n2,x\r\n', [[1, 0], [2, 9], [5, 22]]],
    ['quoted lone CR', 'id,note\n1,"a\rb"\n2,c\n', [[1, 0], [2, 8], [4, 16]]],
    ['quoted breaks then blank lines', 'id,note\n1,"a\n\nb"\n\n\n2,c\n', [[1, 0], [2, 8], [7, 19]]],
    ['multi-byte UTF-8', 'id,name\n1,日本\n2,é\n', [[1, 0], [2, 8], [3, 17]]],
    ['a row of spaces is a record, not a blank line', 'id\n \n1\n', [[1, 0], [2, 3], [3, 5]]],
  ])('%s', (_name, text, expected) => {
    for (const chunk of [1, 2, 3, 7, 1 << 16]) expect(lines(track(Buffer.from(text), { chunk })), `chunk ${chunk}`).toEqual(expected);
  });

  it('a BOM is not part of the first line: positions are file offsets after it', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id\n\n1\n')]);
    expect(lines(track(bytes, { bomBytes: 3 }))).toEqual([
      [1, 3],
      [3, 7],
    ]);
  });

  it('UTF-16LE: byte offsets in bytes, a BOM of two bytes', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), u16('id,n\r\n\r\n1,"a\r\nb"\r\n2,Zoë\r\n')]);
    for (const chunk of [1, 3, 1 << 16]) {
      expect(lines(track(bytes, { bomBytes: 2, encoding: 'utf16le', chunk }))).toEqual([
        [1, 2],
        [3, 2 + 2 * 'id,n\r\n\r\n'.length],
        [5, 2 + 2 * 'id,n\r\n\r\n1,"a\r\nb"\r\n'.length],
      ]);
    }
  });

  it('reports breaks, the record end, and what has been consumed', () => {
    const spans = track(Buffer.from('id,note\n1,"a\nb"\n'));
    expect(spans.map((s) => [s.breaks, s.endByte])).toEqual([
      [0, 8],
      [1, 16],
    ]);
  });
});

describe('createCsvPositionTracker, fed by hand', () => {
  const file = Buffer.from('id\n\n\n1,x\n2,y\n');
  const fresh = () => createCsvPositionTracker({ read: reader(file), unitBytes: 1, start: { line: 1, byteOffset: 0 } });

  it('takes the record start from the previous end plus the blank lines csv-parse skipped', () => {
    const t = fresh();
    expect(t.record({ bytes: 3, lines: 1, empty_lines: 0 }, ['id'])).toEqual({ line: 1, byteOffset: 0, endByte: 3, breaks: 0 });
    expect(t.consumedBytes).toBe(3);
    expect(t.record({ bytes: 9, lines: 4, empty_lines: 2 }, ['1', 'x'])).toEqual({ line: 4, byteOffset: 5, endByte: 9, breaks: 0 });
  });

  it('recordStart (a record csv-parse failed on) gives the same answer when asked twice', () => {
    const t = fresh();
    t.record({ bytes: 3, lines: 1, empty_lines: 0 }, ['id']);
    const progress = { bytes: 3, lines: 3, empty_lines: 2 };
    expect(t.recordStart(progress)).toEqual({ line: 4, byteOffset: 5 });
    expect(t.recordStart(progress)).toEqual({ line: 4, byteOffset: 5 });
    expect(t.record({ bytes: 9, lines: 4, empty_lines: 2 }, ['1', 'x'])).toMatchObject({ line: 4, byteOffset: 5, breaks: 0 });
  });

  it('counts breaks in the fields only when the line counter says there are some', () => {
    const t = fresh();
    t.record({ bytes: 3, lines: 1, empty_lines: 0 }, ['id']);
    // csv-parse's counter moved by one (the previous record's line break): the fields are not scanned.
    expect(t.record({ bytes: 6, lines: 2, empty_lines: 0 }, ['a\nb']).breaks).toBe(0);
    expect(t.record({ bytes: 12, lines: 5, empty_lines: 0 }, ['a\r\nb']).breaks).toBe(1);
  });

  it('seek restarts at a position, with a parser counting from there', () => {
    const t = fresh();
    t.record({ bytes: 3, lines: 1, empty_lines: 0 }, ['id']);
    t.seek({ line: 5, byteOffset: 9 });
    expect(t.consumedBytes).toBe(9);
    expect(t.record({ bytes: 4, lines: 1, empty_lines: 0 }, ['2', 'y'])).toEqual({ line: 5, byteOffset: 9, endByte: 13, breaks: 0 });
  });
});

describe('tracker positions agree with splitting the text', () => {
  const piece = fc.constantFrom('a', 'Z', ' ', 'é', '日', '\u{1F600}', ',', '"', '\r', '\n', '\r\n');
  const cell = fc.array(piece, { maxLength: 5 }).map((p) => p.join(''));
  const quoteCell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  const ending = fc.constantFrom('\n', '\r\n', '\r');
  const row = fc.record({
    cells: fc.array(cell, { minLength: 2, maxLength: 4 }),
    blankBefore: fc.array(ending, { maxLength: 2 }),
    end: ending,
  });

  it('each record starts at the byte and line where the text put it, for any chunk size', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.integer({ min: 1, max: 40 }), (rows, bom, chunk) => {
        let text = '';
        const expected: { line: number; byteOffset: number; fields: string[] }[] = [];
        for (const r of rows) {
          text += r.blankBefore.join('');
          // Lines before the record: each CRLF, LF or lone CR ends one.
          expected.push({ line: text.split(/\r\n|\r|\n/).length, byteOffset: (bom ? 3 : 0) + Buffer.byteLength(text), fields: r.cells });
          text += r.cells.map(quoteCell).join(',') + r.end;
        }
        const bytes = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text)]);
        const got = track(bytes, { chunk, bomBytes: bom ? 3 : 0 });
        expect(got.map(({ line, byteOffset, fields }) => ({ line, byteOffset, fields }))).toEqual(expected);
      }),
      { seed: 20_261_204, numRuns: 400 },
    );
  });
});
