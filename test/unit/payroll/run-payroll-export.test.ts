import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { openCheckpointDb, type CheckpointDb } from '../../../src/checkpoint/db.js';
import { runPayrollExport, type ExportResult, type ExportTimesheetsOptions } from '../../../src/payroll/run-payroll-export.js';
import type { TimeLog } from '../../../src/zoho/types.js';
import { it } from '../../helpers/fixtures.js';
import { fakeClient, parseCsv, tlog } from '../../helpers/payroll-fakes.js';

let dir: string;
let db: CheckpointDb;
it.beforeEach(({ tmp }) => {
  dir = tmp;
  db = openCheckpointDb(join(dir, 'cp.db'));
  writeFileSync(join(dir, 'employees.csv'), 'email,employee_id,name\nann@example.com,E001,Ann Lee\nbob@example.com,E002,Bob Ray\n');
});
// Before the fixture removes the folder.
it.afterEach(() => {
  db.close();
});

const PERIOD = '2026-11-01..2026-11-15';
function opts(logs: TimeLog[], over: Partial<ExportTimesheetsOptions> = {}): ExportTimesheetsOptions {
  return {
    period: PERIOD,
    tz: 'Europe/Berlin',
    source: { type: 'api', client: fakeClient(logs) },
    employees: { csv: join(dir, 'employees.csv') },
    out: join(dir, 'out.csv'),
    db,
    ...over,
  };
}
const read = (p: string) => readFileSync(p, 'utf8');
/** Every log read is included, excluded (with a reason) or rejected. */
function expectAccounted(r: ExportResult): void {
  const e = r.counts.excluded;
  const excluded = Object.values(e.approval).reduce((a, b) => a + b, 0) + e.billing + e.users + e.projects + e.outsidePeriod + e.duplicates;
  expect(r.counts.included + excluded + r.counts.rejected).toBe(r.counts.read);
}
const sumCol = (rows: Record<string, string>[], col: string) => rows.reduce((a, r) => a + Number(r[col]), 0);

function sampleLogs(): TimeLog[] {
  return [
    tlog({ date: '2026-11-02', log_hour: '08:30' }),
    tlog({ date: '2026-11-02', log_hour: '00:00' }),
    tlog({ date: '2026-11-03', log_hour: '02:15', billing_status: 'Non Billable' }),
    tlog({ date: '2026-11-03', log_hour: '07:45', email: 'bob@example.com' }),
    tlog({ date: '2026-11-04', log_hour: '01:00', approval_status: 'Unapproved' }),
    tlog({ date: '2026-11-04', log_hour: '03:00', approval_status: 'Rejected', email: 'bob@example.com' }),
  ];
}

