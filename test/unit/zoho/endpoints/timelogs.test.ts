import { describe, expect, it } from 'vitest';
import { flattenTimeLogs, splitDateRange } from '../../../../src/zoho/endpoints/timelogs.js';

describe('time-log windows', () => {
  it('splits a range into ≤6-month windows, contiguous and inclusive', () => {
    expect(splitDateRange('2025-01-01', '2026-02-15')).toEqual([
      { start: '2025-01-01', end: '2025-06-30' },
      { start: '2025-07-01', end: '2025-12-31' },
      { start: '2026-01-01', end: '2026-02-15' },
    ]);
    expect(splitDateRange('2026-03-05', '2026-03-05')).toEqual([{ start: '2026-03-05', end: '2026-03-05' }]);
  });
  it('refuses reversed or malformed ranges', () => {
    expect(() => splitDateRange('2026-03-05', '2026-03-01')).toThrow(/after/);
    expect(() => splitDateRange('03-05-2026', '2026-03-01')).toThrow(/YYYY-MM-DD/);
  });
  it('flattens time_logs[].log_details[]', () => {
    const body = { time_logs: [{ date: '2026-01-01', log_details: [{ id: '1' }, { id: '2' }] }, { date: '2026-01-02', log_details: [{ id: '3' }] }] };
    expect(flattenTimeLogs(body).map((l) => l.id)).toEqual(['1', '2', '3']);
    expect(flattenTimeLogs(undefined)).toEqual([]);
  });
});
