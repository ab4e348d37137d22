/**
 * Local dates and wall-clock times without JS `Date` read in the host's zone.
 *
 * A local date is a `YYYY-MM-DD` string. Arithmetic goes through a day number (days since
 * 1970-01-01, proleptic Gregorian) computed with UTC-only calls, so the host's TZ never matters.
 * Conversions between an instant and a wall clock in a named IANA zone use Intl, which handles DST.
 */

/** `YYYY-MM-DD` */
export type LocalDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date in `YYYY-MM-DD` form. */
export function isLocalDate(s: string): s is LocalDate {
  // Character codes, not DATE_RE and three Numbers: every date of every row is checked here.
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/** The number written by the `n` ASCII digits of `s` from `at`, or -1 when one is not a digit. */
export function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export function daysInMonth(year: number, month: number): number {
  // Arithmetic for the usual case (every date checked goes through here, no Date per call). Date.UTC reads
  // years 0–99 as 1900–1999, and other months roll over: those keep the Date answer.
  if (Number.isInteger(year) && year >= 100 && Number.isInteger(month) && month >= 1 && month <= 12) {
    if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
    return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  }
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Builds a LocalDate from parts, or undefined when the parts are not a real date. */
export function makeLocalDate(year: number, month: number, day: number): LocalDate | undefined {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return undefined;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 for a LocalDate. */
export function toDayNumber(d: LocalDate): number {
  const m = DATE_RE.exec(d);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${d}`);
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
}

export function fromDayNumber(n: number): LocalDate {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

export function addDays(d: LocalDate, days: number): LocalDate {
  return fromDayNumber(toDayNumber(d) + days);
}

/** Whole days from a to b (b - a). */
export function diffDays(a: LocalDate, b: LocalDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/** Adds calendar months, clamping the day to the month's end (2026-01-31 + 1 month = 2026-02-28). */
export function addMonths(d: LocalDate, months: number): LocalDate {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  return makeLocalDate(ny, nm, Math.min(day, daysInMonth(ny, nm)))!;
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(d: LocalDate): number {
  return (((toDayNumber(d) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** The first day of the week containing `d`, for a week starting on `weekStart` (0 = Sunday). */
export function startOfWeek(d: LocalDate, weekStart: number): LocalDate {
  const back = (dayOfWeek(d) - weekStart + 7) % 7;
  return addDays(d, -back);
}

export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Wall-clock parts of an instant in an IANA zone. */
export interface ZonedParts {
  date: LocalDate;
  hour: number;
  minute: number;
  second: number;
  /** Minutes since local midnight. */
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA zone Intl knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `tz` at instant `epochMs`. */
export function zonedParts(epochMs: number, tz: string): ZonedParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const date = makeLocalDate(parts.year!, parts.month!, parts.day!)!;
  const hour = parts.hour! % 24;
  return { date, hour, minute: parts.minute!, second: parts.second!, minuteOfDay: hour * 60 + parts.minute! };
}

/** Offset of `tz` from UTC at `epochMs`, in minutes (Berlin in winter = +60). */
export function zoneOffsetMinutes(epochMs: number, tz: string): number {
  const p = zonedParts(epochMs, tz);
  const asUtc = toDayNumber(p.date) * 86_400_000 + (p.minuteOfDay * 60 + p.second) * 1000;
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the wall clock in `tz` shows `date` + `minuteOfDay`. In a DST gap (the wall
 * time does not exist) the time is shifted forward by the gap's length (02:30 on a 02:00→03:00 night
 * gives 03:30, as Temporal's 'compatible' disambiguation does); in an overlap, the earlier instant.
 */
export function zonedToEpoch(date: LocalDate, minuteOfDay: number, tz: string): number {
  const wall = toDayNumber(date) * 86_400_000 + minuteOfDay * 60_000;
  // Two passes converge for every real zone; the candidates cover both sides of a transition.
  const candidates = new Set<number>();
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) {
    const off = zoneOffsetMinutes(probe, tz);
    candidates.add(wall - off * 60_000);
  }
  const exact = [...candidates].filter((t) => {
    const p = zonedParts(t, tz);
    return p.date === date && p.minuteOfDay === minuteOfDay;
  });
  if (exact.length > 0) return Math.min(...exact);
  // In a gap: the candidate computed with the pre-gap offset lands past the gap by the requested amount.
  return Math.max(...candidates);
}

/** `HH:MM` → minutes since midnight, or undefined. Accepts 24:00 as 1440. */
export function parseHhMm(s: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (mi > 59 || h > 24 || (h === 24 && mi !== 0)) return undefined;
  return h * 60 + mi;
}

/** Minutes → `HH:MM` (hours may exceed 24). */
export function formatHhMm(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const abs = Math.abs(Math.round(minutes));
  return `${sign}${twoDigits(Math.floor(abs / 60))}:${twoDigits(abs % 60)}`;
}

/** A non-negative integer with at least two digits (padStart's result without a String per part: every time log's hours go through it). */
const twoDigits = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
