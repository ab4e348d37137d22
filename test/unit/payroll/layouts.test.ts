import { describe, expect, it } from 'vitest';
import { CUSTOM_LAYOUT_SCHEMA, PAYROLL_SCHEMA } from '../../../src/payroll/config-schema.js';

describe('layouts', () => {
  it('validates custom layout fields against the documented set', () => {
    expect(CUSTOM_LAYOUT_SCHEMA.safeParse({ rows: 'log', columns: [{ header: 'Hours', field: 'paid', format: { decimal: 2 } }] }).success).toBe(true);
    const bad = CUSTOM_LAYOUT_SCHEMA.safeParse({ rows: 'employee', columns: [{ header: 'D', field: 'date' }] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/unknown field "date" for rows: employee/);
    expect(CUSTOM_LAYOUT_SCHEMA.safeParse({ rows: 'log', columns: [{ header: 'E', field: 'email', format: 'hh:mm' }] }).success).toBe(false);
  });

  it('fills payroll defaults (approved only, Monday weeks, no rounding)', () => {
    const c = PAYROLL_SCHEMA.parse({ timeZone: 'Europe/Berlin', weekStart: 'sunday' });
    expect(c).toMatchObject({ weekStart: 0, filters: { approval: ['Approved'], billable: 'all' }, rounding: { mode: 'none', per: 'log' }, unmappedUsers: 'keep' });
  });
});

describe('encodeRow', () => {
  it('equals encodeRecord(logRecord(row)) and decodes back', async () => {
    const { computeRows } = await import('../../../src/payroll/compute.js');
    const { fromTimeLog } = await import('../../../src/payroll/payroll-log.js');
    const { encodeRow, encodeRecord, decodeRecord, logRecord } = await import('../../../src/payroll/layouts.js');
    const { tlog } = await import('../../helpers/payroll-fakes.js');
    for (const billing_status of ['Billable', 'Non Billable'] as const) {
      const n = fromTimeLog(tlog({ date: '2026-11-02', log_hour: '09:10', billing_status }), 0);
      if (!n.ok) throw new Error('bad');
      const { rows } = computeRows([n.log], () => ({ employeeId: '7', name: 'N' }), { rounding: { mode: 'none', per: 'log' }, overtime: { dailyOverMinutes: 480, weeklyOverMinutes: 500 }, weekStart: 1, unmappedUsers: 'keep' });
      const period = { start: '2026-11-01', end: '2026-11-15' };
      const rec = logRecord(rows[0]!, period);
      expect(encodeRow(rows[0]!, period)).toEqual(encodeRecord(rec));
      expect(decodeRecord(encodeRow(rows[0]!, period))).toEqual(rec);
    }
  });
});

describe('employeeRecords', () => {
  it('gives the same records and totals whatever the row order (grouped or interleaved)', async () => {
    const { computeRows } = await import('../../../src/payroll/compute.js');
    const { fromTimeLog } = await import('../../../src/payroll/payroll-log.js');
    const { employeeRecords } = await import('../../../src/payroll/layouts.js');
    const { tlog } = await import('../../helpers/payroll-fakes.js');
    const emails = ['a@x.example', 'b@x.example', 'c@x.example'];
    const logs = Array.from({ length: 30 }, (_, i) => {
      const n = fromTimeLog(tlog({ date: `2026-11-0${1 + (i % 9)}`, log_hour: `0${i % 9}:${10 + i}`, email: emails[i % 3]!, billing_status: i % 2 ? 'Billable' : 'Non Billable' }), i);
      if (!n.ok) throw new Error('bad');
      return n.log;
    });
    const { rows } = computeRows(logs, (l) => (l.email === 'c@x.example' ? undefined : { employeeId: l.email[0]!, name: l.email }), { rounding: { mode: 'none', per: 'log' }, overtime: { dailyOverMinutes: 300 }, weekStart: 1, unmappedUsers: 'keep' });
    const period = { start: '2026-11-01', end: '2026-11-15' };
    const grouped = employeeRecords(rows, period);
    const interleaved = employeeRecords([...rows].sort((x, y) => (x.log.date < y.log.date ? -1 : x.log.date > y.log.date ? 1 : 0)), period);
    const byId = (rs: typeof grouped) => Object.fromEntries(rs.map((r) => [r.text.employee_id || r.text.email, r]));
    expect(byId(interleaved)).toEqual(byId(grouped));
    expect(grouped.reduce((n, r) => n + r.durations.source, 0)).toBe(rows.reduce((n, r) => n + r.log.minutes, 0));
    expect(grouped.reduce((n, r) => n + Number(r.text.logs), 0)).toBe(rows.length);
    expect(grouped).toHaveLength(3);
  });
});
