import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { csvLine } from '../../../src/core/csv-cell.js';
import { writeCsvAtomic } from '../../../src/payroll/write-csv.js';
import { it } from '../../helpers/fixtures.js';

describe('writeCsvAtomic', () => {
  it('writes header + lines across several blocks, with the sha256 and byte count of the bytes on disk', ({ tmp: dir }) => {
    const path = join(dir, 'sub', 'out.csv');
    const rows = Array.from({ length: 3000 }, (_, i) => [String(i), `name ${i} "q"`, 'é'.repeat(i % 700)]);
    const r = writeCsvAtomic(path, ['n', 'name', 'text'], rows.map(csvLine));
    const bytes = readFileSync(path);
    expect(bytes.toString('utf8')).toBe([['n', 'name', 'text'], ...rows].map(csvLine).join(''));
    expect(r).toEqual({ path, rows: 3000, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  });

  it('a failing source leaves no file and no temporary file behind', ({ tmp: dir }) => {
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
