/**
 * Pay-period expressions → an inclusive range of local dates in the portal's time zone. "Today" is
 * the wall-clock date in `tz` at `nowMs`; everything after that is LocalDate arithmetic, so a DST
 * change never moves a boundary (see docs/zoho-api-notes.md#dates-and-times: host-zone Date parsing shifts days).
 */
import { ZpetlError } from '../core/errors.js';
import {
  addDays,
  addMonths,
  daysInMonth,
  diffDays,
  isLocalDate,
  isValidTimeZone,
  startOfWeek,
  zonedParts,
  type LocalDate,
} from '../core/local-date.js';
import type { PayPeriodRule } from './config-schema.js';

export interface Period {
  start: LocalDate;
  /** Inclusive. */
  end: LocalDate;
  /** What the user asked for (`last-week`, a rule name, or the range itself). */
  label: string;
}

export interface ResolvePeriodOptions {
  nowMs: number;
  tz: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekStart: number;
  rules?: Record<string, PayPeriodRule>;
}

const invalid = (expr: string, why: string) =>
  new ZpetlError('PAYROLL_INVALID_PERIOD', `invalid period "${expr}": ${why}`, {
    field: 'period',
    value: expr,
    hint: 'Use START..END (2026-11-01..2026-11-15), yesterday, last-week, this-week, this-month, last-month, or a rule name from payroll.periods.',
  });

function monthStart(d: LocalDate): LocalDate {
  return `${d.slice(0, 8)}01`;
}
function monthEnd(d: LocalDate): LocalDate {
  const [y, m] = d.split('-').map(Number) as [number, number];
  return `${d.slice(0, 8)}${String(daysInMonth(y, m)).padStart(2, '0')}`;
}

/** The period of `rule` containing `day`. */
function ruleContaining(rule: PayPeriodRule, day: LocalDate, weekStart: number): { start: LocalDate; end: LocalDate } {
  switch (rule.type) {
    case 'weekly': {
      const start = startOfWeek(day, weekStart);
      return { start, end: addDays(start, 6) };
    }
    case 'biweekly': {
      const offset = ((diffDays(rule.anchor, day) % 14) + 14) % 14;
      const start = addDays(day, -offset);
      return { start, end: addDays(start, 13) };
    }
    case 'semi-monthly': {
      const dom = Number(day.slice(8));
      return dom <= 15 ? { start: monthStart(day), end: `${day.slice(0, 8)}15` } : { start: `${day.slice(0, 8)}16`, end: monthEnd(day) };
    }
    case 'monthly':
      return { start: monthStart(day), end: monthEnd(day) };
  }
}

/** Today's date in `tz`. */
export function todayIn(nowMs: number, tz: string): LocalDate {
  return zonedParts(nowMs, tz).date;
}

/**
 * Resolves a period expression:
 *  - `YYYY-MM-DD..YYYY-MM-DD` (inclusive), or a single `YYYY-MM-DD`;
 *  - `yesterday`, `today`;
 *  - `last-week` / `this-week` (full weeks from `weekStart`);
 *  - `last-month` / `this-month` (full calendar months; future days simply have no logs);
 *  - a rule name from `rules`.
 */
export function resolvePeriod(expr: string, o: ResolvePeriodOptions): Period {
  if (!isValidTimeZone(o.tz)) throw invalid(expr, `unknown time zone "${o.tz}"`);
  const e = expr.trim();
  const range = /^(\S+)\.\.(\S+)$/.exec(e);
  if (range) {
    const [, a, b] = range as unknown as [string, string, string];
    if (!isLocalDate(a)) throw invalid(expr, `start "${a}" is not a real date YYYY-MM-DD`);
    if (!isLocalDate(b)) throw invalid(expr, `end "${b}" is not a real date YYYY-MM-DD`);
    if (b < a) throw invalid(expr, 'end is before start');
    return { start: a, end: b, label: `${a}..${b}` };
  }
  if (isLocalDate(e)) return { start: e, end: e, label: e };
  const today = todayIn(o.nowMs, o.tz);
  switch (e) {
    case 'today':
      return { start: today, end: today, label: e };
    case 'yesterday': {
      const y = addDays(today, -1);
      return { start: y, end: y, label: e };
    }
    case 'this-week': {
      const s = startOfWeek(today, o.weekStart);
      return { start: s, end: addDays(s, 6), label: e };
    }
    case 'last-week': {
      const s = addDays(startOfWeek(today, o.weekStart), -7);
      return { start: s, end: addDays(s, 6), label: e };
    }
    case 'this-month':
      return { start: monthStart(today), end: monthEnd(today), label: e };
    case 'last-month': {
      const d = addMonths(monthStart(today), -1);
      return { start: d, end: monthEnd(d), label: e };
    }
  }
  const rule = o.rules?.[e];
  if (!rule) {
    const names = Object.keys(o.rules ?? {});
    throw invalid(expr, names.length ? `no such rule; rules defined: ${names.join(', ')}` : 'not a range, a keyword or a defined rule');
  }
  const current = ruleContaining(rule, today, o.weekStart);
  const chosen = rule.select === 'current' ? current : ruleContaining(rule, addDays(current.start, -1), o.weekStart);
  return { ...chosen, label: e };
}
