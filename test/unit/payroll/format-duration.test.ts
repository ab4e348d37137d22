import { describe, expect, it } from 'vitest';
import { formatDecimalHours, formatDuration } from '../../../src/payroll/format-duration.js';

describe('formatDecimalHours / formatDuration', () => {
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
});
