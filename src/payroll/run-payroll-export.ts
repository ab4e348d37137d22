/**
 * runPayrollExport: approved Zoho time logs of a pay period → a payroll CSV, a period snapshot in the
 * checkpoint database, and (with `adjustments`) only the differences since the last snapshot.
 *
 * Memory: one pay period's logs are held (they must be sorted and aggregated per employee-week);
 * 100,000 logs peak at 200–300 MB of heap (bench/payroll.ts).
 *
 * Exit codes (ExportResult.exitCode; thrown errors map through src/pipeline/exit-codes.ts exitCodeForError):
 *  - 0: written, nothing needs attention, including "nothing to export" (a header-only file).
 *  - 3: written, but some logs were rejected (more than 24 h in a day, unreadable duration or date)
 *       or some users have no employee id. The file is complete for everything else; the summary
 *       lists each problem. Fix and re-run with `adjustments: true` to pay the rest exactly once.
 *  - thrown ZpetlError: invalid period/usage (exit 2), no snapshot for adjustments, API or
 *    checkpoint failure (exit 1). No file is written and no snapshot recorded.
 *
 * The phases, each in its own file: read and filter (collect-logs.ts over read-source.ts), arithmetic
 * (compute.ts, warnings in export-warnings.ts), the diff against the last snapshot (adjustments.ts),
 * the CSV (write-export.ts), the snapshot (record-snapshot.ts). The library's `exportTimesheets`
 * (src/pipeline/export/timesheet-file.ts) is this function with the timesheet file reader.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openCheckpointDb, type CheckpointDb } from '../checkpoint/db.js';
import { PAYROLL_CHECKPOINT_OWNER } from '../checkpoint/owner.js';
import { systemClock } from '../core/clock.js';
import { ZpetlError } from '../core/errors.js';
import { isValidTimeZone } from '../core/local-date.js';
import type { PipelineEventOf } from '../core/pipeline-event.js';
import { emptyCounts, type StepCounts } from '../core/step-counts.js';
import type { ClientEvent } from '../zoho/types.js';
import { diffSnapshot, type AdjustmentEntry, type CurrentLog } from './adjustments.js';
import { collectLogs, type ExportCounts, type RejectedLog } from './collect-logs.js';
import { computeRows, type EmployeeResolver, type UnmappedUser } from './compute.js';
import type { CustomLayout, EmployeesSource, Overtime, PayPeriodRule, Rounding } from './config-schema.js';
import { loadEmployeeCsv, loadEmployeeCustomField, resolverFor } from './employees.js';
import { computeWarnings, periodChangedWarning, type ExportWarning } from './export-warnings.js';
import { addDurations, compareEmployeeRecords, employeeRecords, resolveLayout, zeroDurations, type Durations, type LayoutRecord } from './layouts.js';
import { resolvePeriod, type Period } from './period.js';
import type { TimesheetFileReader, TimesheetSource } from './read-source.js';
import { openSnapshotStore, recordSnapshot } from './record-snapshot.js';
import { writeExport } from './write-export.js';

export type { ExportCounts, RejectedLog } from './collect-logs.js';
export type { ExportWarning } from './export-warnings.js';
export type { TimesheetFileReader, TimesheetFileSource, TimesheetSource } from './read-source.js';

export interface ExportTimesheetsOptions {
  /** `START..END`, `yesterday`, `last-week`, `this-week`, `this-month`, `last-month`, or a name in `periods`. */
  period: string;
  /** Epoch ms used for relative periods (default: now). */
  nowMs?: number;
  /** The portal's IANA time zone. */
  tz: string;
  /** 0 = Sunday … 6 = Saturday (default 1 = Monday). */
  weekStart?: number;
  periods?: Record<string, PayPeriodRule>;
  scope?: { projects?: string[] };
  filters?: {
    /** Default ['Approved']. */
    approval?: string[];
    /** Default 'all'. */
    billable?: 'billable' | 'non-billable' | 'all';
    /** Emails or zpuids. */
    users?: string[];
    /** Project ids or names. */
    projects?: string[];
  };
  source: TimesheetSource;
  employees?: EmployeesSource;
  /** Default 'keep' (written with an empty employee id, reported, exit 3). */
  unmappedUsers?: 'keep' | 'reject';
  rounding?: Rounding;
  overtime?: Overtime;
  /** 'detail' (default), 'summary', a name in `layouts`, or a layout object. */
  layout?: string | CustomLayout;
  layouts?: Record<string, CustomLayout>;
  out: string;
  /** Emit only the differences since the last snapshot of this period (default false). */
  adjustments?: boolean;
  /**
   * Checkpoint database path, or an open one (left open). A path is opened as the shared payroll
   * checkpoint (owner PAYROLL_CHECKPOINT_OWNER and the API source's portal, src/checkpoint/owner.ts): a
   * pipeline's own checkpoint is passed open instead.
   */
  db: string | CheckpointDb;
  onEvent?: (e: PipelineEventOf<ClientEvent>) => void;
}

