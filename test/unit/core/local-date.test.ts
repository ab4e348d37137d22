import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dayOfWeek,
  daysInMonth,
  isLocalDate,
  startOfWeek,
  zonedParts,
  zonedToEpoch,
  zoneOffsetMinutes,
} from '../../../src/core/local-date.js';

describe('local dates', () => {
  it('validates calendar dates', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-1-01')).toBe(false);
  });
  it('counts the days of a month arithmetically as Date.UTC does, its 1900s reading of years 0–99 and month roll-over included', () => {
    const byDate = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
    const differ: string[] = [];
    for (let y = 0; y <= 2500; y++) for (let m = 0; m <= 13; m++) if (daysInMonth(y, m) !== byDate(y, m)) differ.push(`${y}-${m}`);
    expect(differ).toEqual([]);
    for (const y of [9999, -1, 1.5, 2024.5]) for (const m of [1, 2, 12]) expect(daysInMonth(y, m)).toBe(byDate(y, m));
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(isLocalDate('0000-02-29')).toBe(false);
  });
  it('does arithmetic without the host zone', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(dayOfWeek('2026-11-28')).toBe(6); // a Saturday
    expect(startOfWeek('2026-11-28', 1)).toBe('2026-11-23');
  });
  it('converts wall clocks across a DST change', () => {
    // Berlin springs forward on 2026-03-29 at 02:00 → 03:00.
    const before = zonedToEpoch('2026-03-29', 60, 'Europe/Berlin');
    const after = zonedToEpoch('2026-03-29', 180, 'Europe/Berlin');
    expect(after - before).toBe(60 * 60_000);
    expect(zoneOffsetMinutes(after, 'Europe/Berlin')).toBe(120);
    // 02:30 does not exist: shifted forward by the gap, to 03:30
    expect(zonedParts(zonedToEpoch('2026-03-29', 150, 'Europe/Berlin'), 'Europe/Berlin').minuteOfDay).toBe(210);
    // 02:30 on the autumn night exists twice: the earlier (CEST) instant
    const amb = zonedToEpoch('2026-10-25', 150, 'Europe/Berlin');
    expect(zoneOffsetMinutes(amb, 'Europe/Berlin')).toBe(120);
    // Chatham is +13:45 in its summer
    expect(zoneOffsetMinutes(Date.UTC(2026, 0, 15), 'Pacific/Chatham')).toBe(825);
  });
});
