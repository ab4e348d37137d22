/**
 * The write phase of the payroll export: the CSV of a full export (the layout's rows) or of an
 * adjustments export (a leading `adjustment` column, one row per difference), written atomically.
 */
import { csvLine } from '../core/csv-cell.js';
import { employeeAdjustments, type AdjustmentEntry } from './adjustments.js';
import type { PayrollRow } from './compute.js';
import { formatRecord, logRowLine } from './format-record.js';
import { addDurations, compareEmployeeRecords, zeroDurations, type Durations, type Layout, type LayoutRecord } from './layouts.js';
import type { Period } from './period.js';
import { writeCsvAtomic, type WrittenCsv } from './write-csv.js';

/** What writeExport needs: the period's computed rows and employee records, and the differences. */
export interface ExportContent {
  layout: Layout;
  period: Period;
  /** Log rows in output order (compute.ts compareRows). */
  rows: readonly PayrollRow[];
  /** Employee records in output order (compareEmployeeRecords). */
  employees: readonly LayoutRecord[];
  /** Write `entries` (the differences since the last snapshot) instead of the period. */
  adjustments: boolean;
  entries: readonly AdjustmentEntry[];
}

/** Writes `out` and returns the file's figures and the durations written (the signed net for adjustments). */
export function writeExport(out: string, c: ExportContent): { file: WrittenCsv; written: Durations } {
  const { layout, period } = c;
  const written = zeroDurations();
  let header = layout.columns.map((col) => col.header);
  let lines: Iterable<string>;
  if (c.adjustments) {
    header = ['adjustment', ...header];
    if (layout.rows === 'log') {
      lines = c.entries.map((e) => csvLine([e.reason, ...formatRecord(layout, e.record)]));
      for (const e of c.entries) addDurations(written, e.record.durations);
    } else {
      const emp = employeeAdjustments(c.entries).sort((a, b) => compareEmployeeRecords(a.record, b.record));
      lines = emp.map((e) => csvLine([e.reason, ...formatRecord(layout, e.record)]));
      for (const e of emp) addDurations(written, e.record.durations);
    }
  } else {
    if (layout.rows === 'log') {
      const rows = c.rows;
      lines = (function* () {
        for (const r of rows) yield logRowLine(layout, r, period);
      })();
    } else {
      lines = c.employees.map((r) => csvLine(formatRecord(layout, r)));
    }
    for (const r of c.employees) addDurations(written, r.durations);
  }
  return { file: writeCsvAtomic(out, header, lines), written };
}