export interface ExportTotals {
  /** Logs paid in this export (full) or in the period now (adjustments). */
  logs: number;
  employees: number;
  /** Minutes, integers. paid = regular + overtime = billable + nonBillable. */
  sourceMinutes: number;
  paidMinutes: number;
  regularMinutes: number;
  overtimeMinutes: number;
  dailyOvertimeMinutes: number;
  weeklyOvertimeMinutes: number;
  billableMinutes: number;
  nonBillableMinutes: number;
}

export interface ExportResult {
  exitCode: 0 | 3;
  period: Period & { key: string };
  layout: string;
  mode: 'full' | 'adjustments';
  outPath: string;
  outputSha256: string;
  /** Data rows written (header excluded). */
  rows: number;
  /** Figures of the period as it is now (full export), whatever the mode. */
  totals: ExportTotals;
  /** Durations written to the file (equal to `totals` in a full export; the signed net in adjustments). */
  written: Durations;
  counts: ExportCounts;
  rejected: RejectedLog[];
  unmappedUsers: UnmappedUser[];
  warnings: ExportWarning[];
  /** The snapshot this run recorded, or the previous one when nothing changed (not re-recorded). */
  snapshotId: number;
  previousSnapshotId: number | null;
  adjustments: null | { rows: number; byReason: Record<string, number> };
  /** Wall time per phase, ms: reading the source (HTTP for the API), arithmetic, writing the CSV, recording the snapshot. */
  timingsMs: { read: number; compute: number; write: number; snapshot: number };
}

/** The export's step name, in its events and its source errors (src/pipeline/export/timesheet-file.ts). */
export const PAYROLL_EXPORT_STEP = 'export-timesheets';
const STEP = PAYROLL_EXPORT_STEP;

