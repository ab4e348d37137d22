import { stringify } from 'csv-stringify/sync';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { csvCell, csvLine, writeCsvAtomic } from '../../../src/payroll/write-csv.js';

/** What the export wrote before (and what the issue names): csv-stringify with these options. */
const reference = (rows: string[][]) => stringify(rows, { record_delimiter: 'unix', quoted_match: /^\s|\s$/ });

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

describe('writeCsvAtomic', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes header + lines across several blocks, with the sha256 and byte count of the bytes on disk', () => {
    dir = mkdtempSync(join(tmpdir(), 'zpetl-csv-'));
    const path = join(dir, 'sub', 'out.csv');
    const rows = Array.from({ length: 3000 }, (_, i) => [String(i), `name ${i} "q"`, 'é'.repeat(i % 700)]);
    const r = writeCsvAtomic(path, ['n', 'name', 'text'], rows.map(csvLine));
    const bytes = readFileSync(path);
    expect(bytes.toString('utf8')).toBe(reference([['n', 'name', 'text'], ...rows]));
    expect(r).toEqual({ path, rows: 3000, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  });

  it('a failing source leaves no file and no temporary file behind', () => {
    dir = mkdtempSync(join(tmpdir(), 'zpetl-csv-'));
    const path = join(dir, 'out.csv');
    const lines = (function* () {
      yield 'a\n';
      throw new Error('boom');
    })();
    expect(() => writeCsvAtomic(path, ['h'], lines)).toThrow(/PAYROLL_OUTPUT_FAILED|cannot write/);
    expect(() => readFileSync(path)).toThrow();
    expect(() => readFileSync(`${path}.tmp-${process.pid}`)).toThrow();
  });
});
