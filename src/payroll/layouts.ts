/**
 * CSV layouts. Built-in `detail` (one row per log) and `summary` (one row per employee per period);
 * custom layouts come from the pipeline file (config-schema.ts CUSTOM_LAYOUT_SCHEMA) and pick fields
 * from a documented set. Every duration cell derives from the same per-log paid minutes, so every
 * layout sums to the same totals.
 *
 * Formula injection: see `neutralise` (a `'` before a formula character at the start of a text cell
 * and after every line break inside it). Durations are formatted by us and never neutralised (an
 * adjustment's "-1.50" stays a number).
 */
import { ZpetlError } from '../core/errors.js';
import { formatHhMm, type LocalDate } from '../core/local-date.js';
import type { CustomLayout, DurationField, DurationFormat } from './config-schema.js';
import { DURATION_FIELDS } from './config-schema.js';
import { compareIds, userKey, type PayrollRow } from './compute.js';
import { csvCell } from '../core/csv-cell.js';

export interface LayoutColumn {
  header: string;
  field: string;
  format?: DurationFormat;
}

export interface Layout {
  name: string;
  rows: 'log' | 'employee';
  columns: LayoutColumn[];
}

const hours2: DurationFormat = { decimal: 2 };

/** detail: one row per log, ordered as compute.ts compareRows. */
export const DETAIL_LAYOUT: Layout = {
  name: 'detail',
  rows: 'log',
  columns: [
    { header: 'employee_id', field: 'employee_id' },
    { header: 'employee_name', field: 'employee_name' },
    { header: 'email', field: 'email' },
    { header: 'date', field: 'date' },
    { header: 'project_id', field: 'project_id' },
    { header: 'project', field: 'project_name' },
    { header: 'task', field: 'task_name' },
    { header: 'log_type', field: 'log_type' },
    { header: 'log_id', field: 'log_id' },
    { header: 'billing', field: 'billing' },
    { header: 'approval', field: 'approval' },
    { header: 'logged', field: 'source', format: 'hh:mm' },
    { header: 'minutes', field: 'paid', format: 'minutes' },
    { header: 'regular_minutes', field: 'regular', format: 'minutes' },
    { header: 'overtime_minutes', field: 'overtime', format: 'minutes' },
    { header: 'hours', field: 'paid', format: hours2 },
  ],
};

/** summary: one row per employee per period, ordered by employee id (employees without one last, by email). */
export const SUMMARY_LAYOUT: Layout = {
  name: 'summary',
  rows: 'employee',
  columns: [
    { header: 'employee_id', field: 'employee_id' },
    { header: 'employee_name', field: 'employee_name' },
    { header: 'email', field: 'email' },
    { header: 'period_start', field: 'period_start' },
    { header: 'period_end', field: 'period_end' },
    { header: 'logs', field: 'logs' },
    { header: 'total_minutes', field: 'paid', format: 'minutes' },
    { header: 'regular_minutes', field: 'regular', format: 'minutes' },
    { header: 'overtime_minutes', field: 'overtime', format: 'minutes' },
    { header: 'billable_minutes', field: 'billable', format: 'minutes' },
    { header: 'non_billable_minutes', field: 'non_billable', format: 'minutes' },
    { header: 'total_hours', field: 'paid', format: hours2 },
    { header: 'regular_hours', field: 'regular', format: hours2 },
    { header: 'overtime_hours', field: 'overtime', format: hours2 },
    { header: 'billable_hours', field: 'billable', format: hours2 },
    { header: 'non_billable_hours', field: 'non_billable', format: hours2 },
  ],
};

export function resolveLayout(layout: string | CustomLayout, custom: Record<string, CustomLayout> = {}): Layout {
  if (typeof layout !== 'string') return { name: 'custom', ...layout };
  if (custom[layout]) return { name: layout, ...custom[layout] };
  if (layout === 'detail') return DETAIL_LAYOUT;
  if (layout === 'summary') return SUMMARY_LAYOUT;
  throw new ZpetlError('USAGE_INVALID', `unknown layout "${layout}"`, {
    field: 'layout',
    value: layout,
    hint: `Use detail, summary${Object.keys(custom).length ? `, or one of the pipeline file's layouts: ${Object.keys(custom).join(', ')}` : ', or define a layout under payroll.layouts in the pipeline file'}.`,
  });
}

/** Minutes per duration field; all integers. */
export type Durations = Record<DurationField, number>;

export const zeroDurations = (): Durations => ({ source: 0, paid: 0, regular: 0, overtime: 0, daily_overtime: 0, weekly_overtime: 0, billable: 0, non_billable: 0 });