function fingerprint(o: ExportTimesheetsOptions, approval: string[]): string {
  const sorted = (a?: string[]) => (a ? [...a].map((s) => s.toLowerCase()).sort() : null);
  const key = JSON.stringify({
    source: o.source.type,
    scope: sorted(o.scope?.projects),
    approval: sorted(approval),
    billable: o.filters?.billable ?? 'all',
    users: sorted(o.filters?.users),
    projects: sorted(o.filters?.projects),
  });
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Totals from the employee records (each log belongs to exactly one). */
function totalsOf(employees: readonly LayoutRecord[], logs: number): ExportTotals {
  const d = zeroDurations();
  for (const r of employees) addDurations(d, r.durations);
  return {
    logs,
    employees: employees.length,
    sourceMinutes: d.source,
    paidMinutes: d.paid,
    regularMinutes: d.regular,
    overtimeMinutes: d.overtime,
    dailyOvertimeMinutes: d.daily_overtime,
    weeklyOvertimeMinutes: d.weekly_overtime,
    billableMinutes: d.billable,
    nonBillableMinutes: d.non_billable,
  };
}

/**
 * The payroll export (see the file's comment for phases and exit codes). `readFile` reads
 * `source: { type: 'file' }` (the library's `exportTimesheets` passes the timesheet extractor).
 */
export async function runPayrollExport(o: ExportTimesheetsOptions, readFile?: TimesheetFileReader): Promise<ExportResult> {
  const emit = o.onEvent ?? (() => {});
  if (!isValidTimeZone(o.tz)) {
    throw new ZpetlError('CONFIG_INVALID', `unknown time zone "${o.tz}"`, { field: 'tz', value: o.tz, hint: 'Use the portal time zone as an IANA name, e.g. Europe/Berlin.' });
  }
  const weekStart = o.weekStart ?? 1;
  const period = resolvePeriod(o.period, { nowMs: o.nowMs ?? systemClock.now(), tz: o.tz, weekStart, rules: o.periods ?? {} });
  const layout = resolveLayout(o.layout ?? 'detail', o.layouts);
  const approval = o.filters?.approval ?? ['Approved'];
  const periodKey = `${period.start}..${period.end}|${fingerprint(o, approval)}`;
  const rounding: Rounding = o.rounding ?? { mode: 'none', per: 'log' };
  const overtime: Overtime = o.overtime ?? {};
  const warnings: ExportWarning[] = [];

  // A full client says its portal; a bare users + timelogs reader may not.
  const api: object | undefined = o.source.type === 'api' ? o.source.client : undefined;
  const portalId = api && 'portalId' in api && typeof api.portalId === 'string' ? api.portalId : undefined;
  const cdb = typeof o.db === 'string' ? openCheckpointDb(o.db, { owner: { pipeline: PAYROLL_CHECKPOINT_OWNER, portalId }, nowMs: o.nowMs ?? systemClock.now() }) : o.db;
  try {
    const store = openSnapshotStore(cdb);
    const previous = store.latest(periodKey);
    if (o.adjustments && !previous) {
      throw new ZpetlError('PAYROLL_NO_SNAPSHOT', `no earlier export of ${period.start}..${period.end} with these filters to adjust against`, {
        hint: 'Run the export once without --adjustments; later runs with --adjustments emit only the differences.',
        details: { periodKey },
      });
    }
    const resolve = await employeeResolver(o);

    // read + filter
    const unsubscribe = o.source.type === 'api' && o.source.client.on ? o.source.client.on((event) => emit({ type: 'client', event })) : () => {};
    emit({ type: 'step-start', step: STEP, entity: 'timelog' });
    const stepCounts: StepCounts = emptyCounts();
    const tRead = performance.now();
    let collected;
    try {
      collected = await collectLogs(o.source, o.scope?.projects, { ...o.filters, approval }, period, readFile, {
        progress: (read) => emit({ type: 'step-progress', step: STEP, counts: { ...stepCounts, read } }),
        reject: (error) => emit({ type: 'reject', step: STEP, error }),
        warn: (w) => warnings.push(w),
      });
    } finally {
      unsubscribe();
    }
    const { counts, accepted, excluded, rejected } = collected;

    // arithmetic
    const tCompute = performance.now();
    const computed = computeRows(accepted, resolve, { rounding, overtime, weekStart, unmappedUsers: o.unmappedUsers ?? 'keep' });
    for (const r of computed.rejected) {
      rejected.push({ ...r.error, logId: r.log.id });
      emit({ type: 'reject', step: STEP, error: r.error });
      excluded.push({ logId: r.log.id, contentHash: r.log.contentHash, reason: `rejected:${r.error.code}` });
    }
    counts.rejected = rejected.length;
    counts.included = computed.rows.length;
    warnings.push(...computeWarnings(computed, { unmappedUsers: o.unmappedUsers, overtime, period, weekStart }));
    const empRecords = employeeRecords(computed.rows, period).sort(compareEmployeeRecords);
    const totals = totalsOf(empRecords, computed.rows.length);

    // snapshot diff
    const current: CurrentLog[] = [];
    for (const r of computed.rows) current.push({ logId: r.log.id, contentHash: r.log.contentHash, row: r });
    for (const x of excluded) current.push({ logId: x.logId, contentHash: x.contentHash, excludedReason: x.reason });
    const prevLogs = previous ? store.logs(previous.id) : undefined;
    const entries: AdjustmentEntry[] = prevLogs ? diffSnapshot(prevLogs, current, period) : [];
    const byReason: Record<string, number> = {};
    for (const e of entries) byReason[e.reason] = (byReason[e.reason] ?? 0) + 1;

    // write
    const tWrite = performance.now();
    const { file, written } = writeExport(o.out, { layout, period, rows: computed.rows, employees: empRecords, adjustments: o.adjustments === true, entries });
    if (!o.adjustments && previous && entries.length > 0) warnings.push(periodChangedWarning(period, previous.id, byReason));

    // record a snapshot unless nothing changed since the last one
    const tSnapshot = performance.now();
    let snapshotId = previous?.id ?? 0;
    const unchanged = previous !== undefined && entries.length === 0 && (o.adjustments || previous.outputSha256 === file.sha256);
    if (!unchanged) {
      const header = {
        periodKey,
        periodStart: period.start,
        periodEnd: period.end,
        kind: o.adjustments ? ('adjustments' as const) : ('full' as const),
        layout: layout.name,
        createdMs: o.nowMs ?? systemClock.now(),
        includedLogs: computed.rows.length,
        paidMinutes: totals.paidMinutes,
        outputSha256: file.sha256,
        outPath: o.out,
      };
      snapshotId = recordSnapshot(store, cdb.path, header, current, period);
    }
    const tEnd = performance.now();
    Object.assign(stepCounts, { read: counts.read, valid: counts.included, created: file.rows, skipped: counts.read - counts.included - counts.rejected, rejected: counts.rejected });
    emit({ type: 'step-end', step: STEP, counts: stepCounts });
    return {
      exitCode: rejected.length > 0 || computed.unmapped.length > 0 ? 3 : 0,
      period: { ...period, key: periodKey },
      layout: layout.name,
      mode: o.adjustments ? 'adjustments' : 'full',
      outPath: o.out,
      outputSha256: file.sha256,
      rows: file.rows,
      totals,
      written,
      counts,
      rejected,
      unmappedUsers: computed.unmapped,
      warnings,
      snapshotId,
      previousSnapshotId: previous?.id ?? null,
      adjustments: o.adjustments ? { rows: file.rows, byReason } : null,
      timingsMs: { read: tCompute - tRead, compute: tWrite - tCompute, write: tSnapshot - tWrite, snapshot: tEnd - tSnapshot },
    };
  } finally {
    if (typeof o.db === 'string') cdb.close();
  }
}

/** Employee ids from a mapping CSV, or one listing of portal users when taken from a custom field. */
async function employeeResolver(o: ExportTimesheetsOptions): Promise<EmployeeResolver> {
  if (o.employees && 'csv' in o.employees) return resolverFor(loadEmployeeCsv(o.employees.csv));
  if (o.employees && 'customField' in o.employees) {
    if (o.source.type !== 'api') throw new ZpetlError('CONFIG_INVALID', 'employees.customField needs the API source', { field: 'employees' });
    return resolverFor(await loadEmployeeCustomField(o.source.client, o.employees.customField));
  }
  return () => undefined;
}
