/**
 * Durations to whole minutes. The format is always stated by the pipeline: `1.30` is 90 minutes in
 * Zoho's hours.minutes notation and 78 minutes as decimal hours, and no value tells which
 * (docs/zoho-api-notes.md#time-logs-and-timesheets).
 */

import { digitsAt } from '../local-date.js';

/** `hh:mm` 1:30, 01:30, 100:00, 1:30:00 · `h.mm` 1.30 = 1 h 30 min (.60+ invalid) · `decimal` 1.5 or 1,5 · `units` 1h 30m, 90 min, 1.5 hours. */
export const DURATION_FORMATS = ['hh:mm', 'h.mm', 'decimal', 'units'] as const;
export type DurationFormat = (typeof DURATION_FORMATS)[number];

/** The formats a Zoho timesheet export's hours column can be in (a pipeline states which). */
export const HOURS_FORMATS = ['hh:mm', 'h.mm', 'decimal'] as const satisfies readonly DurationFormat[];
export type HoursFormat = (typeof HOURS_FORMATS)[number];

export type DurationResult = { ok: true; minutes: number } | { ok: false; problem: string };

const HHMM = /^(\d{1,4}):([0-5]\d)(?::([0-5]\d))?$/;
const HDOTMM = /^(\d{0,4})(?:\.(\d*))?$/;
const DECIMAL = /^(\d{0,5})(?:[.,](\d+))?$/;
const UNIT = /(\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m)\b/gy;

const bad = (problem: string): DurationResult => ({ ok: false, problem });
const good = (minutes: number): DurationResult => ({ ok: true, minutes });

/** `h:mm` or `hh:mm` (minutes 00–59) by character codes, as HHMM reads it; undefined for any other form (then HHMM decides). */
function shortHhMm(v: string): number | undefined {
  const n = v.length;
  if ((n !== 4 && n !== 5) || v.charCodeAt(n - 3) !== 58) return undefined;
  const h = digitsAt(v, 0, n - 3);
  const m = digitsAt(v, n - 2, 2);
  return h < 0 || m < 0 || m > 59 ? undefined : h * 60 + m;
}

/**
 * Parses a duration in `format` to integer minutes (≥ 0). Seconds in `hh:mm:ss` and fractions of a
 * minute in decimal/units are rounded to the nearest minute. Empty input is a problem: callers
 * decide about missing values before parsing.
 */
export function parseDuration(raw: string, format: DurationFormat): DurationResult {
  const value = raw.trim();
  if (value === '') return bad('empty duration');
  switch (format) {
    case 'hh:mm': {
      const fast = shortHhMm(value);
      if (fast !== undefined) return good(fast);
      const m = HHMM.exec(value);
      if (!m) return bad(`expected hours:minutes such as 1:30 or 01:30 (minutes 00–59), got "${value}"`);
      return good(Number(m[1]) * 60 + Number(m[2]) + (m[3] !== undefined && Number(m[3]) >= 30 ? 1 : 0));
    }
    case 'h.mm': {
      const m = HDOTMM.exec(value);
      if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) {
        return bad(`expected hours.minutes such as 1.30 (= 1 h 30 min), got "${value}"`);
      }
      const hours = m[1] === '' ? 0 : Number(m[1]);
      const frac = m[2] ?? '';
      if (frac === '') return good(hours * 60);
      if (frac.length !== 2) {
        return bad(`"${value}" is ambiguous in hours.minutes: write the minutes as two digits (1.30 = 1 h 30 min, 1.03 = 1 h 3 min)`);
      }
      const minutes = Number(frac);
      if (minutes > 59) return bad(`"${value}" has ${minutes} minutes: hours.minutes allows .00–.59 (is the file in decimal hours?)`);
      return good(hours * 60 + minutes);
    }
    case 'decimal': {
      const m = DECIMAL.exec(value);
      if (!m || (m[1] === '' && m[2] === undefined)) return bad(`expected decimal hours such as 1.5 or 1,5, got "${value}"`);
      const hours = Number(`${m[1] === '' ? '0' : m[1]}.${m[2] ?? '0'}`);
      return good(Math.round(hours * 60));
    }
    case 'units': {
      let total = 0;
      let matched = 0;
      let pos = 0;
      const text = value.toLowerCase();
      for (;;) {
        while (pos < text.length && text[pos] === ' ') pos++;
        if (pos >= text.length) break;
        UNIT.lastIndex = pos;
        const m = UNIT.exec(text);
        if (!m) return bad(`expected a duration such as 1h 30m, 90 min or 1.5 hours, got "${value}"`);
        const n = Number(m[1]!.replace(',', '.'));
        total += m[2]!.startsWith('h') ? n * 60 : n;
        matched++;
        pos = UNIT.lastIndex;
      }
      if (matched === 0) return bad(`expected a duration such as 1h 30m, got "${value}"`);
      return good(Math.round(total));
    }
  }
}
