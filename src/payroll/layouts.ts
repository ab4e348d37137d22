/**
 * CSV layouts. Built-in `detail` (one row per log) and `summary` (one row per employee per period);
 * custom layouts come from the pipeline file (config-schema.ts CUSTOM_LAYOUT_SCHEMA) and pick fields
 * from a documented set. Every duration cell derives from the same per-log paid minutes, so every
 * layout sums to the same totals.
 *
 * This file holds the layouts and the records a row becomes before formatting (durations, log and
 * employee records, their snapshot encoding). Cells are rendered by format-record.ts; formula
 * injection is handled by neutralise.ts, duration formats by format-duration.ts.
 */
import { ZpetlError } from '../core/errors.js';
import type { LocalDate } from '../core/local-date.js';
import type { CustomLayout, DurationField, DurationFormat } from './config-schema.js';
import { DURATION_FIELDS } from './config-schema.js';
import { compareIds, userKey, type PayrollRow } from './compute.js';

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

/** encodeRecord(logRecord(row, period)) without building the record. */
export function encodeRow(row: PayrollRow, period: { start: LocalDate; end: LocalDate }): (string | number)[] {
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
