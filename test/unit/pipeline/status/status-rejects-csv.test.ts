import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { RejectRow } from '../../../../src/checkpoint/store-types.js';
import { writeRejectsCsv } from '../../../../src/pipeline/status/status.js';
import { it } from '../../../helpers/fixtures.js';

let dir: string;
it.beforeEach(({ tmp }) => {
  dir = tmp;
});

const row = (line: number, columns: [string, unknown][], extra: Partial<RejectRow> = {}): RejectRow => ({
  id: line,
  runId: 1,
  step: 'tasks',
  key: null,
  stage: 'prepare',
  source: 'in.csv',
  line,
  index: line - 2,
  code: 'ROW_INVALID_DATE',
  field: 'Start',
  message: 'bad "date", see\nline',
  value: null,
  columns,
  ...extra,
});

describe('writeRejectsCsv (zpetl rejects --csv), through the report rejects writer', () => {
  it('writes the stored columns in first-seen order, then _line.._message, quoted as before', async () => {
    const rows = [
      row(2, [['Name', 'a, b'], ['2024', 7], ['Start', '31/02']]),
      row(5, [['Name', 'say "hi"'], ['Meta', { x: [1, 2] }], ['Start', null]], { code: 'ROW_REQUIRED', field: '' }),
      row(9, [['Start', 'multi\nline'], ['Name', '']]),
    ];
    const out = join(dir, 'sub', 'fix.csv');
    await expect(writeRejectsCsv(rows, out)).resolves.toBe(3);
    // The bytes the former hand-written writer produced for the same rows (numeric-looking column
    // names keep their place, objects as JSON, null and missing columns empty).
    expect(readFileSync(out, 'utf8')).toBe(
      'Name,2024,Start,Meta,_line,_step,_code,_field,_message\n' +
        '"a, b",7,31/02,,2,tasks,ROW_INVALID_DATE,Start,"bad ""date"", see\nline"\n' +
        '"say ""hi""",,,"{""x"":[1,2]}",5,tasks,ROW_REQUIRED,,"bad ""date"", see\nline"\n' +
        ',,"multi\nline",,9,tasks,ROW_INVALID_DATE,Start,"bad ""date"", see\nline"\n',
    );
    expect(readdirSync(join(dir, 'sub'))).toEqual(['fix.csv']); // no scratch folder left behind
  });

  it('no rejects: the header of the added columns only; an existing file is replaced', async () => {
    const out = join(dir, 'fix.csv');
    writeFileSync(out, 'old content\n');
    await expect(writeRejectsCsv([], out)).resolves.toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('_line,_step,_code,_field,_message\n');
  });

  it('rejects of two steps are a usage error and nothing is written', async () => {
    const out = join(dir, 'fix.csv');
    await expect(writeRejectsCsv([row(2, [['A', '1']]), row(3, [['B', '2']], { step: 'users' })], out)).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    expect(readdirSync(dir)).toEqual([]);
  });
});
