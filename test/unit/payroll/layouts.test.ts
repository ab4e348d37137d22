import { describe, expect, it } from 'vitest';
import { CUSTOM_LAYOUT_SCHEMA, PAYROLL_SCHEMA } from '../../../src/payroll/config-schema.js';
import { formatDecimalHours, formatDuration, neutralise } from '../../../src/payroll/layouts.js';

describe('layouts', () => {
  it('neutralises cells that start with = + - @ tab or CR', () => {
    for (const c of ['=SUM(A1)', '+1', '-2', '@cmd', '\tx', '\rx']) expect(neutralise(c)).toBe(`'${c}`);
    for (const c of ['plain', '', 'a=b', ' =x']) expect(neutralise(c)).toBe(c);
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
