import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { runPayrollExport as exportWithoutFileReader } from '../../../src/payroll/run-payroll-export.js';
// The library's exportTimesheets: payroll's, with src/extract's timesheet extractor for file sources.
import { exportTimesheets } from '../../../src/index.js';
import { it } from '../../helpers/fixtures.js';
import { parseCsv } from '../../helpers/payroll-fakes.js';

let dir: string;
it.beforeEach(({ tmp }) => {
  dir = tmp;
});

const base = () => ({
  period: '2026-11-01..2026-11-15',
  tz: 'America/New_York', // DST ends 2026-11-01 inside the period
  source: { type: 'file' as const, path: 'fixtures/payroll/timesheet-export.csv', dateFormat: 'MM/DD/YYYY', hoursFormat: 'hh:mm' as const },
  employees: { csv: 'fixtures/payroll/employees.csv' },
  db: join(dir, 'cp.db'),
});

describe('exportTimesheets from a Zoho timesheet export file', () => {
  it('reads the file through the timesheet extractor and accounts for every row', async () => {
    const r = await exportTimesheets({ ...base(), out: join(dir, 'out.csv') });
    expect(r.counts.read).toBe(10);
    expect(r.counts.included).toBe(5);
    expect(r.counts.excluded.approval).toEqual({ Unapproved: 1, Rejected: 1 });
    expect(r.rejected.map((x) => [x.code, x.pos.line])).toEqual([
      ['ROW_INVALID_DURATION', 11],
      ['ROW_DAY_OVER_24H', 8],
      ['ROW_DAY_OVER_24H', 9],
    ]);
    // read = included + excluded + rejected
    expect(r.counts.included + 2 + r.counts.rejected).toBe(r.counts.read);
    expect(r.exitCode).toBe(3);
    expect(r.unmappedUsers.map((u) => u.email)).toEqual(['erin.new@northwind.example']);
    const rows = parseCsv(readFileSync(join(dir, 'out.csv'), 'utf8'));
    expect(rows.reduce((a, x) => a + Number(x.minutes), 0)).toBe(510 + 0 + 135 + 465 + 240);
    expect(r.totals.sourceMinutes).toBe(1350);
    expect(rows.map((x) => x.employee_id)).toEqual(['E1001', 'E1001', 'E1001', 'E1002', '']);
    expect(rows.find((x) => x.employee_id === 'E1002')!.task).toBe('\'=HYPERLINK("http://evil.example")');
  });

  it('a re-run of the unchanged file is byte-identical; adjustments are empty', async () => {
    await exportTimesheets({ ...base(), out: join(dir, 'a.csv') });
    await exportTimesheets({ ...base(), out: join(dir, 'b.csv') });
    expect(readFileSync(join(dir, 'b.csv'))).toEqual(readFileSync(join(dir, 'a.csv')));
    const adj = await exportTimesheets({ ...base(), adjustments: true, out: join(dir, 'c.csv') });
    expect(adj.rows).toBe(0);
  });

  it('names a bad date format as a configuration error', async () => {
    await expect(exportTimesheets({ ...base(), source: { ...base().source, dateFormat: 'QQ' }, out: join(dir, 'x.csv') })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('payroll itself does not read files: without the injected reader a file source is a usage error', async () => {
    await expect(exportWithoutFileReader({ ...base(), out: join(dir, 'x.csv') })).rejects.toMatchObject({ code: 'USAGE_INVALID', field: 'source' });
  });

  it('the injected reader is used for file sources and pulled only once logs are read', async () => {
    const calls: string[] = [];
    const invalidPeriod = exportWithoutFileReader({ ...base(), period: 'not-a-period', out: join(dir, 'x.csv') }, (source) => {
      calls.push(source.path);
      return (async function* () {})();
    });
    await expect(invalidPeriod).rejects.toMatchObject({ code: 'PAYROLL_INVALID_PERIOD' });
    expect(calls).toEqual([]);
    const r = await exportWithoutFileReader({ ...base(), out: join(dir, 'y.csv') }, (source) => {
      calls.push(source.path);
      return (async function* () {})();
    });
    expect(calls).toEqual(['fixtures/payroll/timesheet-export.csv']);
    expect(r.counts.read).toBe(0);
  });
});

describe('exportTimesheets: the timesheet reader\'s warnings about the file', () => {
  const HEADER = 'Log Date,User,Project,Task,Hours,Billing Type,Approval Status,Notes\n';
  const file = (name: string, bytes: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('an empty file is SOURCE_EMPTY (the run\'s rule), and no payroll file is written', async () => {
    const path = file('empty.csv', '');
    await expect(exportTimesheets({ ...base(), source: { ...base().source, path }, out: join(dir, 'out.csv') })).rejects.toMatchObject({
      code: 'SOURCE_EMPTY',
      message: expect.stringContaining('file is empty'),
    });
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
  });

  it('a header-only file: the export is written, with the SOURCE_NO_RECORDS warning in its result', async () => {
    const path = file('header-only.csv', HEADER);
    const r = await exportTimesheets({ ...base(), source: { ...base().source, path }, out: join(dir, 'out.csv') });
    expect(r.warnings).toContainEqual(expect.objectContaining({ code: 'SOURCE_NO_RECORDS', message: expect.stringContaining('no records after the header') }));
  });

  it('a Windows-1252 file and blank lines: SOURCE_ENCODING_FALLBACK and SOURCE_BLANK_LINES in the result', async () => {
    const row = '11/02/2026,ana.silva@northwind.example,Website relaunch,Caf\xe9 menu,01:00,Billable,Approved,\n';
    const path = file('cp1252.csv', Buffer.from(HEADER + row + '\n', 'latin1'));
    const r = await exportTimesheets({ ...base(), source: { ...base().source, path }, out: join(dir, 'out.csv') });
    expect(r.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['SOURCE_ENCODING_FALLBACK', 'SOURCE_BLANK_LINES']));
    expect(r.counts.read).toBe(1);
  });
});
