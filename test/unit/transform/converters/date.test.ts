import { describe, expect, it } from 'vitest';
import { code, conv, convPos, schemaProblem, val } from '../../../helpers/convert.js';

const JIRA = 'DD/MMM/YY h:mm A';

describe("Jira's default 05/Nov/25 11:03 AM in date, datetime and time", () => {
  it('date keeps the date part; datetime reads it in the zone; time gives HH:MM', () => {
    expect(val({ type: 'date', formats: [JIRA] }, '05/Nov/25 11:03 AM')).toBe('2025-11-05');
    expect(val({ type: 'datetime', zone: 'Europe/Berlin', formats: [JIRA] }, '05/Nov/25 11:03 AM')).toBe('2025-11-05T10:03:00.000Z');
    expect(val({ type: 'time', formats: [JIRA] }, '05/Nov/25 11:03 AM')).toBe('11:03');
    expect(val({ type: 'time', formats: [JIRA] }, '05/Nov/25 11:03 PM')).toBe('23:03');
    expect(val({ type: 'time', formats: [JIRA] }, '05/Nov/25 12:10 AM')).toBe('00:10');
  });
  it('the pivot applies in all three', () => {
    expect(val({ type: 'date', formats: [JIRA] }, '05/Nov/69 11:03 AM')).toBe('1969-11-05');
    expect(val({ type: 'date', formats: [JIRA], pivot: 70 }, '05/Nov/69 11:03 AM')).toBe('2069-11-05');
    expect(val({ type: 'datetime', zone: 'UTC', formats: [JIRA], pivot: 0 }, '05/Nov/25 11:03 AM')).toBe('1925-11-05T11:03:00.000Z');
    expect(val({ type: 'time', formats: [JIRA], pivot: 100 }, '29/Feb/00 1:00 PM')).toBe('13:00');
    expect(schemaProblem({ type: 'date', pivot: 101 })).toMatch(/pivot/);
    expect(schemaProblem({ type: 'date', pivot: 1.5 })).toMatch(/pivot/);
  });
  it('impossible dates are refused by each (Feb 30, Feb 29 of a common year)', () => {
    expect(code({ type: 'date', formats: [JIRA] }, '30/Feb/24 9:00 AM')).toBe('ROW_INVALID_DATE');
    expect(code({ type: 'datetime', zone: 'UTC', formats: [JIRA] }, '29/Feb/25 9:00 AM')).toBe('ROW_INVALID_DATETIME');
    expect(code({ type: 'time', formats: [JIRA] }, '30/Feb/24 9:00 AM')).toBe('ROW_INVALID_DATETIME');
  });
});

describe('date from a date-time', () => {
  it('with zone, a value carrying an offset becomes that zone\'s calendar date', () => {
    const spec = { type: 'date', zone: 'Europe/Berlin', formats: ['YYYY-MM-DDTHH:mm:ssZ', 'YYYY-MM-DD HH:mm'] };
    expect(val(spec, '2025-11-05T23:30:00Z')).toBe('2025-11-06');
    expect(val(spec, '2025-11-05T00:30:00+05:30')).toBe('2025-11-04');
    expect(val({ ...spec, zone: 'Pacific/Auckland' }, '2025-11-05T12:00:00Z')).toBe('2025-11-06');
    // No offset in the value: the date as written, whatever the zone.
    expect(val(spec, '2025-11-05 23:30')).toBe('2025-11-05');
  });
  it('without zone, the date as written even when the value has an offset', () => {
    expect(val({ type: 'date', formats: ['YYYY-MM-DDTHH:mm:ssZ'] }, '2025-11-05T23:30:00-08:00')).toBe('2025-11-05');
  });
  it('the zone must be a real IANA zone', () => {
    expect(schemaProblem({ type: 'date', zone: 'Mars/Olympus' })).toMatch(/IANA/);
  });
});

describe('time converter', () => {
  it('bare `time` reads plain times, 24- and 12-hour, and ISO date-times', () => {
    expect(['14:20', '14:20:59', '2:20 PM', '02:20 pm', '2:20PM', '2:20 p.m.', '12:05 AM', '2025-11-05T09:15:00Z', '2025-11-05 07:45'].map((v) => val('time', v))).toEqual([
      '14:20', '14:20', '14:20', '14:20', '14:20', '14:20', '00:05', '09:15', '07:45',
    ]);
  });
  it('with zone, a value with an offset is converted (across midnight too); others keep the time as written', () => {
    expect(val({ type: 'time', zone: 'Asia/Kolkata' }, '2025-11-05T23:30:00Z')).toBe('05:00');
    expect(val({ type: 'time', zone: 'America/New_York' }, '2025-07-01T12:00:00+02:00')).toBe('06:00');
    expect(val({ type: 'time', zone: 'America/New_York' }, '2025-07-01 12:00')).toBe('12:00');
    expect(val({ type: 'time', zone: 'America/New_York' }, '2:20 PM')).toBe('14:20');
    expect(val('time', '2025-11-05T23:30:00+05:30')).toBe('23:30');
  });
  it('stated formats replace the defaults: time-only formats work, plain times no longer match', () => {
    expect(val({ type: 'time', formats: ['HH.mm'] }, '09.45')).toBe('09:45');
    expect(code({ type: 'time', formats: ['HH.mm'] }, '09:45')).toBe('ROW_INVALID_DATETIME');
  });
  it('refuses what is not a time, saying what was expected', () => {
    expect(conv('time', '25:00')).toEqual({
      ok: false,
      error: { code: 'ROW_INVALID_DATETIME', message: expect.stringMatching(/^"25:00" is not a time such as 14:20 or 2:20 PM, or any of the formats YYYY-MM-DDTHH/), field: 'fld', value: '25:00', pos: convPos },
    });
    expect(code('time', '13:00 PM')).toBe('ROW_INVALID_DATETIME');
    expect(code('time', 'noon')).toBe('ROW_INVALID_DATETIME');
  });
  it('the schema refuses formats without an hour, or with an offset but no date', () => {
    expect(schemaProblem({ type: 'time', formats: ['YYYY-MM-DD'] })).toMatch(/no hour/);
    expect(schemaProblem({ type: 'time', formats: ['HH:mm Z'] })).toMatch(/no date/);
    expect(schemaProblem({ type: 'time', formats: [] })).toMatch(/formats/);
  });
});
