/**
 * Rendering of layout rows: each layout's columns are compiled once (per layout object, cached) into
 * cell functions, for computed log rows (the hot path of a detail export) and for layout records
 * (summary rows, adjustments). A text cell is neutralised (neutralise.ts), a duration formatted
 * (format-duration.ts), an unknown field left empty.
 */
import { csvCell } from '../core/csv-cell.js';
import type { LocalDate } from '../core/local-date.js';
import type { PayrollRow } from './compute.js';
import { DURATION_FIELDS, type DurationField } from './config-schema.js';
import { formatDuration } from './format-duration.js';
import type { Layout, LayoutRecord } from './layouts.js';
import { neutralise } from './neutralise.js';

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
