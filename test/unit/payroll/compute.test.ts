import { describe, expect, it } from 'vitest';
import { compareRows, computeRows, type EmployeeResolver } from '../../../src/payroll/compute.js';
import { fromTimeLog, type PayrollLog } from '../../../src/payroll/payroll-log.js';
import { roundDay, roundMinutes } from '../../../src/payroll/rounding.js';
import { prng } from '../../helpers/chaos-harness.js';
import { tlog } from '../../helpers/payroll-fakes.js';

const logs = (...ls: ReturnType<typeof tlog>[]): PayrollLog[] =>
  ls.map((t, i) => {
    const n = fromTimeLog(t, i);
    if (!n.ok) throw new Error(n.error.message);
    return n.log;
  });
const everyone: EmployeeResolver = (l) => ({ employeeId: `E-${l.email}`, name: l.userName });
const base = { rounding: { mode: 'none' as const, per: 'log' as const }, overtime: {}, weekStart: 1, unmappedUsers: 'keep' as const };
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('rounding', () => {
  it('rounds to the nearest step, ties up', () => {
    expect([0, 7, 8, 22, 23].map((m) => roundMinutes(m, 15))).toEqual([0, 0, 15, 15, 30]);
    expect([2, 3, 9].map((m) => roundMinutes(m, 6))).toEqual([0, 6, 12]);
  });
  it('per day: rounds the day once and spreads the difference so logs still sum to the day', () => {
    expect(roundDay([10, 10, 10], { mode: 'nearest-15', per: 'day' })).toEqual([10, 10, 10]);
    expect(roundDay([10, 10, 12], { mode: 'nearest-15', per: 'day' })).toEqual([10, 10, 10]);
    expect(roundDay([10, 10, 18], { mode: 'nearest-15', per: 'day' })).toEqual([10, 10, 25]);
    expect(roundDay([1, 1, 1], { mode: 'nearest-15', per: 'day' })).toEqual([0, 0, 0]);
    expect(roundDay([10, 10, 12], { mode: 'nearest-15', per: 'log' })).toEqual([15, 15, 15]);
  });
});

