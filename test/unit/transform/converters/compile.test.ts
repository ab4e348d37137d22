import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../../src/core/record.js';
import { compileConverter, compileConverterChain } from '../../../../src/transform/converters/compile.js';
import { ConverterSpecSchema, type ConverterSpec } from '../../../../src/transform/converters/spec.js';
import { parseDuration } from '../../../../src/core/parse/duration.js';

const pos = { source: 'f.csv', line: 7, index: 5 };
const conv = (spec: unknown, v: unknown): Outcome<unknown> => compileConverter(ConverterSpecSchema.parse(spec) as ConverterSpec)(v, pos, 'fld');
const val = (spec: unknown, v: unknown) => {
  const r = conv(spec, v);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};
const code = (spec: unknown, v: unknown) => {
  const r = conv(spec, v);
  return r.ok ? 'ok' : r.error.code;
};

describe('date converter', () => {
  it('parses each configured format to YYYY-MM-DD, first match wins', () => {
    const spec = { type: 'date', formats: ['DD/MM/YYYY', 'YYYY-MM-DD', 'DD MMM YYYY', 'MMMM D, YYYY', 'DD.MM.YYYY'] };
    expect(val(spec, '05/03/2026')).toBe('2026-03-05');
    expect(val(spec, '5/3/2026')).toBe('2026-03-05');
    expect(val(spec, ' 2026-03-05 ')).toBe('2026-03-05');
    expect(val(spec, '05 Mar 2026')).toBe('2026-03-05');
    expect(val(spec, 'march 5, 2026')).toBe('2026-03-05');
    expect(val(spec, '05.03.2026')).toBe('2026-03-05');
    expect(val({ type: 'date', formats: ['MM/DD/YYYY'] }, '05/03/2026')).toBe('2026-05-03');
    expect(val('date', '2026-03-05')).toBe('2026-03-05');
  });
  it('rejects impossible dates and other formats with ROW_INVALID_DATE, position and field', () => {
    const r = conv({ type: 'date', formats: ['DD/MM/YYYY'] }, '31/02/2026');
    expect(r).toEqual({ ok: false, error: { code: 'ROW_INVALID_DATE', message: '"31/02/2026" is not a date in the format DD/MM/YYYY', field: 'fld', value: '31/02/2026', pos } });
    expect(code('date', '2026-3-5x')).toBe('ROW_INVALID_DATE');
    expect(code('date', '2026-02-29')).toBe('ROW_INVALID_DATE');
  });
  it('the schema refuses unknown letters and incomplete dates (time tokens are allowed: see dates.test.ts)', () => {
    expect(ConverterSpecSchema.safeParse({ type: 'date', formats: ['YYYY-MM-DD HH:mm'] }).success).toBe(true);
    expect(ConverterSpecSchema.safeParse({ type: 'date', formats: ['YYYY-QQ-DD'] }).success).toBe(false);
    expect(ConverterSpecSchema.safeParse({ type: 'date', formats: ['YYYY-MM'] }).success).toBe(false);
  });
});

describe('datetime converter', () => {
  it('reads wall time in the explicit zone, keeps explicit offsets, outputs an ISO instant', () => {
    expect(val({ type: 'datetime', zone: 'America/New_York' }, '2026-07-01 09:00')).toBe('2026-07-01T13:00:00.000Z');
    expect(val({ type: 'datetime', zone: 'Asia/Kolkata' }, '2026-07-01T09:00:00Z')).toBe('2026-07-01T09:00:00.000Z');
    expect(val({ type: 'datetime', zone: 'UTC', formats: ['DD/MM/YYYY h:mm A'] }, '01/07/2026 2:05 pm')).toBe('2026-07-01T14:05:00.000Z');
    expect(val({ type: 'datetime', zone: 'UTC', formats: ['DD/MM/YYYY h:mm A'] }, '01/07/2026 12:05 AM')).toBe('2026-07-01T00:05:00.000Z');
    expect(code({ type: 'datetime', zone: 'UTC' }, '2026-07-01 25:00')).toBe('ROW_INVALID_DATETIME');
  });
  it('the zone is required and must be a real IANA zone', () => {
    expect(ConverterSpecSchema.safeParse('datetime').success).toBe(false);
    expect(ConverterSpecSchema.safeParse({ type: 'datetime', zone: 'Mars/Olympus' }).success).toBe(false);
  });
});

