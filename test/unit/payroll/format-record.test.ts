import { describe, expect, it } from 'vitest';
import { DURATION_FIELDS } from '../../../src/payroll/config-schema.js';

describe('formatLogRow / logRowLine', () => {
  it('gives the same cells as formatting the log record, for every log field; the line is csvLine of those cells', async () => {
    const { computeRows } = await import('../../../src/payroll/compute.js');
    const { fromTimeLog } = await import('../../../src/payroll/payroll-log.js');
    const { formatLogRow, formatRecord, logRowLine } = await import('../../../src/payroll/format-record.js');
    const { logRecord } = await import('../../../src/payroll/layouts.js');
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
