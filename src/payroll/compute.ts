/**
 * The arithmetic, on integer minutes only. Steps, in this order:
 *  1. a user's logs of one day summing to more than 24 h (source minutes) are all rejected with
 *     ROW_DAY_OVER_24H: no single one of them can be trusted, and none is paid until fixed;
 *  2. employees are resolved; users without an employee id are reported (kept or rejected by option);
 *  3. rows are sorted (see `compareRows`) and rounded (see rounding.ts);
 *  4. overtime is allocated per employee, day by day in date order and within a day in row order:
 *     - daily rule: minutes of a day beyond `dailyOverMinutes` are daily overtime;
 *     - weekly rule: within a week (weeks start on `weekStart`, dates are portal-zone LocalDates),
 *       regular minutes beyond `weeklyOverMinutes` are weekly overtime. Precedence when both apply:
 *       the daily rule runs first and the weekly rule counts only the minutes still regular, so no
 *       minute is overtime twice (regular + daily + weekly = paid, always).
 *     Weeks are clipped to the pay period: only the period's days count towards a week's total, so
 *     weekly overtime is exact when periods start on the week start (a warning says so otherwise).
 * A 0-minute log is kept: it is listed and contributes 0.
 */
import { startOfWeek, type LocalDate } from '../core/local-date.js';
import type { RowError } from '../core/record.js';
import type { Overtime, Rounding } from './config-schema.js';
import type { PayrollLog } from './payroll-log.js';
import { roundDay } from './rounding.js';

export interface Employee {
  employeeId: string;
  name: string;
}

/** Finds the employee of a log's user; undefined when the user has no employee id. */
export type EmployeeResolver = (log: PayrollLog) => Employee | undefined;

export interface PayrollRow {
  log: PayrollLog;
  /** '' when the user has no employee id (reported). */
  employeeId: string;
  employeeName: string;
  weekStart: LocalDate;
  /** After rounding. paid = regular + dailyOvertime + weeklyOvertime. */
  paid: number;
  regular: number;
  dailyOvertime: number;
  weeklyOvertime: number;
}

export interface ComputeOptions {
  rounding: Rounding;
  overtime: Overtime;
  weekStart: number;
  unmappedUsers: 'keep' | 'reject';
}

export interface UnmappedUser {
  userId: string;
  email: string;
  name: string;
  logs: number;
  minutes: number;
}

export interface ComputeResult {
  rows: PayrollRow[];
  rejected: { log: PayrollLog; error: RowError }[];
  unmapped: UnmappedUser[];
}

/** Compares ids: numeric strings by value (19-digit ids never go through Number), others as text. */
export { compareIds } from '../core/ids.js';

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The identity of the person who logged (zpuid, else email, else name). */
export function userKey(l: PayrollLog): string {
  return l.who;
}

/**
 * A sortable form of an id: numeric ids (up to 60 digits) as their length (one character) + digits,
 * so `<` orders them by value without padding; other ids after every numeric one, as text.
 */
export function idKey(s: string): string {
  let numeric = s.length > 0 && s.length <= 60;
  for (let i = 0; numeric && i < s.length; i++) {
    const c = s.charCodeAt(i);
    numeric = c >= 48 && c <= 57;
  }
  return numeric ? `${String.fromCharCode(48 + s.length)}${s}` : `~${s}`;
}

/**
 * Output order of log rows: employee id (rows without one last, by email then zpuid), then date,
 * project id, project name, task id, log id. Stable for the same input whatever order Zoho returned
 * it in. Computed once per row as one string compared with `<` (fast for 100k rows).
 */
export function rowSortKey(r: Pick<PayrollRow, 'employeeId' | 'log'>): string {
  const l = r.log;
  const who = r.employeeId ? `0${idKey(r.employeeId)}` : `1\u0000${l.email.toLowerCase()}\u0000${userKey(l)}`;
  return `${who}\u0000${l.date}\u0000${idKey(l.projectId)}\u0000${l.projectName}\u0000${idKey(l.taskId)}\u0000${idKey(l.id)}`;
}

