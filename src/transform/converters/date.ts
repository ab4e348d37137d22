/**
 * Date, date-time and time converters. A date stays a calendar date (`YYYY-MM-DD`) and is never a JS
 * Date read in the host's zone (docs/zoho-api-notes.md#dates-and-times): the same file gives the
 * same dates under any TZ. A date-time without an offset is read in the converter's explicit zone;
 * one with an offset becomes another zone's wall clock only through Intl (core/local-date.ts).
 */
import { toDayNumber, zonedParts, zonedToEpoch, type LocalDate } from '../../core/local-date.js';
import { clip, fail, ok, type Outcome } from '../../core/record.js';
import type { SourcePosition } from '../../core/errors.js';
import { compileDateFormat, compileTimeFormat, type CompiledDateFormat, type CompiledTimeFormat } from '../../core/parse/date-format.js';
import { formatTimeOfDay, parseTimeOfDay } from '../../core/parse/time-of-day.js';
import type { ConverterOptions } from './spec.js';

export const DEFAULT_DATETIME_FORMATS = [
  'YYYY-MM-DDTHH:mm:ss.SSSZ',
  'YYYY-MM-DDTHH:mm:ssZ',
  'YYYY-MM-DDTHH:mmZ',
  'YYYY-MM-DDTHH:mm:ss.SSS',
  'YYYY-MM-DDTHH:mm:ss',
  'YYYY-MM-DDTHH:mm',
  'YYYY-MM-DD HH:mm:ss',
  'YYYY-MM-DD HH:mm',
  'YYYY-MM-DD',
];

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** The instant of a wall clock that carried its own offset from UTC. */
function instantOf(date: LocalDate, minuteOfDay: number, second: number, millisecond: number, offsetMinutes: number): number {
  return toDayNumber(date) * 86_400_000 + (minuteOfDay - offsetMinutes) * 60_000 + second * 1000 + millisecond;
}

const formatList = (names: readonly string[]): string => `${names.length > 1 ? 'any of the formats ' : 'the format '}${names.join(', ')}`;

type DateOptions = Pick<ConverterOptions<'date'>, 'formats'> & Partial<Pick<ConverterOptions<'date'>, 'zone' | 'pivot'>>;

/**
 * Compiles a date converter: the first of `formats` that matches wins. A format with a time keeps
 * the date part; with `zone`, a value carrying an offset is converted to that zone's calendar date
 * (`2025-11-05T23:30:00Z` in Europe/Berlin is 2025-11-06), other values keep the date as written.
 */
export function createDateConverter(options: DateOptions) {
  const formats: CompiledDateFormat[] = options.formats.map((f) => compileDateFormat(f, false, { pivot: options.pivot }));
  const zone = options.zone;
  return (value: unknown, pos: SourcePosition, field: string): Outcome<unknown> => {
    const s = str(value);
    for (const f of formats) {
      const p = f.parse(s);
      if (!p) continue;
      if (zone === undefined || p.offsetMinutes === undefined) return ok(p.date);
      return ok(zonedParts(instantOf(p.date, p.minuteOfDay, p.second, p.millisecond, p.offsetMinutes), zone).date);
    }
    return fail({ code: 'ROW_INVALID_DATE', message: `"${clip(s, 80)}" is not a date in ${formatList(options.formats)}`, field, value: clip(value), pos });
  };
}

/** `(value, options, pos, field)` form of the date converter. */
export function convertDate(value: unknown, options: DateOptions, pos: SourcePosition, field: string): Outcome<unknown> {
  return createDateConverter(options)(value, pos, field);
}

type DatetimeOptions = Pick<ConverterOptions<'datetime'>, 'zone'> & Partial<Pick<ConverterOptions<'datetime'>, 'formats' | 'pivot'>>;

/** Compiles a date-time converter → ISO instant (`…Z`). Values with an offset keep it; others are wall time in `zone`. */
export function createDatetimeConverter(options: DatetimeOptions) {
  const names = options.formats ?? DEFAULT_DATETIME_FORMATS;
  const formats = names.map((f) => compileDateFormat(f, false, { pivot: options.pivot }));
  return (value: unknown, pos: SourcePosition, field: string): Outcome<unknown> => {
    const s = str(value);
    for (const f of formats) {
      const p = f.parse(s);
      if (!p) continue;
      const epoch =
        p.offsetMinutes !== undefined
          ? instantOf(p.date, p.minuteOfDay, p.second, p.millisecond, p.offsetMinutes)
          : zonedToEpoch(p.date, p.minuteOfDay, options.zone) + p.second * 1000 + p.millisecond;
      return ok(new Date(epoch).toISOString());
    }
    return fail({ code: 'ROW_INVALID_DATETIME', message: `"${clip(s, 80)}" is not a date-time in ${names.join(', ')}`, field, value: clip(value), pos });
  };
}

export function convertDatetime(value: unknown, options: DatetimeOptions, pos: SourcePosition, field: string): Outcome<unknown> {
  return createDatetimeConverter(options)(value, pos, field);
}

/** The date-times a `time` converter without `formats` reads after plain times: the datetime defaults that have a time. */
const DEFAULT_TIME_FORMATS = DEFAULT_DATETIME_FORMATS.filter((f) => f.includes('HH'));

type TimeOptions = Partial<Pick<ConverterOptions<'time'>, 'formats' | 'zone' | 'pivot'>>;

/**
 * Compiles a time converter → `HH:MM` (24-hour; seconds dropped). Without `formats` it reads plain
 * times (`14:20`, `14:20:00`, `2:20 PM`, `2:20 p.m.`) and ISO date-times. With `zone`, a value with
 * an offset is converted to that zone's wall clock; other values keep the time as written. A bad
 * value is ROW_INVALID_DATETIME.
 */
export function createTimeConverter(options: TimeOptions = {}) {
  const names = options.formats ?? DEFAULT_TIME_FORMATS;
  const formats: CompiledTimeFormat[] = names.map((f) => compileTimeFormat(f, { pivot: options.pivot }));
  const plainTimes = options.formats === undefined;
  const zone = options.zone;
  return (value: unknown, pos: SourcePosition, field: string): Outcome<unknown> => {
    const s = str(value);
    if (plainTimes) {
      const t = parseTimeOfDay(s);
      if (t !== undefined) return ok(formatTimeOfDay(t));
    }
    for (const f of formats) {
      const p = f.parse(s);
      if (!p) continue;
      if (zone === undefined || p.offsetMinutes === undefined || p.date === undefined) return ok(formatTimeOfDay(p.minuteOfDay));
      return ok(formatTimeOfDay(zonedParts(instantOf(p.date, p.minuteOfDay, p.second, p.millisecond, p.offsetMinutes), zone).minuteOfDay));
    }
    const expected = plainTimes ? `a time such as 14:20 or 2:20 PM, or ${formatList(names)}` : formatList(names);
    return fail({ code: 'ROW_INVALID_DATETIME', message: `"${clip(s, 80)}" is not ${expected}`, field, value: clip(value), pos });
  };
}
