/**
 * Date and date-time formats (`DD/MM/YYYY`, `YYYY-MM-DD HH:mm`, `DD/MMM/YY h:mm A` …) compiled to a
 * regular expression once, then matched per value. Parsing yields calendar parts, never a JS `Date`
 * read in the host's zone (docs/zoho-api-notes.md#dates-and-times): a date stays `YYYY-MM-DD`, and a
 * date-time becomes an instant only through an explicit zone or offset.
 *
 * Tokens: YYYY (4 digits), YY (2 digits, expanded with a pivot: see {@link expandTwoDigitYear}),
 * MMMM (January), MMM (Jan, Jan.), MM/M (1–2 digits), DD/D (1–2 digits), HH/H (0–23), hh/h (1–12,
 * needs A), mm, ss (2 digits), SSS (fraction, 1–9 digits), A (AM/PM, a.m.), Z (`Z`, `+05:30`,
 * `+0530`, `-08`). `T`, spaces and punctuation are literals; a space matches any run of spaces.
 * Input is trimmed first; month names are English and case-insensitive. Only real dates match
 * (`30/02/2026` does not).
 */
import { digitsAt, isLocalDate, makeLocalDate, type LocalDate } from '../local-date.js';

const TOKENS = ['YYYY', 'YY', 'MMMM', 'MMM', 'MM', 'M', 'DD', 'D', 'HH', 'H', 'hh', 'h', 'mm', 'ss', 'SSS', 'A', 'Z'] as const;
type Token = (typeof TOKENS)[number];