describe('computeRows', () => {
  it('keeps a 0-minute log (listed, contributes 0)', () => {
    const r = computeRows(logs(tlog({ date: '2026-11-02', log_hour: '00:00' }), tlog({ date: '2026-11-02', log_hour: '01:30' })), everyone, base);
    expect(r.rows).toHaveLength(2);
    expect(r.rows.map((x) => x.paid).sort()).toEqual([0, 90]);
    expect(r.rejected).toEqual([]);
  });

  it('rejects every log of a user-day over 24 h, with its reason, and keeps other users and days', () => {
    const r = computeRows(
      logs(
        tlog({ date: '2026-11-02', log_hour: '20:00' }),
        tlog({ date: '2026-11-02', log_hour: '04:01' }),
        tlog({ date: '2026-11-03', log_hour: '24:00' }),
        tlog({ date: '2026-11-02', log_hour: '20:00', email: 'bob@example.com' }),
      ),
      everyone,
      base,
    );
    expect(r.rejected).toHaveLength(2);
    expect(r.rejected[0]!.error).toMatchObject({ code: 'ROW_DAY_OVER_24H', field: 'log_hour' });
    expect(r.rejected[0]!.error.message).toMatch(/ann@example.com logged 24h01 on 2026-11-02, more than 24 hours/);
    expect(r.rows.map((x) => `${x.log.email} ${x.log.date} ${x.paid}`)).toEqual(['ann@example.com 2026-11-03 1440', 'bob@example.com 2026-11-02 1200']);
  });

  it('daily overtime: minutes beyond the limit, on the day’s later logs', () => {
    const r = computeRows(logs(tlog({ date: '2026-11-02', log_hour: '06:00' }), tlog({ date: '2026-11-02', log_hour: '03:00' })), everyone, { ...base, overtime: { dailyOverMinutes: 480 } });
    expect(r.rows.map((x) => [x.regular, x.dailyOvertime, x.weeklyOvertime])).toEqual([
      [360, 0, 0],
      [120, 60, 0],
    ]);
  });

  it('both rules: weekly counts only minutes still regular after the daily rule (no minute is overtime twice)', () => {
    // Mon–Fri 10 h each; daily 8 h, weekly 40 h → daily OT 2 h × 5 = 10 h; regular 8 h × 5 = 40 h → weekly OT 0
    const week = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'].map((d) => tlog({ date: d, log_hour: '10:00' }));
    const both = computeRows(logs(...week, tlog({ date: '2026-11-07', log_hour: '03:00' })), everyone, { ...base, overtime: { dailyOverMinutes: 480, weeklyOverMinutes: 2400 } });
    expect(sum(both.rows.map((x) => x.dailyOvertime))).toBe(600);
    // Saturday's 3 h are within the day limit but beyond 40 regular hours → weekly OT
    expect(sum(both.rows.map((x) => x.weeklyOvertime))).toBe(180);
    expect(sum(both.rows.map((x) => x.regular))).toBe(2400);
    for (const x of both.rows) expect(x.regular + x.dailyOvertime + x.weeklyOvertime).toBe(x.paid);
    // weekly only: 53 h → 13 h weekly OT
    const weekly = computeRows(logs(...week, tlog({ date: '2026-11-07', log_hour: '03:00' })), everyone, { ...base, overtime: { weeklyOverMinutes: 2400 } });
    expect(sum(weekly.rows.map((x) => x.weeklyOvertime))).toBe(780);
    // none
    const none = computeRows(logs(...week), everyone, base);
    expect(sum(none.rows.map((x) => x.dailyOvertime + x.weeklyOvertime))).toBe(0);
  });

  it('weeks follow the configured week start', () => {
    // Sun 2026-11-08 + Mon 2026-11-09, 30 h each, weekly limit 40 h
    const ls = logs(tlog({ date: '2026-11-08', log_hour: '20:00' }), tlog({ date: '2026-11-09', log_hour: '20:00' }), tlog({ date: '2026-11-10', log_hour: '20:00' }));
    const monday = computeRows(ls, everyone, { ...base, weekStart: 1, overtime: { weeklyOverMinutes: 2400 } });
    expect(monday.rows.map((x) => x.weeklyOvertime)).toEqual([0, 0, 0]);
    const sunday = computeRows(ls, everyone, { ...base, weekStart: 0, overtime: { weeklyOverMinutes: 2400 } });
    expect(sunday.rows.map((x) => x.weeklyOvertime)).toEqual([0, 0, 1200]);
  });

  it('a DST change inside the week neither shifts nor loses a day', () => {
    // Europe/Berlin goes back one hour on Sunday 2026-10-25; America/New_York on 2026-11-01
    const dates = ['2026-10-24', '2026-10-25', '2026-10-26', '2026-10-31', '2026-11-01', '2026-11-02'];
    const r = computeRows(logs(...dates.map((d) => tlog({ date: d, log_hour: '08:00' }))), everyone, { ...base, overtime: { dailyOverMinutes: 480 } });
    expect(r.rows.map((x) => x.log.date)).toEqual(dates);
    expect(r.rows.map((x) => x.weekStart)).toEqual(['2026-10-19', '2026-10-19', '2026-10-26', '2026-10-26', '2026-10-26', '2026-11-02']);
    expect(r.rows.every((x) => x.paid === 480 && x.dailyOvertime === 0)).toBe(true);
  });

  it('reports users without an employee id; keeps or rejects them as told', () => {
    const ls = logs(tlog({ date: '2026-11-02', log_hour: '01:00', email: 'ghost@example.com' }), tlog({ date: '2026-11-02', log_hour: '02:00' }));
    const only: EmployeeResolver = (l) => (l.email === 'ann@example.com' ? { employeeId: 'E1', name: 'Ann' } : undefined);
    const kept = computeRows(ls, only, base);
    expect(kept.rows.map((x) => x.employeeId)).toEqual(['E1', '']);
    expect(kept.unmapped).toEqual([{ userId: 'z-ghost@example.com', email: 'ghost@example.com', name: 'ghost', logs: 1, minutes: 60 }]);
    const held = computeRows(ls, only, { ...base, unmappedUsers: 'reject' });
    expect(held.rows).toHaveLength(1);
    expect(held.rejected[0]!.error.code).toBe('ROW_NO_EMPLOYEE_ID');
  });

  it('orders rows deterministically whatever order the source gave', () => {
    const ls = logs(
      tlog({ date: '2026-11-03', log_hour: '01:00', email: 'b@x.io' }),
      tlog({ date: '2026-11-02', log_hour: '01:00', email: 'b@x.io' }),
      tlog({ date: '2026-11-02', log_hour: '01:00', email: 'a@x.io' }),
    );
    const a = computeRows(ls, everyone, base).rows.map((r) => r.log.id);
    const b = computeRows([...ls].reverse(), everyone, base).rows.map((r) => r.log.id);
    expect(a).toEqual(b);
  });

  it('reads log_hour as HH:MM, never as decimal hours', () => {
    expect(fromTimeLog(tlog({ date: '2026-11-02', log_hour: '01:30' }), 0)).toMatchObject({ ok: true, log: { minutes: 90 } });
    expect(fromTimeLog(tlog({ date: '2026-11-02', log_hour: '1.5' }), 0)).toMatchObject({ ok: false, error: { code: 'ROW_INVALID_DURATION', field: 'log_hour', value: '1.5' } });
  });
});