describe('duration converter and parser', () => {
  it('hh:mm', () => {
    expect(val({ type: 'duration', format: 'hh:mm' }, '1:30')).toBe(90);
    expect(val({ type: 'duration', format: 'hh:mm' }, '01:05')).toBe(65);
    expect(val({ type: 'duration', format: 'hh:mm' }, '100:00')).toBe(6000);
    expect(val({ type: 'duration', format: 'hh:mm' }, '0:10:30')).toBe(11);
    expect(code({ type: 'duration', format: 'hh:mm' }, '1:60')).toBe('ROW_INVALID_DURATION');
    expect(code({ type: 'duration', format: 'hh:mm' }, '1.30')).toBe('ROW_INVALID_DURATION');
  });
  it("h.mm is Zoho's hours.minutes: 1.30 = 90, .60+ invalid, one digit ambiguous", () => {
    expect(parseDuration('1.30', 'h.mm')).toEqual({ ok: true, minutes: 90 });
    expect(parseDuration('0.23', 'h.mm')).toEqual({ ok: true, minutes: 23 });
    expect(parseDuration('.45', 'h.mm')).toEqual({ ok: true, minutes: 45 });
    expect(parseDuration('2', 'h.mm')).toEqual({ ok: true, minutes: 120 });
    expect(parseDuration('4.20', 'h.mm')).toEqual({ ok: true, minutes: 260 });
    expect(parseDuration('1.60', 'h.mm').ok).toBe(false);
    expect(parseDuration('1.3', 'h.mm')).toMatchObject({ ok: false, problem: expect.stringContaining('ambiguous') });
  });
  it('decimal hours (dot or comma) round to the minute; units', () => {
    expect(parseDuration('1.5', 'decimal')).toEqual({ ok: true, minutes: 90 });
    expect(parseDuration('1,25', 'decimal')).toEqual({ ok: true, minutes: 75 });
    expect(parseDuration('0.333', 'decimal')).toEqual({ ok: true, minutes: 20 });
    expect(parseDuration('-1', 'decimal').ok).toBe(false);
    expect(parseDuration('1h 30m', 'units')).toEqual({ ok: true, minutes: 90 });
    expect(parseDuration('2 hours 15 minutes', 'units')).toEqual({ ok: true, minutes: 135 });
    expect(parseDuration('90 min', 'units')).toEqual({ ok: true, minutes: 90 });
    expect(parseDuration('1.5h', 'units')).toEqual({ ok: true, minutes: 90 });
    expect(parseDuration('1 day', 'units').ok).toBe(false);
  });
  it('the format is required', () => {
    expect(ConverterSpecSchema.safeParse('duration').success).toBe(false);
    expect(ConverterSpecSchema.safeParse({ type: 'duration' }).success).toBe(false);
  });
});

describe('enum, trim, email, html, number, boolean, list', () => {
  it('enum maps case-insensitively, with a default, or rejects naming the accepted values', () => {
    const spec = { type: 'enum', map: { High: 'high', Urgent: 'high', Low: 'low' } };
    expect(val(spec, ' urgent ')).toBe('high');
    expect(conv(spec, 'meh')).toMatchObject({ ok: false, error: { code: 'ROW_INVALID_ENUM', message: '"meh" is not one of High, Urgent, Low' } });
    expect(val({ ...spec, default: 'none' }, 'meh')).toBe('none');
    expect(code({ ...spec, caseSensitive: true }, 'high')).toBe('ROW_INVALID_ENUM');
  });
  it('trim and collapse', () => {
    expect(val('trim', '  a  b \n')).toBe('a  b');
    expect(val({ type: 'trim', collapse: true }, '  a  \n b ')).toBe('a b');
  });
  it('email: trim + lower-case + shape', () => {
    expect(val('email', '  Ann.Lee@Example.COM ')).toBe('ann.lee@example.com');
    for (const bad of ['ann', 'ann@', '@x.com', 'a b@x.com', 'a@x', 'a@@x.com', 'a@-x.com']) expect(code('email', bad), bad).toBe('ROW_INVALID_EMAIL');
    // the local part may have 64 characters, not 65
    expect(val('email', `${'a'.repeat(64)}@x.com`)).toBe(`${'a'.repeat(64)}@x.com`);
    expect(code('email', `${'a'.repeat(65)}@x.com`)).toBe('ROW_INVALID_EMAIL');
  });
  it('html → text', () => {
    expect(val('html', '<div>Hello&nbsp;<b>world</b></div><p>a &amp; b &lt;3&#33; &#x263A;</p><script>x()</script><ul><li>one</li><li>two</li></ul>line<br>break')).toBe(
      'Hello world\na & b <3! ☺\n- one\n- two\n\nline\nbreak',
    );
    expect(val('html', 'plain text  ')).toBe('plain text');
  });
  it('number with separators and bounds', () => {
    expect(val('number', '12.5')).toBe(12.5);
    expect(val({ type: 'number', decimalSeparator: ',', thousandsSeparator: '.' }, '1.234,5')).toBe(1234.5);
    expect(code({ type: 'number', decimalSeparator: ',' }, '1.5')).toBe('ROW_INVALID_NUMBER');
    expect(code({ type: 'number', integer: true }, '1.5')).toBe('ROW_INVALID_NUMBER');
    expect(code({ type: 'number', max: 100 }, '101')).toBe('ROW_INVALID_NUMBER');
    expect(code('number', '12abc')).toBe('ROW_INVALID_NUMBER');
    expect(code('number', 'Infinity')).toBe('ROW_INVALID_NUMBER');
  });
  it('boolean with default and custom words', () => {
    for (const t of ['yes', 'TRUE', '1', 'Y']) expect(val('boolean', t)).toBe(true);
    for (const f of ['no', 'False', '0', 'n']) expect(val('boolean', f)).toBe(false);
    expect(code('boolean', 'maybe')).toBe('ROW_INVALID_BOOLEAN');
    expect(val({ type: 'boolean', true: ['ja'], false: ['nein'] }, 'JA')).toBe(true);
  });
  it('list split', () => {
    expect(val('list', 'a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(val({ type: 'list', separator: ';', dropEmpty: false }, 'a;;b')).toEqual(['a', '', 'b']);
  });
  it('chains run left to right and stop at the first error', () => {
    const chain = compileConverterChain([ConverterSpecSchema.parse('html'), ConverterSpecSchema.parse('email')] as ConverterSpec[])!;
    expect(chain('<b>Ann@X.com</b>', pos, 'f')).toEqual({ ok: true, value: 'ann@x.com' });
    expect(chain('<b>nope</b>', pos, 'f')).toMatchObject({ ok: false, error: { code: 'ROW_INVALID_EMAIL' } });
  });
});