const TOKEN_RE: Record<Token, string> = {
  YYYY: '(\\d{4})',
  YY: '(\\d{2})',
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

/** Tokens that say the same thing: a format may use one of each group. */
const YEAR: readonly Token[] = ['YYYY', 'YY'];
const MONTH: readonly Token[] = ['MMMM', 'MMM', 'MM', 'M'];
const DAY: readonly Token[] = ['DD', 'D'];
const HOUR: readonly Token[] = ['HH', 'H', 'hh', 'h'];
const DATE_TOKENS = new Set<Token>([...YEAR, ...MONTH, ...DAY]);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Characters allowed as literals between tokens. */
const LITERAL = /[\s/.\-,:T]/;

/** Matches date-only format strings (used by the source schema for a first check). */
export const DATE_FORMAT_RE = /^(?:YYYY|YY|MMMM|MMM|MM|M|DD|D|[ /.\-,])+$/;

/**
 * The default pivot for two-digit years, as POSIX strptime's `%y`: 69–99 → 1969–1999, 00–68 → 2000–2068.
 * The one home of this number: converters and the reference import it.
 */
export const DEFAULT_YEAR_PIVOT = 69;

/**
 * A two-digit year `yy` (0–99) as a full year: `yy >= pivot` → 19yy, else 20yy. Pivot 0 puts every
 * year in the 1900s, pivot 100 every year in the 2000s; the default {@link DEFAULT_YEAR_PIVOT} is 69.
 */
export function expandTwoDigitYear(yy: number, pivot: number = DEFAULT_YEAR_PIVOT): number {
  return yy >= pivot ? 1900 + yy : 2000 + yy;
}

/** Options of a compiled format. */
export interface DateFormatOptions {
  /** Pivot for `YY` (see {@link expandTwoDigitYear}); default {@link DEFAULT_YEAR_PIVOT}. */
  pivot?: number;
}

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

/** The parts of a time format's value: the date only when the format has one. */
export type TimeParts = Omit<DateTimeParts, 'date' | 'hasTime'> & { date?: LocalDate };

export interface CompiledDateFormat {
  readonly format: string;
  readonly hasTime: boolean;
  /** Parts, or undefined when the value does not match or is not a real date/time. */
  parse(value: string): DateTimeParts | undefined;
}

export interface CompiledTimeFormat {
  readonly format: string;
  /** Parts, or undefined when the value does not match or is not a real time (and date, when it has one). */
  parse(value: string): TimeParts | undefined;
}

type Piece = Token | { literal: string };

function tokenize(format: string): Piece[] {
  const out: Piece[] = [];
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
    if (!LITERAL.test(ch)) {
      // A token in the wrong case (`a` for AM/PM, `yyyy`) is the usual slip: name the right one.
      const close = TOKENS.find((t) => format.slice(i, i + t.length).toLowerCase() === t.toLowerCase());
      throw new Error(`unknown token at "${format.slice(i)}" in date format "${format}"${close === undefined ? '' : `; did you mean "${close}"?`}`);
    }
    out.push({ literal: ch });
    i += 1;
  }
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** What a format may contain: a date only, a date with or without a time, or a time with or without a date. */
type FormatKind = 'date-only' | 'date' | 'time';

interface Matcher {
  re: RegExp;
  groups: Token[];
  hasDate: boolean;
  hasTime: boolean;
}

/** Tokenizes and checks a format; throws an Error saying what is wrong. */
function buildMatcher(format: string, kind: FormatKind): Matcher {
  const tokens = tokenize(format);
  const seen = tokens.filter((t): t is Token => typeof t === 'string');
  const count = (group: readonly Token[]) => seen.filter((t) => group.includes(t)).length;
  if (new Set(seen).size !== seen.length || [YEAR, MONTH, DAY, HOUR].some((g) => count(g) > 1)) throw new Error(`date format "${format}" repeats a token`);
  const hasDate = seen.some((t) => DATE_TOKENS.has(t));
  const hasTime = seen.some((t) => !DATE_TOKENS.has(t));
  const fullDate = count(YEAR) === 1 && count(MONTH) === 1 && count(DAY) === 1;
  if ((kind !== 'time' || hasDate) && !fullDate) {
    throw new Error(`date format "${format}" needs a year (YYYY or YY), a month (MM, M, MMM or MMMM) and a day (DD or D)`);
  }
  if (kind === 'date-only' && hasTime) throw new Error(`date format "${format}" has time tokens; it takes a date only`);
  if (seen.some((t) => t === 'hh' || t === 'h') !== seen.includes('A')) throw new Error(`date format "${format}": 12-hour hh/h and A (AM/PM) go together`);
  if (hasTime && count(HOUR) === 0) throw new Error(`date format "${format}" has minutes or seconds but no hour`);
  if (kind === 'time' && !hasTime) throw new Error(`time format "${format}" has no hour (HH, H, hh or h)`);
  if (kind === 'time' && !hasDate && seen.includes('Z')) {
    throw new Error(`time format "${format}" has an offset (Z) but no date: converting a time across zones needs its date`);
  }
  let src = '^';
  for (const t of tokens) src += typeof t === 'string' ? TOKEN_RE[t] : t.literal === ' ' ? '\\s+' : escapeRe(t.literal);
  return { re: new RegExp(`${src}$`), groups: seen, hasDate, hasTime };
}

interface RawParts {
  year: number;
  month: number;
  day: number;
  minuteOfDay: number;
  second: number;
  millisecond: number;
  offsetMinutes?: number;
}

/** Reads one match into numbers; undefined when a part is out of range. The date is checked by the caller. */
function readParts(m: RegExpExecArray, groups: readonly Token[], pivot: number): RawParts | undefined {
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
      case 'YY':
        year = expandTwoDigitYear(Number(v), pivot);
        break;
      case 'MM':
      case 'M':
        month = Number(v);
        break;
      case 'MMM':
        month = MONTHS.indexOf(v.toLowerCase()) + 1;
        if (month === 0) return undefined;
        break;
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
  const parts: RawParts = { year, month, day, minuteOfDay: hour * 60 + minute, second, millisecond };
  if (offsetMinutes !== undefined) parts.offsetMinutes = offsetMinutes;
  return parts;
}

function timeOf(raw: RawParts): TimeParts {
  const parts: TimeParts = { minuteOfDay: raw.minuteOfDay, second: raw.second, millisecond: raw.millisecond };
  if (raw.offsetMinutes !== undefined) parts.offsetMinutes = raw.offsetMinutes;
  return parts;
}

const cache = new Map<string, CompiledDateFormat>();
const timeCache = new Map<string, CompiledTimeFormat>();

/**
 * Compiles a date format (time tokens allowed unless `dateOnly`). Throws an Error saying what is
 * wrong when the format is invalid: unknown letters, a missing or repeated year/month/day, `hh`
 * without `A`, minutes without an hour, or (with `dateOnly`) any time token.
 */
export function compileDateFormat(format: string, dateOnly = false, options: DateFormatOptions = {}): CompiledDateFormat {
  const pivot = options.pivot ?? DEFAULT_YEAR_PIVOT;
  const key = `${dateOnly ? 'd' : 't'}|${pivot}|${format}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { re, groups, hasTime } = buildMatcher(format, dateOnly ? 'date-only' : 'date');
  // `YYYY-MM-DD` itself: a value in that exact form (year 0001 on) needs no regex (parse's fast path).
  const iso = format === 'YYYY-MM-DD';
  const compiled: CompiledDateFormat = {
    format,
    hasTime,
    parse(value: string): DateTimeParts | undefined {
      // An ISO date under the ISO format (most sources): the value is already the LocalDate.
      if (iso && isLocalDate(value) && digitsAt(value, 0, 4) >= 1) {
        return { date: value, minuteOfDay: 0, second: 0, millisecond: 0, hasTime };
      }
      const m = re.exec(value.trim());
      const raw = m ? readParts(m, groups, pivot) : undefined;
      if (raw === undefined) return undefined;
      const date = makeLocalDate(raw.year, raw.month, raw.day);
      if (date === undefined) return undefined;
      const parts: DateTimeParts = { date, minuteOfDay: raw.minuteOfDay, second: raw.second, millisecond: raw.millisecond, hasTime };
      if (raw.offsetMinutes !== undefined) parts.offsetMinutes = raw.offsetMinutes;
      return parts;
    },
  };
  cache.set(key, compiled);
  return compiled;
}

/**
 * Compiles a time format: a time alone (`HH:mm`, `h:mm A`) or a date-time whose time is wanted
 * (`DD/MMM/YY h:mm A`). Throws like {@link compileDateFormat}, and also for a format without an hour
 * or with an offset (`Z`) but no date (a time changes zone only together with its date).
 */
export function compileTimeFormat(format: string, options: DateFormatOptions = {}): CompiledTimeFormat {
  const pivot = options.pivot ?? DEFAULT_YEAR_PIVOT;
  const key = `${pivot}|${format}`;
  const hit = timeCache.get(key);
  if (hit) return hit;
  const { re, groups, hasDate } = buildMatcher(format, 'time');
  const compiled: CompiledTimeFormat = {
    format,
    parse(value: string): TimeParts | undefined {
      const m = re.exec(value.trim());
      const raw = m ? readParts(m, groups, pivot) : undefined;
      if (raw === undefined) return undefined;
      const parts = timeOf(raw);
      if (!hasDate) return parts;
      const date = makeLocalDate(raw.year, raw.month, raw.day);
      if (date === undefined) return undefined;
      parts.date = date;
      return parts;
    },
  };
  timeCache.set(key, compiled);
  return compiled;
}

/** Undefined when `format` compiles as a date format, else the reason. */
export function dateFormatProblem(format: string, dateOnly: boolean): string | undefined {
  return problemOf(() => compileDateFormat(format, dateOnly));
}

/** Undefined when `format` compiles as a time format (see {@link compileTimeFormat}), else the reason. */
export function timeFormatProblem(format: string): string | undefined {
  return problemOf(() => compileTimeFormat(format));
}

function problemOf(compile: () => unknown): string | undefined {
  try {
    compile();
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