export function rowDurations(r: PayrollRow): Durations {
  return {
    source: r.log.minutes,
    paid: r.paid,
    regular: r.regular,
    overtime: r.dailyOvertime + r.weeklyOvertime,
    daily_overtime: r.dailyOvertime,
    weekly_overtime: r.weeklyOvertime,
    billable: r.log.billable ? r.paid : 0,
    non_billable: r.log.billable ? 0 : r.paid,
  };
}

export function addDurations(into: Durations, d: Durations, sign = 1): void {
  for (const k of DURATION_FIELDS) into[k] += sign * d[k];
}

/** A row of any layout before formatting: text fields plus integer-minute durations. */
export interface LayoutRecord {
  text: Record<string, string>;
  durations: Durations;
}

export function logRecord(r: PayrollRow, period: { start: LocalDate; end: LocalDate }): LayoutRecord {
  const l = r.log;
  return {
    text: {
      employee_id: r.employeeId,
      employee_name: r.employeeName,
      email: l.email,
      user_id: l.userId,
      date: l.date,
      week_start: r.weekStart,
      project_id: l.projectId,
      project_name: l.projectName,
      task_id: l.taskId,
      task_name: l.taskName,
      log_type: l.logType,
      log_id: l.id,
      billing: l.billable ? 'Billable' : 'Non Billable',
      approval: l.approval,
      notes: l.notes,
      period_start: period.start,
      period_end: period.end,
    },
    durations: rowDurations(r),
  };
}

const LOG_TEXT_KEYS = [
  'employee_id', 'employee_name', 'email', 'user_id', 'date', 'week_start', 'project_id', 'project_name',
  'task_id', 'task_name', 'log_type', 'log_id', 'billing', 'approval', 'notes', 'period_start', 'period_end',
] as const;

/** Compact form of a log record for snapshots: [texts…, durations…] in fixed orders. */
export function encodeRecord(r: LayoutRecord): (string | number)[] {
  const out: (string | number)[] = LOG_TEXT_KEYS.map((k) => r.text[k] ?? '');
  for (const k of DURATION_FIELDS) out.push(r.durations[k]);
  return out;
}

export function decodeRecord(value: unknown): LayoutRecord {
  const a = value as (string | number)[];
  const text: Record<string, string> = {};
  LOG_TEXT_KEYS.forEach((k, i) => (text[k] = String(a[i])));
  const durations = zeroDurations();
  DURATION_FIELDS.forEach((k, i) => (durations[k] = Number(a[LOG_TEXT_KEYS.length + i])));
  return { text, durations };
}

/**
 * Employee rows from log rows (in output order, grouped by employee: the record is looked up only when
 * the employee changes, not per row; any order still gives the right records).
 */
export function employeeRecords(rows: readonly PayrollRow[], period: { start: LocalDate; end: LocalDate }): LayoutRecord[] {
  const byKey = new Map<string, { rec: LayoutRecord; logs: number }>();
  let entry: { rec: LayoutRecord; logs: number } | undefined;
  let lastEmployee = '';
  let lastWho = '';
  for (const r of rows) {
    const who = r.employeeId ? '' : userKey(r.log);
    if (entry === undefined || r.employeeId !== lastEmployee || who !== lastWho) {
      const k = r.employeeId ? `emp:${r.employeeId}` : who;
      entry = byKey.get(k);
      if (!entry) {
        entry = {
          rec: {
            text: {
              employee_id: r.employeeId,
              employee_name: r.employeeName,
              email: r.log.email,
              user_id: r.log.userId,
              period_start: period.start,
              period_end: period.end,
              logs: '0',
            },
            durations: zeroDurations(),
          },
          logs: 0,
        };
        byKey.set(k, entry);
      }
      lastEmployee = r.employeeId;
      lastWho = who;
    }
    entry.logs++;
    const d = entry.rec.durations;
    const overtime = r.dailyOvertime + r.weeklyOvertime;
    d.source += r.log.minutes;
    d.paid += r.paid;
    d.regular += r.regular;
    d.overtime += overtime;
    d.daily_overtime += r.dailyOvertime;
    d.weekly_overtime += r.weeklyOvertime;
    if (r.log.billable) d.billable += r.paid;
    else d.non_billable += r.paid;
  }
  const out: LayoutRecord[] = [];
  for (const e of byKey.values()) {
    e.rec.text.logs = String(e.logs);
    out.push(e.rec);
  }
  return out;
}

