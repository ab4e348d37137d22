import { describe, expect, it } from 'vitest';
import { guessDateFormat, guessTimeFormat } from '../../../../src/pipeline/file/init-guess.js';
import { compileDateFormat } from '../../../../src/core/parse/date-format.js';

describe('init guesses: datetimes and 12-hour clocks', () => {
  it('a datetime is not taken for a date: 2025-11-20 09:00 → YYYY-MM-DD HH:mm', () => {
    expect(guessDateFormat(['2025-11-20 09:00', '2025-11-21 17:45'])).toEqual({ format: 'YYYY-MM-DD HH:mm', certain: true, hasTime: true });
    expect(guessDateFormat(['2025-11-20T09:00:00Z', '2025-11-21T17:45:10Z'])).toEqual({ format: 'YYYY-MM-DDTHH:mm:ssZ', certain: true, hasTime: true });
    expect(guessDateFormat(['2025-11-20 09:00:00.123 +01:00'])).toMatchObject({ format: 'YYYY-MM-DD HH:mm:ss.SSS Z', hasTime: true });
  });

  it("Jira's 05/Nov/25 11:03 AM → DD/MMM/YY h:mm A", () => {
    expect(guessDateFormat(['05/Nov/25 11:03 AM', '17/Nov/25 2:15 PM'])).toEqual({ format: 'DD/MMM/YY h:mm A', certain: true, hasTime: true });
    expect(guessDateFormat(['Nov 5, 2025 9:30 pm'])).toMatchObject({ format: 'MMM D, YYYY h:mm A', hasTime: true });
    expect(guessDateFormat(['5 November 2025'])).toEqual({ format: 'DD MMMM YYYY', certain: true, hasTime: false });
  });

  it('two-digit years and day/month order follow the values', () => {
    expect(guessDateFormat(['11/25/25 10:00'])).toEqual({ format: 'MM/DD/YY HH:mm', certain: true, hasTime: true });
    expect(guessDateFormat(['25.11.25'])).toEqual({ format: 'DD.MM.YY', certain: true, hasTime: false });
    expect(guessDateFormat(['02/11/25'])).toMatchObject({ format: 'DD/MM/YY', certain: false });
  });

  it('values that disagree, or are no dates, give the uncertain default', () => {
    expect(guessDateFormat(['2025-11-20 09:00', '2025-11-20'])).toEqual({ format: 'YYYY-MM-DD', certain: false, hasTime: false });
    expect(guessDateFormat(['soon', '2025-11-20'])).toEqual({ format: 'YYYY-MM-DD', certain: false, hasTime: false });
    expect(guessDateFormat(['13:00 PM'])).toEqual({ format: 'YYYY-MM-DD', certain: false, hasTime: false });
    expect(guessDateFormat([])).toEqual({ format: 'YYYY-MM-DD', certain: false, hasTime: false });
  });

  it('formats without a two-digit year read their own samples with the date-format parser', () => {
    for (const [format, value] of [
      ['YYYY-MM-DD HH:mm', '2025-11-20 09:00'],
      ['MMM D, YYYY h:mm A', 'Nov 5, 2025 9:30 pm'],
      ['YYYY-MM-DDTHH:mm:ssZ', '2025-11-20T09:00:00Z'],
    ] as const) {
      expect(guessDateFormat([value]).format).toBe(format);
      expect(compileDateFormat(format).parse(value), format).toBeDefined();
    }
  });

  it('times of day: 24-hour as they are, 12-hour as h:mm A', () => {
    expect(guessTimeFormat(['09:00', '17:45'])).toEqual({ format: 'HH:mm', plain: true });
    expect(guessTimeFormat(['9:00'])).toEqual({ format: 'HH:mm', plain: false });
    expect(guessTimeFormat(['11:03 AM', '2:15 PM'])).toEqual({ format: 'h:mm A', plain: false });
    expect(guessTimeFormat(['11:03:09 am'])).toEqual({ format: 'h:mm:ss A', plain: false });
    expect(guessTimeFormat(['11:03 AM', '14:00'])).toBeUndefined();
    expect(guessTimeFormat(['noon'])).toBeUndefined();
  });
});
