import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../../src/core/csv-cell.js';

/**
 * csv-stringify with the options csv-cell.ts names: edge whitespace and a bare CR quoted as well (by
 * default csv-stringify leaves a CR unquoted once a record delimiter is set).
 */
const reference = (rows: string[][]) => stringify(rows, { record_delimiter: 'unix', quoted_match: [/^\s|\s$/, '\r'] });

// Every kind of cell that can change quoting: delimiters, quotes, record delimiters, whitespace at
// either end (ASCII and Unicode), formula prefixes (already neutralised upstream), non-ASCII text.
const CELLS = [
  '',
  'plain',
  'a,b',
  ',',
  '"',
  'say "hi"',
  '""',
  'line\nbreak',
  '\n',
  'cr\rinside',
  '\r',
  'crlf\r\nend',
  ' lead',
  'trail ',
  ' ',
  '\tTab',
  'tab\t',
  '\u00a0nbsp',
  'nbsp\u00a0',
  '\u2028sep',
  '\ufeffbom',
  'mid space ok',
  "'=SUM(A1)",
  "'-1",
  '-1.50',
  '12:30',
  'Ünïcödé ✓ 日本',
  '😀 emoji',
  'x\u0000y',
  'a"b,c\nd ',
];

describe('csvCell / csvLine equal csv-stringify', () => {
  it('every listed cell, alone and in a record', () => {
    for (const c of CELLS) {
      expect(csvLine([c]), JSON.stringify(c)).toBe(reference([[c]]));
      expect(csvLine(['a', c, 'b']), JSON.stringify(c)).toBe(reference([['a', c, 'b']]));
    }
    expect(CELLS.map(csvCell).join(',') + '\n').toBe(reference([CELLS]));
  });

  it('quotes a bare CR like an LF (a reader taking CR as a line end would split the record)', () => {
    expect(csvCell('Mid\r=2+2')).toBe('"Mid\r=2+2"');
    expect(csvCell('\r')).toBe('"\r"');
    expect(csvLine(['a', 'b\rc'])).toBe('a,"b\rc"\n');
  });

  it('20,000 pseudo-random cells over an alphabet of the special characters', () => {
    const alphabet = ['a', 'Z', '0', ' ', ',', '"', '\n', '\r', '\t', '\u00a0', '=', '-', 'é', '\u3000'];
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const rows: string[][] = [];
    for (let r = 0; r < 2000; r++) {
      const row: string[] = [];
      for (let c = 0; c < 10; c++) {
        let s = '';
        const len = next() % 6;
        for (let k = 0; k < len; k++) s += alphabet[next() % alphabet.length];
        row.push(s);
      }
      rows.push(row);
    }
    expect(rows.map(csvLine).join('')).toBe(reference(rows));
  });
});