describe('idKey', () => {
  it('orders numeric ids by value (19 digits, never through Number), then other ids as text', async () => {
    const { idKey, compareIds } = await import('../../../src/payroll/compute.js');
    const ids = ['abc', '1512955000019693141', '10', '9', '1512955000019693140', 'E-2', '', '99999999999999999999'];
    const sorted = [...ids].sort((a, b) => (idKey(a) < idKey(b) ? -1 : idKey(a) > idKey(b) ? 1 : 0));
    expect(sorted).toEqual(['9', '10', '1512955000019693140', '1512955000019693141', '99999999999999999999', '', 'E-2', 'abc']);
    expect([...ids].sort(compareIds)).toEqual(sorted);
  });
});

describe('output order', () => {
  it('computeRows orders rows exactly as compareRows, mapped and unmapped users, numeric and text ids mixed', () => {
    const rnd = prng(11);
    const next = (n: number) => Math.floor(rnd() * n);
    const emails = ['ann@example.com', 'Bob@example.com', 'cy@example.com', 'dee@example.com', 'eve@example.com', 'fay@example.com'];
    const employees: Record<string, string> = { 'ann@example.com': '12', 'Bob@example.com': '9', 'cy@example.com': 'E-7', 'dee@example.com': '120' };
    const resolve: EmployeeResolver = (l) => (employees[l.email] ? { employeeId: employees[l.email]!, name: l.email } : undefined);
    const raw = Array.from({ length: 600 }, () =>
      tlog({
        date: `2026-11-${String(1 + next(9)).padStart(2, '0')}`,
        log_hour: '00:30',
        email: emails[next(emails.length)]!,
        project: next(2) ? { id: String(1512955000000100001 + next(3)), name: `P${next(3)}` } : { id: '99', name: 'short id' },
        module_detail: { id: next(2) ? '1512955000000200001' : 'task-x', name: 'T', type: 'task' },
      }),
    );
    const r = computeRows(logs(...raw), resolve, base);
    const expected = [...r.rows].sort(compareRows);
    expect(r.rows.map((x) => x.log.id)).toEqual(expected.map((x) => x.log.id));
  });
});