export function compareRows(a: PayrollRow, b: PayrollRow): number {
  return text(rowSortKey(a), rowSortKey(b));
}

/** Ranks of distinct values in `<` order: each value's position among them. */
function ranks(values: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  [...new Set(values)].sort(text).forEach((v, n) => out.set(v, n));
  return out;
}

/**
 * Sorts `rows` in place into `rowSortKey` order and returns each row's personKey, in the new order.
 * Cheaper than comparing 100,000 built key strings: every component but the log id repeats, so each
 * distinct person, date, project (id key + name) and task id key is ranked once, and a row compares
 * as two numbers (person·date, project·task) and only then by its log id key. The same order as
 * compareRows (test/unit/payroll/compute.test.ts checks it).
 */
function sortRows(rows: PayrollRow[]): string[] {
  const n = rows.length;
  // employee id → [person part of rowSortKey, personKey]; rows without one (few) are built per row
  const employees = new Map<string, [string, string]>();
  const whoParts: string[] = new Array(n);
  const persons: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (r.employeeId) {
      let e = employees.get(r.employeeId);
      if (e === undefined) employees.set(r.employeeId, (e = [`0${idKey(r.employeeId)}`, personKey(r)]));
      whoParts[i] = e[0];
      persons[i] = e[1];
    } else {
      whoParts[i] = `1\u0000${r.log.email.toLowerCase()}\u0000${userKey(r.log)}`;
      persons[i] = personKey(r);
    }
  }
  const personRank = ranks(whoParts);
  const dateRank = ranks(rows.map((r) => r.log.date));
  // projects: by id key, then name (a project id → its names → rank)
  const idKeys = new Map<string, string>();
  const cachedIdKey = (id: string) => {
    let k = idKeys.get(id);
    if (k === undefined) idKeys.set(id, (k = idKey(id)));
    return k;
  };
  const projectPairs = new Map<string, Map<string, number>>();
  for (const r of rows) {
    let names = projectPairs.get(r.log.projectId);
    if (!names) projectPairs.set(r.log.projectId, (names = new Map()));
    names.set(r.log.projectName, 0);
  }
  const pairs: [string, string, Map<string, number>][] = [];
  for (const [id, names] of projectPairs) for (const name of names.keys()) pairs.push([cachedIdKey(id), name, names]);
  pairs.sort((a, b) => text(a[0], b[0]) || text(a[1], b[1]));
  pairs.forEach(([, name, names], k) => names.set(name, k));
  const taskRank = ranks(rows.map((r) => cachedIdKey(r.log.taskId)));
  const SCALE = 2 ** 24;
  const major = new Float64Array(n);
  const minor = new Float64Array(n);
  const logKeys: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const l = rows[i]!.log;
    major[i] = personRank.get(whoParts[i]!)! * SCALE + dateRank.get(l.date)!;
    minor[i] = projectPairs.get(l.projectId)!.get(l.projectName)! * SCALE + taskRank.get(cachedIdKey(l.taskId))!;
    logKeys[i] = idKey(l.id);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => major[a]! - major[b]! || minor[a]! - minor[b]! || text(logKeys[a]!, logKeys[b]!));
  const sorted = order.map((i) => rows[i]!);
  for (let i = 0; i < n; i++) rows[i] = sorted[i]!;
  return order.map((i) => persons[i]!);
}

/** The person overtime is computed for: the employee when mapped, else the Zoho user. */
function personKey(r: PayrollRow): string {
  return r.employeeId ? `emp:${r.employeeId}` : userKey(r.log);
}

