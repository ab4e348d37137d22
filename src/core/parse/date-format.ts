/**
 * Date and date-time formats (`DD/MM/YYYY`, `YYYY-MM-DD HH:mm`, `MMM D, YYYY h:mm A` …) compiled to a
 * regular expression once, then matched per value. Parsing yields calendar parts, never a JS `Date`
 * read in the host's zone (docs/zoho-api-notes.md#dates-and-times): a date stays `YYYY-MM-DD`, and a
 * date-time becomes an instant only through an explicit zone or offset.
 *
 * Tokens: YYYY (4 digits), MMMM (January), MMM (Jan, Jan.), MM/M (1–2 digits), DD/D (1–2 digits),
 * HH/H (0–23), hh/h (1–12, needs A), mm, ss (2 digits), SSS (fraction, 1–9 digits), A (AM/PM, a.m.),
 * Z (`Z`, `+05:30`, `+0530`, `-08`). `T`, spaces and punctuation are literals; a space matches any run
 * of spaces. Input is trimmed first; month names are English and case-insensitive.
 */
import { makeLocalDate, type LocalDate } from '../local-date.js';

const TOKENS = ['YYYY', 'MMMM', 'MMM', 'MM', 'M', 'DD', 'D', 'HH', 'H', 'hh', 'h', 'mm', 'ss', 'SSS', 'A', 'Z'] as const;
type Token = (typeof TOKENS)[number];

const TOKEN_RE: Record<Token, string> = {
  YYYY: '(\\d{4})',
  MMMM: '([A-Za-z]{3,9})',
  MMM: '([A-Za-z]{3})\\.?',
  MM: '(\\d{1,2})',
  M: '(\\d{1,2})',
  DD: '(\\d{1,2})',
  D: '(\\d{1,2})',
  HH: '(\\d{1,2})',
  H: '(\\d{1,2})',
  hh: '(\\d{1,2})',
  h: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{1,9})',
  A: '([AaPp])\\.?[Mm]\\.?',
  Z: '(Z|z|[+-]\\d{2}(?::?\\d{2})?)',
};

const DATE_TOKENS = new Set<Token>(['YYYY', 'MMMM', 'MMM', 'MM', 'M', 'DD', 'D']);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Characters allowed as literals between tokens. */
const LITERAL = /[\s/.\-,:T]/;

/** Matches date-only format strings (used by the source schema for a first check). */
export const DATE_FORMAT_RE = /^(?:YYYY|MMMM|MMM|MM|M|DD|D|[ /.\-,])+$/;

/** Calendar parts read from a value. Time parts are present only when the format has them. */
export interface DateTimeParts {
  date: LocalDate;
  /** Minutes since local midnight (0 when the format has no time). */
  minuteOfDay: number;
  second: number;
  millisecond: number;
  hasTime: boolean;
  /** Offset from UTC in minutes when the value carried one (`Z` = 0). */
  offsetMinutes?: number;
}

export interface CompiledDateFormat {
  readonly format: string;
  readonly hasTime: boolean;
  /** Parts, or undefined when the value does not match or is not a real date/time. */
  parse(value: string): DateTimeParts | undefined;
}