/** Employee order: employee id, then rows without one by email. */
export function compareEmployeeRecords(a: LayoutRecord, b: LayoutRecord): number {
  const ae = a.text.employee_id ? 0 : 1;
  const be = b.text.employee_id ? 0 : 1;
  return ae - be || compareIds(a.text.employee_id!, b.text.employee_id!) || (a.text.email! < b.text.email! ? -1 : a.text.email! > b.text.email! ? 1 : 0) || compareIds(a.text.user_id!, b.text.user_id!);
}

/**
 * The characters a spreadsheet reads as the start of a formula: = + - @, their full-width forms
 * (U+FF1D U+FF0B U+FF0D U+FF20, which spreadsheets treat alike), tab and CR.
 */
const FORMULA_CHARS = '=+-@\uFF1D\uFF0B\uFF0D\uFF20\t\r';
const FORMULA_CODES = new Set([...FORMULA_CHARS].map((c) => c.charCodeAt(0)));
/**
 * What a reader may take as the end of a line inside a cell: CR and LF, and the other Unicode line
 * terminators (VT, FF, NEL U+0085, LS U+2028, PS U+2029) that some viewers and converters break on.
 */
const LINE_BREAKS = '\r\n\u000B\u000C\u0085\u2028\u2029';
const HAS_LINE_BREAK = new RegExp(`[${LINE_BREAKS}]`);
const FORMULA_AFTER_BREAK = new RegExp(`([${LINE_BREAKS}])(?=[${FORMULA_CHARS.replace(/[-\\\]^]/g, '\\$&')}])`, 'g');

/**
 * Neutralises a text cell against spreadsheet formula injection: a `'` goes before a formula
 * character (FORMULA_CHARS) at the start of the cell and after every line break inside it
 * (LINE_BREAKS), so no line of a cell opens a formula, whichever line ends a reader knows. Anything
 * else is left as it is (`a=b`, ` =x`, `'=x`).
 */
export function neutralise(cell: string): string {
  // one test, then the replace only for the few cells that hold a line break
  const s = HAS_LINE_BREAK.test(cell) ? cell.replace(FORMULA_AFTER_BREAK, "$1'") : cell;
  return FORMULA_CODES.has(s.charCodeAt(0)) ? `'${s}` : s;
}

/** Minutes → decimal hours with `places` decimals, half away from zero, exact (integer arithmetic). */
export function formatDecimalHours(minutes: number, places: number): string {
  const sign = minutes < 0 ? '-' : '';
  const abs = Math.abs(minutes);
  const scale = 10 ** places;
  const scaled = Math.floor((abs * scale * 2 + 60) / 120); // round(abs*scale/60), ties up
  const int = Math.floor(scaled / scale);
  const frac = places > 0 ? `.${String(scaled % scale).padStart(places, '0')}` : '';
  return `${scaled === 0 ? '' : sign}${int}${frac}`;
}

export function formatDuration(minutes: number, format: DurationFormat | undefined): string {
  if (format === undefined || format === 'minutes') return String(minutes);
  if (format === 'hh:mm') return formatHhMm(minutes);
  return formatDecimalHours(minutes, format.decimal);
}

type Period = { start: LocalDate; end: LocalDate };
type RowText = (r: PayrollRow, period: Period) => string;
const LOG_TEXT: Record<string, RowText> = {
  employee_id: (r) => r.employeeId,
  employee_name: (r) => r.employeeName,
  email: (r) => r.log.email,
  user_id: (r) => r.log.userId,
  date: (r) => r.log.date,
  week_start: (r) => r.weekStart,
  project_id: (r) => r.log.projectId,
  project_name: (r) => r.log.projectName,
  task_id: (r) => r.log.taskId,
  task_name: (r) => r.log.taskName,
  log_type: (r) => r.log.logType,
  log_id: (r) => r.log.id,
  billing: (r) => (r.log.billable ? 'Billable' : 'Non Billable'),
  approval: (r) => r.log.approval,
  notes: (r) => r.log.notes,
  period_start: (_r, p) => p.start,
  period_end: (_r, p) => p.end,
};
const LOG_DURATION: Record<DurationField, (r: PayrollRow) => number> = {
  source: (r) => r.log.minutes,
  paid: (r) => r.paid,
  regular: (r) => r.regular,
  overtime: (r) => r.dailyOvertime + r.weeklyOvertime,
  daily_overtime: (r) => r.dailyOvertime,
  weekly_overtime: (r) => r.weeklyOvertime,
  billable: (r) => (r.log.billable ? r.paid : 0),
  non_billable: (r) => (r.log.billable ? 0 : r.paid),
};

/** One column's cell of a source `T` (a computed row or a layout record), and whether it can need CSV quoting. */
interface Column<T> {
  cell: (t: T, period: Period) => string;
  /** Durations are formatted by us (digits, `-`, `.`, `:`): never quoted, never neutralised. */
  text: boolean;
}