export function computeRows(logs: readonly PayrollLog[], resolve: EmployeeResolver, o: ComputeOptions): ComputeResult {
  const rejected: ComputeResult['rejected'] = [];
  // 1. more than 24 h per user per day
  const dayTotals = new Map<string, Map<string, number>>();
  for (const l of logs) {
    let days = dayTotals.get(l.who);
    if (!days) dayTotals.set(l.who, (days = new Map()));
    days.set(l.date, (days.get(l.date) ?? 0) + l.minutes);
  }
  const unmapped = new Map<string, UnmappedUser>();
  const rows: PayrollRow[] = [];
  const weeks = new Map<string, LocalDate>();
  const weekOf = (d: LocalDate) => {
    let w = weeks.get(d);
    if (w === undefined) weeks.set(d, (w = startOfWeek(d, o.weekStart)));
    return w;
  };
  for (const l of logs) {
    const total = dayTotals.get(l.who)!.get(l.date)!;
    if (total > 1440) {
      rejected.push({
        log: l,
        error: {
          code: 'ROW_DAY_OVER_24H',
          message: `${l.email || l.userName || l.userId} logged ${Math.floor(total / 60)}h${String(total % 60).padStart(2, '0')} on ${l.date}, more than 24 hours; all of that day's logs are held back`,
          field: 'log_hour',
          value: `log ${l.id}: ${l.minutes} min`,
          pos: l.pos,
        },
      });
      continue;
    }
    // 2. employees
    const emp = resolve(l);
    if (!emp) {
      const k = userKey(l);
      const u = unmapped.get(k) ?? { userId: l.userId, email: l.email, name: l.userName, logs: 0, minutes: 0 };
      u.logs++;
      u.minutes += l.minutes;
      unmapped.set(k, u);
      if (o.unmappedUsers === 'reject') {
        rejected.push({
          log: l,
          error: { code: 'ROW_NO_EMPLOYEE_ID', message: `no employee id for ${l.email || l.userName || l.userId}`, field: 'owner', value: l.email || l.userId, pos: l.pos },
        });
        continue;
      }
    }
    rows.push({
      log: l,
      employeeId: emp?.employeeId ?? '',
      employeeName: emp?.name || l.userName,
      weekStart: weekOf(l.date),
      paid: l.minutes,
      regular: l.minutes,
      dailyOvertime: 0,
      weeklyOvertime: 0,
    });
  }
  // 3. order, then rounding per employee-day
  const persons = sortRows(rows);
  const daily = o.overtime.dailyOverMinutes;
  const weekly = o.overtime.weeklyOverMinutes;
  // rows are grouped by person and sorted by date within a person (compareRows puts person first)
  let i = 0;
  let weekKey = '';
  let weekRegular = 0;
  while (i < rows.length) {
    const first = rows[i]!;
    const pk = persons[i]!;
    let j = i;
    while (j < rows.length && persons[j] === pk && rows[j]!.log.date === first.log.date) j++;
    const paid = o.rounding.mode === 'none' ? undefined : roundDay(rows.slice(i, j).map((r) => r.log.minutes), o.rounding);
    const wk = `${pk}|${first.weekStart}`;
    if (wk !== weekKey) {
      weekKey = wk;
      weekRegular = 0;
    }
    let dayRegular = 0;
    for (let n = 0; n < j - i; n++) {
      const r = rows[i + n]!;
      const m = paid ? paid[n]! : r.log.minutes;
      r.paid = m;
      const dayRoom = daily === undefined ? m : Math.max(0, Math.min(m, daily - dayRegular));
      r.dailyOvertime = m - dayRoom;
      dayRegular += dayRoom;
      const weekRoom = weekly === undefined ? dayRoom : Math.max(0, Math.min(dayRoom, weekly - weekRegular));
      r.weeklyOvertime = dayRoom - weekRoom;
      weekRegular += weekRoom;
      r.regular = weekRoom;
    }
    i = j;
  }
  return { rows, rejected, unmapped: [...unmapped.values()].sort((a, b) => text(a.email, b.email) || text(a.userId, b.userId)) };
}