function tokenize(format: string): (Token | { literal: string })[] {
  const out: (Token | { literal: string })[] = [];
  let i = 0;
  outer: while (i < format.length) {
    for (const t of TOKENS) {
      if (format.startsWith(t, i)) {
        out.push(t);
        i += t.length;
        continue outer;
      }
    }
    const ch = format[i]!;
    if (!LITERAL.test(ch)) throw new Error(`unknown token at "${format.slice(i)}" in date format "${format}"`);
    out.push({ literal: ch });
    i += 1;
  }
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

const cache = new Map<string, CompiledDateFormat>();

/**
 * Compiles a format. Throws an Error saying what is wrong when the format is invalid: unknown
 * letters, a missing year/month/day, `hh` without `A`, or (with `dateOnly`) any time token.
 */
export function compileDateFormat(format: string, dateOnly = false): CompiledDateFormat {
  const key = `${dateOnly ? 'd' : 't'}|${format}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const tokens = tokenize(format);
  const seen = tokens.filter((t): t is Token => typeof t === 'string');
  const has = (...ts: Token[]) => ts.some((t) => seen.includes(t));
  if (!has('YYYY') || !has('MMMM', 'MMM', 'MM', 'M') || !has('DD', 'D')) {
    throw new Error(`date format "${format}" needs a year (YYYY), a month (MM, M, MMM or MMMM) and a day (DD or D)`);
  }
  if (new Set(seen).size !== seen.length) throw new Error(`date format "${format}" repeats a token`);
  const hasTime = seen.some((t) => !DATE_TOKENS.has(t));
  if (dateOnly && hasTime) throw new Error(`date format "${format}" has time tokens; use a datetime converter`);
  if (has('hh', 'h') !== has('A')) throw new Error(`date format "${format}": 12-hour hh/h and A (AM/PM) go together`);
  if (hasTime && !has('HH', 'H', 'hh', 'h')) throw new Error(`date format "${format}" has minutes or seconds but no hour`);
  let src = '^';
  for (const t of tokens) src += typeof t === 'string' ? TOKEN_RE[t] : t.literal === ' ' ? '\\s+' : escapeRe(t.literal);
  const re = new RegExp(`${src}$`);
  const groups = seen;

  const compiled: CompiledDateFormat = {
    format,
    hasTime,
    parse(value: string): DateTimeParts | undefined {
      const m = re.exec(value.trim());
      if (!m) return undefined;
      let year = 0;
      let month = 0;
      let day = 0;
      let hour = 0;
      let minute = 0;
      let second = 0;
      let millisecond = 0;
      let pm: boolean | undefined;
      let offsetMinutes: number | undefined;
      for (let g = 0; g < groups.length; g++) {
        const v = m[g + 1]!;
        switch (groups[g]!) {
          case 'YYYY':
            year = Number(v);
            break;
          case 'MM':
          case 'M':
            month = Number(v);
            break;
          case 'MMM': {
            month = MONTHS.indexOf(v.toLowerCase()) + 1;
            if (month === 0) return undefined;
            break;
          }
          case 'MMMM': {
            const lower = v.toLowerCase();
            month = MONTHS_FULL.indexOf(lower) + 1;
            if (month === 0) month = MONTHS.indexOf(lower) + 1;
            if (month === 0) return undefined;
            break;
          }
          case 'DD':
          case 'D':
            day = Number(v);
            break;
          case 'HH':
          case 'H':
            hour = Number(v);
            if (hour > 23) return undefined;
            break;
          case 'hh':
          case 'h':
            hour = Number(v);
            if (hour < 1 || hour > 12) return undefined;
            break;
          case 'mm':
            minute = Number(v);
            if (minute > 59) return undefined;
            break;
          case 'ss':
            second = Number(v);
            if (second > 59) return undefined;
            break;
          case 'SSS':
            millisecond = Math.floor(Number(`0.${v}`) * 1000);
            break;
          case 'A':
            pm = v === 'p' || v === 'P';
            break;
          case 'Z': {
            if (v === 'Z' || v === 'z') offsetMinutes = 0;
            else {
              const sign = v[0] === '-' ? -1 : 1;
              const digits = v.slice(1).replace(':', '');
              const oh = Number(digits.slice(0, 2));
              const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
              if (oh > 18 || om > 59) return undefined;
              offsetMinutes = sign * (oh * 60 + om);
            }
            break;
          }
        }
      }
      if (pm !== undefined) hour = (hour % 12) + (pm ? 12 : 0);
      const date = makeLocalDate(year, month, day);
      if (date === undefined) return undefined;
      const parts: DateTimeParts = { date, minuteOfDay: hour * 60 + minute, second, millisecond, hasTime };
      if (offsetMinutes !== undefined) parts.offsetMinutes = offsetMinutes;
      return parts;
    },
  };
  cache.set(key, compiled);
  return compiled;
}

/** Undefined when `format` compiles, else the reason. */
export function dateFormatProblem(format: string, dateOnly: boolean): string | undefined {
  try {
    compileDateFormat(format, dateOnly);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Parses a local date with the first of `formats` that matches; undefined when none does. */
export function parseLocalDate(value: string, formats: readonly CompiledDateFormat[]): LocalDate | undefined {
  for (const f of formats) {
    const p = f.parse(value);
    if (p) return p.date;
  }
  return undefined;
}
