import { describe, expect, it } from 'vitest';
import { CUSTOM_LAYOUT_SCHEMA, DURATION_FIELDS, PAYROLL_SCHEMA } from '../../../src/payroll/config-schema.js';
import { formatDecimalHours, formatDuration, neutralise } from '../../../src/payroll/layouts.js';

describe('layouts', () => {
  it('neutralises cells that start with = + - @ (ASCII or full-width), tab or CR', () => {
    for (const c of ['=SUM(A1)', '+1', '-2', '@cmd', '\tx', '\rx', '＝1+1', '＋1', '－2', '＠cmd']) expect(neutralise(c)).toBe(`'${c}`);
    for (const c of ['plain', '', 'a=b', ' =x', "'=x", 'x\ny', 'a\r\nb']) expect(neutralise(c)).toBe(c);
  });

  it('neutralises a formula character after every CR or LF inside a cell', () => {
    expect(neutralise('Mid\r=2+2')).toBe("Mid\r'=2+2");
    expect(neutralise('a\n@x\r\n-1\n＋2')).toBe("a\n'@x\r\n'-1\n'＋2");
    expect(neutralise('a\r\r=1')).toBe("a\r'\r'=1"); // a CR is itself a formula character after a break
    expect(neutralise('=a\n=b')).toBe("'=a\n'=b");
    expect(neutralise('a\n b\n\'=c')).toBe("a\n b\n'=c");
    // the Unicode line terminators some viewers break on: VT, FF, NEL, LS, PS
    for (const br of ['\u000B', '\u000C', '\u0085', '\u2028', '\u2029']) expect(neutralise(`x${br}=1+1`)).toBe(`x${br}'=1+1`);
  });

  it('formats decimal hours exactly, half away from zero', () => {
    expect(formatDecimalHours(90, 2)).toBe('1.50');
    expect(formatDecimalHours(20, 2)).toBe('0.33');
    expect(formatDecimalHours(1, 2)).toBe('0.02');
    expect(formatDecimalHours(3, 1)).toBe('0.1'); // 0.05 → 0.1
    expect(formatDecimalHours(-90, 2)).toBe('-1.50');
    expect(formatDecimalHours(0, 0)).toBe('0');
    expect(formatDuration(605, 'hh:mm')).toBe('10:05');
    expect(formatDuration(605, 'minutes')).toBe('605');
  });

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

describe('formatLogRow / logRowLine', () => {
  it('gives the same cells as formatting the log record, for every log field; the line is csvLine of those cells', async () => {
    const { computeRows } = await import('../../../src/payroll/compute.js');
    const { fromTimeLog } = await import('../../../src/payroll/payroll-log.js');
    const { formatLogRow, formatRecord, logRecord, logRowLine } = await import('../../../src/payroll/layouts.js');
    const { csvLine } = await import('../../../src/core/csv-cell.js');
    const { LOG_TEXT_FIELDS } = await import('../../../src/payroll/config-schema.js');
    const { tlog } = await import('../../helpers/payroll-fakes.js');
    const logs = [tlog({ date: '2026-11-02', log_hour: '09:10', notes: '=x' }), tlog({ date: '2026-11-02', log_hour: '00:20', billing_status: 'Non Billable', notes: 'a, "b"\n c ' })].map((t, i) => {
      const n = fromTimeLog(t, i);
      if (!n.ok) throw new Error('bad');
      return n.log;
    });
    const { rows } = computeRows(logs, () => ({ employeeId: '7', name: 'N' }), { rounding: { mode: 'nearest-6', per: 'day' }, overtime: { dailyOverMinutes: 480 }, weekStart: 1, unmappedUsers: 'keep' });
    const layout = {
      name: 'all',
      rows: 'log' as const,
      columns: [
        ...LOG_TEXT_FIELDS.map((f) => ({ header: f, field: f })),
        ...DURATION_FIELDS.flatMap((f) => [
          { header: f, field: f },
          { header: `${f}_h`, field: f, format: { decimal: 2 } },
          { header: `${f}_hm`, field: f, format: 'hh:mm' as const },
        ]),
      ],
    };
    const period = { start: '2026-11-01', end: '2026-11-15' };
    for (const r of rows) {
      expect(formatLogRow(layout, r, period)).toEqual(formatRecord(layout, logRecord(r, period)));
      expect(logRowLine(layout, r, period)).toBe(csvLine(formatLogRow(layout, r, period)));
    }
    expect(logRowLine(layout, rows[1]!, period)).toContain('"a, ""b""\n c"');
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
