import { describe, expect, it } from 'vitest';
import { compileDateFormat, compileTimeFormat, dateFormatProblem, DEFAULT_YEAR_PIVOT, expandTwoDigitYear, timeFormatProblem } from '../../../../src/core/parse/date-format.js';

describe('two-digit years (YY)', () => {
  it('the default pivot is 69, as POSIX strptime: 69–99 → 1969–1999, 00–68 → 2000–2068', () => {
    expect(DEFAULT_YEAR_PIVOT).toBe(69);
    expect([0, 25, 68, 69, 99].map((y) => expandTwoDigitYear(y))).toEqual([2000, 2025, 2068, 1969, 1999]);
    const f = compileDateFormat('DD/MM/YY');
    expect(f.parse('01/02/68')?.date).toBe('2068-02-01');
    expect(f.parse('01/02/69')?.date).toBe('1969-02-01');
  });
  it('a stated pivot moves the boundary; 0 and 100 put every year in one century', () => {
    expect(compileDateFormat('DD/MM/YY', false, { pivot: 30 }).parse('01/02/29')?.date).toBe('2029-02-01');
    expect(compileDateFormat('DD/MM/YY', false, { pivot: 30 }).parse('01/02/30')?.date).toBe('1930-02-01');
    expect(compileDateFormat('DD/MM/YY', false, { pivot: 0 }).parse('01/02/00')?.date).toBe('1900-02-01');
    expect(compileDateFormat('DD/MM/YY', false, { pivot: 100 }).parse('01/02/99')?.date).toBe('2099-02-01');
  });
  it('YY takes exactly two digits, and a format has one year only', () => {
    expect(compileDateFormat('DD/MM/YY').parse('01/02/2025')).toBeUndefined();
    expect(compileDateFormat('DD/MM/YY').parse('01/02/5')).toBeUndefined();
    expect(dateFormatProblem('YYYY YY-MM-DD', false)).toMatch(/repeats a token/);
    expect(dateFormatProblem('DD MM MMM YY', false)).toMatch(/repeats a token/);
  });
});

describe("Jira's default date-time DD/MMM/YY h:mm A", () => {
  const jira = compileDateFormat('DD/MMM/YY h:mm A');
  it('reads 12-hour clocks: 12 AM is midnight, 12 PM noon', () => {
    expect(jira.parse('05/Nov/25 11:03 AM')).toEqual({ date: '2025-11-05', minuteOfDay: 11 * 60 + 3, second: 0, millisecond: 0, hasTime: true });
    expect(jira.parse('05/Nov/25 11:03 PM')?.minuteOfDay).toBe(23 * 60 + 3);
    expect(jira.parse('05/nov/25 12:00 am')?.minuteOfDay).toBe(0);
    expect(jira.parse('05/Nov/25 12:00 PM')?.minuteOfDay).toBe(12 * 60);
    expect(jira.parse('05/Nov/25 13:00 PM')).toBeUndefined();
    expect(jira.parse('05/Nov/25 0:30 AM')).toBeUndefined();
  });
  it('only real dates: 29 Feb in a leap year, never 30 Feb or 31 Nov', () => {
    expect(jira.parse('29/Feb/24 9:00 AM')?.date).toBe('2024-02-29');
    expect(jira.parse('29/Feb/25 9:00 AM')).toBeUndefined();
    expect(jira.parse('30/Feb/24 9:00 AM')).toBeUndefined();
    expect(jira.parse('31/Nov/25 9:00 AM')).toBeUndefined();
    expect(jira.parse('05/Foo/25 9:00 AM')).toBeUndefined();
  });
});

describe('format checks', () => {
  it('dateOnly refuses time tokens (the timesheet source); otherwise they are allowed', () => {
    expect(dateFormatProblem('YYYY-MM-DD HH:mm', true)).toMatch(/has time tokens/);
    expect(dateFormatProblem('YYYY-MM-DD HH:mm', false)).toBeUndefined();
    expect(dateFormatProblem('YYYY-MM-DD hh:mm', false)).toMatch(/hh\/h and A/);
    expect(dateFormatProblem('YYYY-MM-DD mm', false)).toMatch(/no hour/);
    expect(dateFormatProblem('MM-DD', false)).toMatch(/needs a year \(YYYY or YY\)/);
    expect(dateFormatProblem('YYYY-MM-DD Q', false)).toMatch(/unknown token at "Q"/);
  });
  it('time formats: a time alone or a date-time, never a date alone, a half date or an offset without a date', () => {
    expect(timeFormatProblem('h:mm A')).toBeUndefined();
    expect(timeFormatProblem('DD/MMM/YY h:mm A')).toBeUndefined();
    expect(timeFormatProblem('YYYY-MM-DD')).toMatch(/has no hour/);
    expect(timeFormatProblem('DD/MM HH:mm')).toMatch(/needs a year/);
    expect(timeFormatProblem('HH:mmZ')).toMatch(/offset \(Z\) but no date/);
  });
  it('a time format gives the date only when it has one, and the offset when the value carries one', () => {
    expect(compileTimeFormat('h:mm A').parse(' 2:20 pm ')).toEqual({ minuteOfDay: 14 * 60 + 20, second: 0, millisecond: 0 });
    expect(compileTimeFormat('HH.mm').parse('24.00')).toBeUndefined();
    expect(compileTimeFormat('YYYY-MM-DDTHH:mmZ').parse('2025-11-05T23:30+05:30')).toEqual({ date: '2025-11-05', minuteOfDay: 23 * 60 + 30, second: 0, millisecond: 0, offsetMinutes: 330 });
    expect(compileTimeFormat('DD/MM/YY HH:mm').parse('30/02/25 10:00')).toBeUndefined();
  });
});

describe('an unknown token in the wrong case names the right one', () => {
  it('`a` → `A`, `yyyy` → `YYYY`; a letter that is no token in any case gets no suggestion', () => {
    expect(dateFormatProblem('DD.MM.YYYY hh:mm a', false)).toBe('unknown token at "a" in date format "DD.MM.YYYY hh:mm a"; did you mean "A"?');
    expect(dateFormatProblem('dd.MM.yyyy', false)).toMatch(/unknown token at "dd\.MM\.yyyy" in date format "dd\.MM\.yyyy"; did you mean "DD"\?$/);
    expect(dateFormatProblem('YYYY-MM-DD Q', false)).not.toMatch(/did you mean/);
  });
});
