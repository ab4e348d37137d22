/**
 * Date and date-time converters. A date stays a calendar date (`YYYY-MM-DD`) and is never a JS Date
 * read in the host's zone (docs/zoho-api-notes.md#dates-and-times): the same file gives the
 * same dates under any TZ. A date-time without an offset is read in the converter's explicit zone.
 */
import { zonedToEpoch } from '../../core/local-date.js';
import { clip, fail, ok, type Outcome } from '../../core/record.js';
import type { SourcePosition } from '../../core/errors.js';
import { compileDateFormat, type CompiledDateFormat } from '../../core/parse/date-format.js';
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

/** Compiles a date converter: the first of `formats` that matches wins. */
export function createDateConverter(options: Pick<ConverterOptions<'date'>, 'formats'>) {
  const formats: CompiledDateFormat[] = options.formats.map((f) => compileDateFormat(f, true));
  return (value: unknown, pos: SourcePosition, field: string): Outcome<unknown> => {
    const s = str(value);
    for (const f of formats) {
      const p = f.parse(s);
      if (p) return ok(p.date);
    }
    return fail({ code: 'ROW_INVALID_DATE', message: `"${clip(s, 80)}" is not a date in ${options.formats.length > 1 ? 'any of the formats ' : 'the format '}${options.formats.join(', ')}`, field, value: clip(value), pos });
  };
}

/** `(value, options, pos, field)` form of the date converter. */
export function convertDate(value: unknown, options: Pick<ConverterOptions<'date'>, 'formats'>, pos: SourcePosition, field: string): Outcome<unknown> {
  return createDateConverter(options)(value, pos, field);
}

/** Compiles a date-time converter → ISO instant (`…Z`). Values with an offset keep it; others are wall time in `zone`. */
export function createDatetimeConverter(options: Pick<ConverterOptions<'datetime'>, 'zone' | 'formats'>) {
  const names = options.formats ?? DEFAULT_DATETIME_FORMATS;
  const formats = names.map((f) => compileDateFormat(f, false));
  return (value: unknown, pos: SourcePosition, field: string): Outcome<unknown> => {
    const s = str(value);
    for (const f of formats) {
      const p = f.parse(s);
      if (!p) continue;
      const wallMs = (p.second * 1000) + p.millisecond;
      const epoch =
        p.offsetMinutes !== undefined
          ? Date.UTC(...ymd(p.date)) + p.minuteOfDay * 60_000 - p.offsetMinutes * 60_000 + wallMs
          : zonedToEpoch(p.date, p.minuteOfDay, options.zone) + wallMs;
      return ok(new Date(epoch).toISOString());
    }
    return fail({ code: 'ROW_INVALID_DATETIME', message: `"${clip(s, 80)}" is not a date-time in ${names.join(', ')}`, field, value: clip(value), pos });
  };
}

export function convertDatetime(value: unknown, options: Pick<ConverterOptions<'datetime'>, 'zone' | 'formats'>, pos: SourcePosition, field: string): Outcome<unknown> {
  return createDatetimeConverter(options)(value, pos, field);
}

function ymd(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))];
}