/**
 * The one column builder for every source: a duration field formatted as the column says, a text field
 * neutralised against formula injection, an unknown field empty.
 */
function buildColumns<T>(layout: Layout, text: (field: string) => ((t: T, period: Period) => string) | undefined, duration: (field: DurationField) => (t: T) => number): Column<T>[] {
  return layout.columns.map((c): Column<T> => {
    if ((DURATION_FIELDS as readonly string[]).includes(c.field)) {
      const d = duration(c.field as DurationField);
      const format = c.format;
      if (format === undefined || format === 'minutes') return { cell: (t) => String(d(t)), text: false };
      return { cell: (t) => formatDuration(d(t), format), text: false };
    }
    const get = text(c.field);
    return { cell: get ? (t, p) => neutralise(get(t, p)) : () => '', text: true };
  });
}

interface Compiled<T> {
  columns: Column<T>[];
  /** The whole CSV record (`csvLine` of the cells), built without a cells array. */
  line: (t: T, period: Period) => string;
}

function compiled<T>(cache: WeakMap<Layout, Compiled<T>>, layout: Layout, build: (layout: Layout) => Column<T>[]): Compiled<T> {
  let c = cache.get(layout);
  if (!c) {
    const columns = build(layout);
    const n = columns.length;
    // One reused cells array joined once per row: `s += cell` built ~30 short-lived cons strings per
    // row (GC time at 100,000 rows); join writes the line as one flat string.
    const cells = new Array<string>(n);
    const line = (t: T, period: Period): string => {
      if (n === 0) return '\n';
      for (let i = 0; i < n; i++) {
        const col = columns[i]!;
        const v = col.cell(t, period);
        cells[i] = col.text ? csvCell(v) : v;
      }
      cells[n - 1] += '\n';
      return cells.join(',');
    };
    cache.set(layout, (c = { columns, line }));
  }
  return c;
}

const recordCache = new WeakMap<Layout, Compiled<LayoutRecord>>();
const rowCache = new WeakMap<Layout, Compiled<PayrollRow>>();
const recordColumns = (layout: Layout) =>
  buildColumns<LayoutRecord>(
    layout,
    (field) => (r) => r.text[field] ?? '',
    (field) => (r) => r.durations[field],
  );
const rowColumns = (layout: Layout) =>
  buildColumns<PayrollRow>(
    layout,
    (field) => LOG_TEXT[field],
    (field) => LOG_DURATION[field],
  );
const NO_PERIOD: Period = { start: '', end: '' };

function cellsOf<T>(c: Compiled<T>, t: T, period: Period): string[] {
  const out = new Array<string>(c.columns.length);
  for (let i = 0; i < out.length; i++) out[i] = c.columns[i]!.cell(t, period);
  return out;
}

/** encodeRecord(logRecord(row, period)) without building the record. */
export function encodeRow(row: PayrollRow, period: Period): (string | number)[] {
  // One array literal in LOG_TEXT_KEYS then DURATION_FIELDS order (test/unit/payroll/layouts.test.ts
  // checks it against encodeRecord): 25 table lookups and calls per log cost a tenth of the snapshot.
  const l = row.log;
  const overtime = row.dailyOvertime + row.weeklyOvertime;
  return [
    row.employeeId, row.employeeName, l.email, l.userId, l.date, row.weekStart, l.projectId, l.projectName,
    l.taskId, l.taskName, l.logType, l.id, l.billable ? 'Billable' : 'Non Billable', l.approval, l.notes, period.start, period.end,
    l.minutes, row.paid, row.regular, overtime, row.dailyOvertime, row.weeklyOvertime, l.billable ? row.paid : 0, l.billable ? 0 : row.paid,
  ];
}

/**
 * Cells of one log row in a `rows: log` layout, straight from the computed row (same values as
 * `formatRecord(layout, logRecord(row))`, without building the record: 100k records cost GC time).
 */
export function formatLogRow(layout: Layout, row: PayrollRow, period: Period): string[] {
  return cellsOf(compiled(rowCache, layout, rowColumns), row, period);
}

/** `csvLine(formatLogRow(layout, row, period))`, without the cells array (the hot path of a detail export). */
export function logRowLine(layout: Layout, row: PayrollRow, period: Period): string {
  return compiled(rowCache, layout, rowColumns).line(row, period);
}

/** Cells of one record in `layout`'s column order. */
export function formatRecord(layout: Layout, rec: LayoutRecord): string[] {
  return cellsOf(compiled(recordCache, layout, recordColumns), rec, NO_PERIOD);
}
