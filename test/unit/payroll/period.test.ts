import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../../src/payroll/period.js';

const base = { tz: 'Europe/Berlin', weekStart: 1 };

describe('resolvePeriod', () => {
  it('takes an inclusive range and rejects bad ones with PAYROLL_INVALID_PERIOD', () => {
    expect(resolvePeriod('2026-11-01..2026-11-15', { ...base, nowMs: 0 })).toMatchObject({ start: '2026-11-01', end: '2026-11-15' });
    for (const bad of ['2026-11-15..2026-11-01', '2026-02-30..2026-03-01', 'someday', '2026-11-01..']) {
      expect(() => resolvePeriod(bad, { ...base, nowMs: 0 })).toThrow(expect.objectContaining({ code: 'PAYROLL_INVALID_PERIOD' }));
    }
  });

  it('reads "today" in the portal zone, not UTC or the host zone', () => {
    // 2026-11-10 23:30 UTC is already the 11th in Berlin and still the 10th in Los Angeles
    const nowMs = Date.UTC(2026, 10, 10, 23, 30);
    expect(resolvePeriod('yesterday', { ...base, nowMs })).toMatchObject({ start: '2026-11-10', end: '2026-11-10' });
    expect(resolvePeriod('yesterday', { tz: 'America/Los_Angeles', weekStart: 1, nowMs })).toMatchObject({ start: '2026-11-09' });
  });

  it('last-week over a DST change gives seven whole local days, for any week start', () => {
    // Berlin leaves DST on Sunday 2026-10-25; "now" is Monday 2026-11-02 00:30 local (= 2026-11-01 23:30 UTC)
    const nowMs = Date.UTC(2026, 10, 1, 23, 30);
    expect(resolvePeriod('last-week', { ...base, nowMs })).toMatchObject({ start: '2026-10-26', end: '2026-11-01' });
    const nowMs2 = Date.UTC(2026, 9, 26, 8);
    expect(resolvePeriod('last-week', { ...base, nowMs: nowMs2 })).toMatchObject({ start: '2026-10-19', end: '2026-10-25' });
    expect(resolvePeriod('last-week', { ...base, weekStart: 0, nowMs: nowMs2 })).toMatchObject({ start: '2026-10-18', end: '2026-10-24' });
  });

  it('this-month and last-month are whole calendar months', () => {
    const nowMs = Date.UTC(2026, 2, 15);
    expect(resolvePeriod('this-month', { ...base, nowMs })).toMatchObject({ start: '2026-03-01', end: '2026-03-31' });
    expect(resolvePeriod('last-month', { ...base, nowMs })).toMatchObject({ start: '2026-02-01', end: '2026-02-28' });
  });

  it('resolves pay-period rules (previous by default, or current)', () => {
    const nowMs = Date.UTC(2026, 10, 20, 12);
    const rules = {
      semi: { type: 'semi-monthly' as const, select: 'previous' as const },
      semiNow: { type: 'semi-monthly' as const, select: 'current' as const },
      bi: { type: 'biweekly' as const, anchor: '2026-01-05', select: 'previous' as const },
      month: { type: 'monthly' as const, select: 'previous' as const },
      week: { type: 'weekly' as const, select: 'current' as const },
    };
    const r = (e: string) => resolvePeriod(e, { ...base, nowMs, rules });
    expect(r('semi')).toMatchObject({ start: '2026-11-01', end: '2026-11-15' });
    expect(r('semiNow')).toMatchObject({ start: '2026-11-16', end: '2026-11-30' });
    // 2026-01-05 + 14k: … 2026-11-09, 2026-11-23 → the period containing 11-20 starts 11-09; previous 10-26
    expect(r('bi')).toMatchObject({ start: '2026-10-26', end: '2026-11-08' });
    expect(r('month')).toMatchObject({ start: '2026-10-01', end: '2026-10-31' });
    expect(r('week')).toMatchObject({ start: '2026-11-16', end: '2026-11-22' });
    expect(() => r('fortnight')).toThrow(/rules defined: semi/);
  });
});