describe('runPayrollExport', () => {
  it('a checkpoint it opens by path is claimed at the injected time, not the machine clock', async () => {
    const path = join(dir, 'own.db');
    const nowMs = Date.UTC(2026, 10, 20, 12);
    await runPayrollExport(opts(sampleLogs(), { db: path, nowMs }));
    const c = openCheckpointDb(path, { readonly: true, lock: false });
    try {
      expect(c.db.prepare('SELECT pipeline, claimed_ms FROM checkpoint_owner').get()).toEqual({ pipeline: 'payroll', claimed_ms: nowMs });
    } finally {
      c.close();
    }
  });

  it('totals in every layout equal the sum of the source minutes of the paid logs', async () => {
    const logs = sampleLogs();
    const source = logs.filter((l) => l.approval?.status === 'Approved').reduce((a, l) => a + Number(l.log_hour.slice(0, 2)) * 60 + Number(l.log_hour.slice(3)), 0);
    const detail = await runPayrollExport(opts(logs, { out: join(dir, 'd.csv'), overtime: { dailyOverMinutes: 480 } }));
    const d = parseCsv(read(join(dir, 'd.csv')));
    expect(detail.totals.sourceMinutes).toBe(source);
    expect(sumCol(d, 'minutes')).toBe(source);
    expect(sumCol(d, 'regular_minutes') + sumCol(d, 'overtime_minutes')).toBe(source);
    expect(d).toHaveLength(4);
    const summary = await runPayrollExport(opts(logs, { out: join(dir, 's.csv'), layout: 'summary', overtime: { dailyOverMinutes: 480 } }));
    const s = parseCsv(read(join(dir, 's.csv')));
    expect(sumCol(s, 'total_minutes')).toBe(source);
    expect(sumCol(s, 'regular_minutes') + sumCol(s, 'overtime_minutes')).toBe(source);
    expect(sumCol(s, 'billable_minutes') + sumCol(s, 'non_billable_minutes')).toBe(source);
    expect(s.map((r) => [r.employee_id, r.overtime_minutes, r.non_billable_minutes])).toEqual([
      ['E001', '30', '135'],
      ['E002', '0', '0'],
    ]);
    expect(summary.totals).toEqual(detail.totals);
    const custom = await runPayrollExport(
      opts(logs, {
        out: join(dir, 'c.csv'),
        layout: { rows: 'log', columns: [{ header: 'Emp', field: 'employee_id' }, { header: 'Day', field: 'date' }, { header: 'Time', field: 'paid', format: 'hh:mm' }, { header: 'Min', field: 'source', format: 'minutes' }] },
      }),
    );
    const c = parseCsv(read(join(dir, 'c.csv')));
    expect(sumCol(c, 'Min')).toBe(source);
    expect(c.reduce((a, r) => a + Number(r.Time!.slice(0, 2)) * 60 + Number(r.Time!.slice(3)), 0)).toBe(source);
    expect(custom.exitCode).toBe(0);
  });

  it('control characters in a log\'s text (a NUL in the notes, a C1 in the task name) are removed from the file, with one warning naming the log', async () => {
    const dirty = tlog({ date: '2026-11-02', log_hour: '01:00', notes: 'fixed\u0000 the build', module_detail: { id: '1512955000000200001', name: 'Build\u0093s', type: 'task' } });
    const logs = [tlog({ date: '2026-11-02', log_hour: '02:00' }), dirty];
    const r = await runPayrollExport(opts(logs, { out: join(dir, 'd.csv'), layout: { rows: 'log', columns: [{ header: 'Notes', field: 'notes' }, { header: 'Task', field: 'task_name' }, { header: 'Min', field: 'source', format: 'minutes' }] } }));
    const text = read(join(dir, 'd.csv'));
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    const rows = parseCsv(text);
    expect(rows.map((x) => [x.Notes, x.Task, x.Min])).toContainEqual(['fixed the build', 'Builds', '60']);
    expect(r.warnings.filter((w) => w.code === 'PAYROLL_CONTROL_CHARACTERS')).toEqual([expect.objectContaining({ details: { count: 1, logIds: [dirty.id] } })]);
    expect(r.totals.sourceMinutes).toBe(180);
  });

  it('rounding applies the same way in every layout (per day: the day total rounded once)', async () => {
    const logs = [
      tlog({ date: '2026-11-02', log_hour: '00:10' }),
      tlog({ date: '2026-11-02', log_hour: '00:10' }),
      tlog({ date: '2026-11-02', log_hour: '00:18' }),
      tlog({ date: '2026-11-03', log_hour: '00:07', email: 'bob@example.com' }),
    ];
    const rounding = { mode: 'nearest-15' as const, per: 'day' as const };
    const d = await runPayrollExport(opts(logs, { rounding, out: join(dir, 'd.csv') }));
    const s = await runPayrollExport(opts(logs, { rounding, layout: 'summary', out: join(dir, 's.csv') }));
    const detail = parseCsv(read(join(dir, 'd.csv')));
    const summary = parseCsv(read(join(dir, 's.csv')));
    // ann: 38 min → 45; bob: 7 min → 0
    expect(summary.map((r) => [r.employee_id, r.total_minutes])).toEqual([
      ['E001', '45'],
      ['E002', '0'],
    ]);
    expect(sumCol(detail, 'minutes')).toBe(45);
    expect(d.totals).toEqual(s.totals);
    expect(d.totals).toMatchObject({ sourceMinutes: 45, paidMinutes: 45 });
    const perLog = await runPayrollExport(opts(logs, { rounding: { mode: 'nearest-15', per: 'log' }, out: join(dir, 'l.csv') }));
    expect(perLog.totals.paidMinutes).toBe(15 + 15 + 15 + 0);
  });

  it('filters by billing, users and projects, counting what each filter left out', async () => {
    const logs = sampleLogs();
    const r = await runPayrollExport(opts(logs, { filters: { billable: 'billable', users: ['ann@example.com'], projects: ['Apollo'] } }));
    expect(r.counts.excluded).toMatchObject({ billing: 1, users: 1 });
    expect(r.counts.included).toBe(2);
    expectAccounted(r);
  });

  it('excludes unapproved and rejected logs by default and counts them', async () => {
    const r = await runPayrollExport(opts(sampleLogs()));
    expect(r.counts.excluded.approval).toEqual({ Unapproved: 1, Rejected: 1 });
    expect(r.counts).toMatchObject({ read: 6, included: 4, rejected: 0 });
    expectAccounted(r);
    const withUnapproved = await runPayrollExport(opts(sampleLogs(), { filters: { approval: ['Approved', 'Unapproved'] }, out: join(dir, 'u.csv') }));
    expect(withUnapproved.counts.included).toBe(5);
  });

  it('re-running an unchanged period gives byte-identical output and records no new snapshot', async () => {
    const logs = sampleLogs();
    const first = await runPayrollExport(opts(logs));
    const bytes = read(join(dir, 'out.csv'));
    const second = await runPayrollExport(opts([...logs].reverse(), { nowMs: Date.UTC(2027, 0, 1) }));
    expect(read(join(dir, 'out.csv'))).toBe(bytes);
    expect(second.outputSha256).toBe(first.outputSha256);
    expect(second.snapshotId).toBe(first.snapshotId);
    expect(second.warnings).toEqual([]);
  });

  it('adjustments emit only the differences, each with its reason, and sum to new − old', async () => {
    const logs = sampleLogs();
    const first = await runPayrollExport(opts(logs, { layout: 'detail' }));
    // edit one log, delete one, approve one, unapprove one, add one
    const edited = logs.map((l) => ({ ...l }));
    edited[0] = { ...edited[0]!, log_hour: '09:00' };
    edited[2] = { ...edited[2]!, approval: { status: 'Unapproved' } };
    edited[4] = { ...edited[4]!, approval: { status: 'Approved' } };
    edited.splice(3, 1); // bob's 07:45 deleted
    edited.push(tlog({ date: '2026-11-05', log_hour: '00:30', email: 'bob@example.com' }));
    const adj = await runPayrollExport(opts(edited, { adjustments: true, out: join(dir, 'adj.csv') }));
    const rows = parseCsv(read(join(dir, 'adj.csv')));
    expect(rows.map((r) => `${r.adjustment} ${r.employee_id} ${r.date} ${r.minutes}`)).toEqual([
      'changed-reversal E001 2026-11-02 -510',
      'changed E001 2026-11-02 540',
      'unapproved E001 2026-11-03 -135',
      'newly-approved E001 2026-11-04 60',
      'deleted E002 2026-11-03 -465',
      'added E002 2026-11-05 30',
    ]);
    const fresh = await runPayrollExport(opts(edited, { out: join(dir, 'fresh.csv'), db: join(dir, 'other.db') }));
    expect(sumCol(rows, 'minutes')).toBe(fresh.totals.paidMinutes - first.totals.paidMinutes);
    expect(adj.adjustments!.byReason).toEqual({ 'changed-reversal': 1, changed: 1, unapproved: 1, 'newly-approved': 1, deleted: 1, added: 1 });
    expect(adj.previousSnapshotId).toBe(first.snapshotId);
    expect(adj.snapshotId).toBeGreaterThan(first.snapshotId);
    // nothing changed since: an empty adjustments file, success
    const again = await runPayrollExport(opts(edited, { adjustments: true, out: join(dir, 'adj2.csv') }));
    expect(again).toMatchObject({ exitCode: 0, rows: 0, snapshotId: adj.snapshotId });
    expect(read(join(dir, 'adj2.csv')).trim().split('\n')).toHaveLength(1);
  });

  it('summary adjustments are per-employee signed sums; a full re-run of a changed period warns', async () => {
    const logs = sampleLogs();
    const first = await runPayrollExport(opts(logs, { layout: 'summary', overtime: { dailyOverMinutes: 480 } }));
    const edited = logs.map((l, i) => (i === 2 ? { ...l, log_hour: '03:15' } : l));
    await runPayrollExport(opts(edited, { layout: 'summary', adjustments: true, out: join(dir, 'adj.csv'), overtime: { dailyOverMinutes: 480 } }));
    const rows = parseCsv(read(join(dir, 'adj.csv')));
    expect(rows).toEqual([expect.objectContaining({ adjustment: 'changed:1', employee_id: 'E001', total_minutes: '60', billable_minutes: '0', non_billable_minutes: '60' })]);
    expect(first.totals.paidMinutes).toBeGreaterThan(0);
    // a full export after more changes warns that re-importing would pay twice
    const edited2 = edited.map((l, i) => (i === 0 ? { ...l, log_hour: '08:00' } : l));
    const full = await runPayrollExport(opts(edited2, { layout: 'summary', out: join(dir, 'full.csv'), overtime: { dailyOverMinutes: 480 } }));
    expect(full.warnings.map((w) => w.code)).toContain('PAYROLL_PERIOD_CHANGED');
  });

  it('overtime reallocated by a late log shows up as recomputed rows so nothing is paid twice', async () => {
    const logs = [tlog({ date: '2026-11-02', log_hour: '07:00' })];
    await runPayrollExport(opts(logs, { overtime: { dailyOverMinutes: 480 } }));
    const later = [...logs, tlog({ date: '2026-11-02', log_hour: '02:00' })];
    await runPayrollExport(opts(later, { overtime: { dailyOverMinutes: 480 }, adjustments: true, out: join(dir, 'adj.csv') }));
    const rows = parseCsv(read(join(dir, 'adj.csv')));
    expect(sumCol(rows, 'regular_minutes')).toBe(60);
    expect(sumCol(rows, 'overtime_minutes')).toBe(60);
    expect(rows.map((r) => r.adjustment)).toEqual(['added']);
    // the same logs under a changed overtime rule: the figures of unchanged logs move → recomputed rows
    await runPayrollExport(opts(later, { overtime: { dailyOverMinutes: 360 }, adjustments: true, out: join(dir, 'adj2.csv') }));
    const re = parseCsv(read(join(dir, 'adj2.csv')));
    expect(re.map((r) => `${r.adjustment} ${r.regular_minutes} ${r.overtime_minutes}`)).toEqual([
      'recomputed-reversal -420 0',
      'recomputed 360 60',
      'recomputed-reversal -60 -60',
      'recomputed 0 120',
    ]);
    expect(sumCol(re, 'minutes')).toBe(0);
  });

  it('adjustments without an earlier export fail with PAYROLL_NO_SNAPSHOT and write nothing', async () => {
    await expect(runPayrollExport(opts(sampleLogs(), { adjustments: true }))).rejects.toMatchObject({ code: 'PAYROLL_NO_SNAPSHOT' });
    expect(() => read(join(dir, 'out.csv'))).toThrow();
  });

  it('a snapshot that cannot be recorded removes the file and fails (never a file the next adjustments would pay again)', async () => {
    db.db.exec("CREATE TRIGGER full_disk BEFORE INSERT ON payroll_snapshot_chunks BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
    await expect(runPayrollExport(opts(sampleLogs()))).rejects.toMatchObject({ code: 'PAYROLL_OUTPUT_FAILED' });
    expect(() => read(join(dir, 'out.csv'))).toThrow();
  });

  it('a user without an employee id is reported with exit code 3, never dropped', async () => {
    const logs = [...sampleLogs(), tlog({ date: '2026-11-05', log_hour: '04:00', email: 'carl@example.com' })];
    const r = await runPayrollExport(opts(logs));
    expect(r.exitCode).toBe(3);
    expect(r.unmappedUsers).toEqual([expect.objectContaining({ email: 'carl@example.com', logs: 1, minutes: 240 })]);
    expect(r.warnings[0]).toMatchObject({ code: 'ROW_NO_EMPLOYEE_ID' });
    const rows = parseCsv(read(join(dir, 'out.csv')));
    expect(rows.at(-1)).toMatchObject({ employee_id: '', email: 'carl@example.com', minutes: '240' });
    const held = await runPayrollExport(opts(logs, { unmappedUsers: 'reject', out: join(dir, 'h.csv') }));
    expect(held.rejected).toEqual([expect.objectContaining({ code: 'ROW_NO_EMPLOYEE_ID' })]);
    expect(held.exitCode).toBe(3);
    expectAccounted(held);
  });

  it('more than 24 h in one day is rejected with its reason and exit code 3; the rest is written', async () => {
    const logs = [...sampleLogs(), tlog({ date: '2026-11-06', log_hour: '16:00', email: 'bob@example.com' }), tlog({ date: '2026-11-06', log_hour: '09:00', email: 'bob@example.com' })];
    const r = await runPayrollExport(opts(logs));
    expect(r.exitCode).toBe(3);
    expect(r.rejected).toHaveLength(2);
    expect(r.rejected[0]).toMatchObject({ code: 'ROW_DAY_OVER_24H', field: 'log_hour' });
    expect(r.rejected[0]!.message).toMatch(/bob@example.com logged 25h00 on 2026-11-06/);
    expect(r.counts.included).toBe(4);
    expect(r.warnings.map((w) => w.code)).toContain('ROW_DAY_OVER_24H');
    expectAccounted(r);
  });

  it('nothing to export is success with a header-only file', async () => {
    const r = await runPayrollExport(opts([]));
    expect(r).toMatchObject({ exitCode: 0, rows: 0 });
    expect(read(join(dir, 'out.csv'))).toBe('employee_id,employee_name,email,date,project_id,project,task,log_type,log_id,billing,approval,logged,minutes,regular_minutes,overtime_minutes,hours\n');
  });

  it('neutralises formula injection in names and notes', async () => {
    const logs = [tlog({ date: '2026-11-02', log_hour: '01:00', project: { id: '1', name: '=HYPERLINK("http://x")' }, module_detail: { id: '2', name: '@SUM(1)' }, notes: '-cmd' })];
    await runPayrollExport(opts(logs, { layout: { rows: 'log', columns: [{ header: 'p', field: 'project_name' }, { header: 't', field: 'task_name' }, { header: 'n', field: 'notes' }, { header: 'h', field: 'paid', format: { decimal: 2 } }] } }));
    expect(read(join(dir, 'out.csv'))).toBe('p,t,n,h\n"\'=HYPERLINK(""http://x"")",\'@SUM(1),\'-cmd,1.00\n');
  });

  it('a CR inside a task name or notes stays inside its quoted cell, and a formula after it is neutralised', async () => {
    // 11 logs, 3 with a bare CR. Unquoted, a reader that takes CR, LF or CRLF as a line end (as
    // spreadsheets and our own csv extractor do) split them into extra rows starting "=2+2".
    const logs = Array.from({ length: 11 }, (_, i) => tlog({ date: '2026-11-02', log_hour: '00:30', ...(i % 5 === 0 ? { module_detail: { id: '2', name: 'Mid\r=2+2' }, notes: 'mid\r=7+7' } : {}) }));
    const notesLayout = { rows: 'log' as const, columns: [{ header: 'log_id', field: 'log_id' }, { header: 'task', field: 'task_name' }, { header: 'notes', field: 'notes' }] };
    for (const layout of ['detail', notesLayout]) {
      await runPayrollExport(opts(logs, { layout, out: join(dir, 'cr.csv') }));
      const grid = parse(read(join(dir, 'cr.csv')), { relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] }) as string[][];
      expect(grid).toHaveLength(1 + 11);
      for (const row of grid) expect(row).toHaveLength(grid[0]!.length);
      const col = (name: string) => grid.slice(1).map((r) => r[grid[0]!.indexOf(name)]);
      expect(col('task').filter((t) => t !== 'Build')).toEqual(["Mid\r'=2+2", "Mid\r'=2+2", "Mid\r'=2+2"]);
      if (layout === notesLayout) expect(col('notes').filter((n) => n !== 'work')).toEqual(["mid\r'=7+7", "mid\r'=7+7", "mid\r'=7+7"]);
    }
  });

  it('keeps every day of a period with a DST change (dates are never turned into instants)', async () => {
    const dates = ['2026-10-24', '2026-10-25', '2026-10-26'];
    const r = await runPayrollExport(opts(dates.map((d) => tlog({ date: d, log_hour: '01:00' })), { period: '2026-10-24..2026-10-26', layout: 'detail' }));
    expect(parseCsv(read(join(dir, 'out.csv'))).map((x) => x.date)).toEqual(dates);
    expect(r.totals.paidMinutes).toBe(180);
  });

  it('takes employee ids from a user custom field', async () => {
    const logs = [tlog({ date: '2026-11-02', log_hour: '01:00', email: 'zed@example.com' })];
    const client = fakeClient(logs, [{ id: 'z-zed@example.com', email: 'zed@example.com', full_name: 'Zed Z', cf_employee_id: 'E777' }]);
    const r = await runPayrollExport(opts(logs, { source: { type: 'api', client }, employees: { customField: 'cf_employee_id' } }));
    expect(parseCsv(read(join(dir, 'out.csv')))[0]).toMatchObject({ employee_id: 'E777', employee_name: 'Zed Z' });
    expect(r.exitCode).toBe(0);
  });

  it('scopes to projects with one listing per project', async () => {
    const logs = [tlog({ date: '2026-11-02', log_hour: '01:00' }), tlog({ date: '2026-11-02', log_hour: '02:00', project: { id: '99', name: 'Other' } })];
    const client = fakeClient(logs);
    const r = await runPayrollExport(opts(logs, { source: { type: 'api', client }, scope: { projects: ['99'] } }));
    expect(r.totals.paidMinutes).toBe(120);
    expect(client.calls).toHaveLength(1);
  });
});
