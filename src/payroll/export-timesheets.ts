/**
 * exportTimesheets: approved Zoho time logs of a pay period → a payroll CSV, a period snapshot in the
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
 */
import { createHash } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openCheckpointDb, type CheckpointDb } from '../checkpoint/db.js';
import { PAYROLL_CHECKPOINT_OWNER } from '../checkpoint/owner.js';
import { createPayrollSnapshotStore, type PayrollSnapshotStore, type SnapshotLog } from '../checkpoint/payroll-snapshots.js';
import { systemClock } from '../core/clock.js';
import { csvLine } from '../core/csv-cell.js';
import { ZpetlError } from '../core/errors.js';
import { isValidTimeZone, dayOfWeek } from '../core/local-date.js';
import type { ExtractItem, RowError } from '../core/record.js';
import type { PipelineEvent, StepCounts } from '../pipeline/events.js';
import { emptyCounts } from '../pipeline/events.js';
import type { ZohoApi, ZohoClient } from '../zoho/types.js';
import type { HoursFormat } from '../core/parse/duration.js';
import { diffSnapshot, employeeAdjustments, type AdjustmentEntry, type CurrentLog } from './adjustments.js';
import { computeRows, type EmployeeResolver, type UnmappedUser } from './compute.js';
import type { CustomLayout, EmployeesSource, Overtime, PayPeriodRule, Rounding } from './config-schema.js';
import { loadEmployeeCsv, loadEmployeeCustomField, resolverFor } from './employees.js';
import {
  addDurations,
  compareEmployeeRecords,
  encodeRow,
  employeeRecords,
  resolveLayout,
  zeroDurations,
  type Durations,
  type LayoutRecord,
} from './layouts.js';
import { formatRecord, logRowLine } from './format-record.js';
import { fromTimeLog, fromTimesheetRecord, type Normalised, type PayrollLog, type TimesheetFields } from './payroll-log.js';
import { resolvePeriod, type Period } from './period.js';
import { writeCsvAtomic } from './write-csv.js';

export type TimesheetSource =
  /** Zoho V3 time logs through the client (portal-wide, or per project with scope.projects). */
  | { type: 'api'; client: Pick<ZohoApi, 'timelogs' | 'users'> & Partial<Pick<ZohoClient, 'on'>> }
  /**
   * A Zoho timesheet export file, read by the same extractor as the dry-run pipelines (src/extract,
   * type zoho-timesheet): header aliases, the stated date format, hours as `hh:mm`, Zoho's `h.mm`
   * (hours.minutes) or `decimal` (only when you say so). `baseDir` resolves a relative path (default cwd).
   */
  | TimesheetFileSource
  /** Records already extracted (canonical timesheet fields), e.g. by a pipeline step. */
  | { type: 'items'; name: string; items: AsyncIterable<ExtractItem> };

export type TimesheetFileSource = { type: 'file'; path: string; dateFormat: string; hoursFormat: HoursFormat; baseDir?: string };

/**
 * Reads a timesheet export file as extracted items (canonical timesheet fields), lazily: nothing is
 * checked or opened before iteration starts. Payroll does not import src/extract (layers): the
 * pipeline layer passes the zoho-timesheet extractor (src/pipeline/timesheet-file.ts), and the
 * library's `exportTimesheets` is that wired version.
 */
export type TimesheetFileReader = (source: TimesheetFileSource) => AsyncIterable<ExtractItem>;

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
  onEvent?: (e: PipelineEvent) => void;
}

export interface ExportWarning {
  code: string;
  message: string;
  details?: Record<string, unknown>;
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
  counts: {
    read: number;
    included: number;
    excluded: { approval: Record<string, number>; billing: number; users: number; projects: number; outsidePeriod: number; duplicates: number };
    rejected: number;
  };
  rejected: (RowError & { logId: string })[];
  unmappedUsers: UnmappedUser[];
  warnings: ExportWarning[];
  /** The snapshot this run recorded, or the previous one when nothing changed (not re-recorded). */
  snapshotId: number;
  previousSnapshotId: number | null;
  adjustments: null | { rows: number; byReason: Record<string, number> };
  /** Wall time per phase, ms: reading the source (HTTP for the API), arithmetic, writing the CSV, recording the snapshot. */
  timingsMs: { read: number; compute: number; write: number; snapshot: number };
}

const STEP = 'export-timesheets';

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

/**
 * Reads the source and hands each entry to `take`, normalised. A callback, not an async generator: a
 * generator layer costs a promise and a microtask per log (100,000 of them per export; bench/payroll.ts).
 */
async function readSource(o: ExportTimesheetsOptions, period: Period, readFile: TimesheetFileReader | undefined, take: (n: Normalised) => void): Promise<void> {
  let index = 0;
  if (o.source.type === 'api') {
    const q = { startDate: period.start, endDate: period.end };
    const api = o.source.client;
    if (o.scope?.projects?.length) {
      for (const p of o.scope.projects) for await (const t of api.timelogs.listProject(p, q)) take(fromTimeLog(t, index++));
    } else {
      for await (const t of api.timelogs.listPortal(q)) take(fromTimeLog(t, index++));
    }
    return;
  }
  const seen = new Map<string, number>();
  let items: AsyncIterable<ExtractItem>;
  if (o.source.type === 'file') {
    if (readFile === undefined) throw new ZpetlError('USAGE_INVALID', 'a timesheet file source needs a file reader: call the library exportTimesheets (src/index.ts)', { field: 'source' });
    items = readFile(o.source);
  } else {
    items = o.source.items;
  }
  for await (const item of items) {
    if (item.kind === 'reject') take({ ok: false, error: item.reject.error, partial: {} });
    else take(fromTimesheetRecord(item.record.data as TimesheetFields, item.record.pos, seen));
  }
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

/** `readFile` reads `source: { type: 'file' }` (the library's `exportTimesheets` passes the timesheet extractor). */
export async function exportTimesheets(o: ExportTimesheetsOptions, readFile?: TimesheetFileReader): Promise<ExportResult> {
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
    let store: PayrollSnapshotStore;
    try {
      store = createPayrollSnapshotStore(cdb.db);
    } catch (e) {
      throw new ZpetlError('CHECKPOINT_CORRUPT', `checkpoint database ${cdb.path} has no usable payroll snapshot tables: ${(e as Error).message}`, { cause: e });
    }
    const previous = store.latest(periodKey);
    if (o.adjustments && !previous) {
      throw new ZpetlError('PAYROLL_NO_SNAPSHOT', `no earlier export of ${period.start}..${period.end} with these filters to adjust against`, {
        hint: 'Run the export once without --adjustments; later runs with --adjustments emit only the differences.',
        details: { periodKey },
      });
    }

    // employees (one listing of portal users when taken from a custom field)
    let resolve: EmployeeResolver = () => undefined;
    if (o.employees && 'csv' in o.employees) resolve = resolverFor(loadEmployeeCsv(o.employees.csv));
    else if (o.employees && 'customField' in o.employees) {
      if (o.source.type !== 'api') throw new ZpetlError('CONFIG_INVALID', 'employees.customField needs the API source', { field: 'employees' });
      resolve = resolverFor(await loadEmployeeCustomField(o.source.client, o.employees.customField));
    }

    // read + filter
    const unsubscribe = o.source.type === 'api' && o.source.client.on ? o.source.client.on((event) => emit({ type: 'client', event })) : () => {};
    emit({ type: 'step-start', step: STEP, entity: 'timelog' });
    const counts: ExportResult['counts'] = {
      read: 0,
      included: 0,
      excluded: { approval: {}, billing: 0, users: 0, projects: 0, outsidePeriod: 0, duplicates: 0 },
      rejected: 0,
    };
    const stepCounts: StepCounts = emptyCounts();
    const users = o.filters?.users ? new Set(o.filters.users.map((u) => u.toLowerCase())) : undefined;
    const projects = o.filters?.projects ? new Set(o.filters.projects.map((p) => p.toLowerCase())) : undefined;
    const billable = o.filters?.billable ?? 'all';
    const approvalSet = new Set(approval.map((a) => a.toLowerCase()));
    // A handful of distinct statuses: lower-case each once, not once per log.
    const approvalOf = new Map<string, boolean>();
    const accepted: PayrollLog[] = [];
    const seenIds = new Map<string, string>();
    const excludedLogs: { logId: string; contentHash: string; reason: string }[] = [];
    const rejected: ExportResult['rejected'] = [];
    let fileWithoutApproval = 0;
    const tRead = performance.now();
    try {
      await readSource(o, period, readFile, (n) => {
        counts.read++;
        if (counts.read % 5000 === 0) emit({ type: 'step-progress', step: STEP, counts: { ...stepCounts, read: counts.read } });
        if (!n.ok) {
          if (n.partial.date && (n.partial.date < period.start || n.partial.date > period.end)) {
            counts.excluded.outsidePeriod++;
            return;
          }
          rejected.push({ ...n.error, logId: n.partial.id ?? '' });
          emit({ type: 'reject', step: STEP, error: n.error });
          if (n.partial.id) excludedLogs.push({ logId: n.partial.id, contentHash: '', reason: `rejected:${n.error.code}` });
          return;
        }
        const l = n.log;
        const dup = seenIds.get(l.id);
        if (dup !== undefined) {
          counts.excluded.duplicates++;
          if (dup !== l.contentHash) warnings.push({ code: 'PAYROLL_DUPLICATE_LOG', message: `log ${l.id} was listed twice with different content; the first listing is used`, details: { logId: l.id } });
          return;
        }
        seenIds.set(l.id, l.contentHash);
        if (l.date < period.start || l.date > period.end) {
          counts.excluded.outsidePeriod++;
          return;
        }
        let reason: string | undefined;
        let approved = approvalOf.get(l.approval);
        if (approved === undefined) approvalOf.set(l.approval, (approved = approvalSet.has(l.approval.toLowerCase())));
        if (!approved) {
          counts.excluded.approval[l.approval] = (counts.excluded.approval[l.approval] ?? 0) + 1;
          reason = `approval:${l.approval}`;
          if (o.source.type !== 'api' && l.approval === 'Unapproved') fileWithoutApproval++;
        } else if ((billable === 'billable' && !l.billable) || (billable === 'non-billable' && l.billable)) {
          counts.excluded.billing++;
          reason = 'filter:billing';
        } else if (users && !users.has(l.email.toLowerCase()) && !users.has(l.userId)) {
          counts.excluded.users++;
          reason = 'filter:users';
        } else if (projects && !projects.has(l.projectId) && !projects.has(l.projectName.toLowerCase())) {
          counts.excluded.projects++;
          reason = 'filter:projects';
        }
        if (reason) excludedLogs.push({ logId: l.id, contentHash: l.contentHash, reason });
        else accepted.push(l);
      });
    } finally {
      unsubscribe();
    }
    if (fileWithoutApproval > 0) {
      warnings.push({
        code: 'PAYROLL_FILE_APPROVAL',
        message: `${fileWithoutApproval} log(s) of ${o.source.type === 'file' ? o.source.path : 'the source'} are not approved (or have no approval status) and were not exported`,
      });
    }

    // arithmetic
    const tCompute = performance.now();
    const computed = computeRows(accepted, resolve, { rounding, overtime, weekStart, unmappedUsers: o.unmappedUsers ?? 'keep' });
    for (const r of computed.rejected) {
      rejected.push({ ...r.error, logId: r.log.id });
      emit({ type: 'reject', step: STEP, error: r.error });
      excludedLogs.push({ logId: r.log.id, contentHash: r.log.contentHash, reason: `rejected:${r.error.code}` });
    }
    counts.rejected = rejected.length;
    counts.included = computed.rows.length;
    for (const u of computed.unmapped) {
      warnings.push({
        code: 'ROW_NO_EMPLOYEE_ID',
        message: `no employee id for ${u.email || u.name || u.userId} (${u.logs} log(s), ${u.minutes} min): ${o.unmappedUsers === 'reject' ? 'held back' : 'written with an empty employee_id'}`,
        details: { ...u },
      });
    }
    const overDay = new Map<string, number>();
    for (const r of computed.rejected) if (r.error.code === 'ROW_DAY_OVER_24H') overDay.set(`${r.log.email || r.log.userId} ${r.log.date}`, (overDay.get(`${r.log.email || r.log.userId} ${r.log.date}`) ?? 0) + 1);
    for (const [k, n] of overDay) warnings.push({ code: 'ROW_DAY_OVER_24H', message: `${k}: more than 24 h logged; ${n} log(s) held back`, details: { userDay: k, logs: n } });
    if (overtime.weeklyOverMinutes !== undefined && dayOfWeek(period.start) !== weekStart) {
      warnings.push({
        code: 'PAYROLL_PARTIAL_WEEK',
        message: `weekly overtime counts only this period's days; ${period.start} is not a week start, so its first week is partial`,
      });
    }

    const empRecords = employeeRecords(computed.rows, period).sort(compareEmployeeRecords);
    const totals = totalsOf(empRecords, computed.rows.length);

    // snapshot diff
    const current: CurrentLog[] = [];
    for (const r of computed.rows) current.push({ logId: r.log.id, contentHash: r.log.contentHash, row: r });
    for (const x of excludedLogs) current.push({ logId: x.logId, contentHash: x.contentHash, excludedReason: x.reason });
    const prevLogs = previous ? store.logs(previous.id) : undefined;
    const entries: AdjustmentEntry[] = prevLogs ? diffSnapshot(prevLogs, current, period) : [];
    const byReason: Record<string, number> = {};
    for (const e of entries) byReason[e.reason] = (byReason[e.reason] ?? 0) + 1;

    // write
    const tWrite = performance.now();
    const written = zeroDurations();
    let header = layout.columns.map((c) => c.header);
    let lines: Iterable<string>;
    if (o.adjustments) {
      header = ['adjustment', ...header];
      if (layout.rows === 'log') {
        lines = entries.map((e) => csvLine([e.reason, ...formatRecord(layout, e.record)]));
        for (const e of entries) addDurations(written, e.record.durations);
      } else {
        const emp = employeeAdjustments(entries).sort((a, b) => compareEmployeeRecords(a.record, b.record));
        lines = emp.map((e) => csvLine([e.reason, ...formatRecord(layout, e.record)]));
        for (const e of emp) addDurations(written, e.record.durations);
      }
    } else {
      if (layout.rows === 'log') {
        lines = (function* () {
          for (const r of computed.rows) yield logRowLine(layout, r, period);
        })();
      } else {
        lines = empRecords.map((r) => csvLine(formatRecord(layout, r)));
      }
      for (const r of empRecords) addDurations(written, r.durations);
    }
    const file = writeCsvAtomic(o.out, header, lines);

    if (!o.adjustments && previous && entries.length > 0) {
      warnings.push({
        code: 'PAYROLL_PERIOD_CHANGED',
        message: `${period.start}..${period.end} was exported before (snapshot ${previous.id}) and has changed since (${Object.entries(byReason)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')}); importing this full file again would pay the unchanged logs twice — use adjustments to get only the differences`,
        details: { previousSnapshotId: previous.id, byReason },
      });
    }

    const tSnapshot = performance.now();
    // record a snapshot unless nothing changed since the last one
    let snapshotId = previous?.id ?? 0;
    const unchanged = previous !== undefined && entries.length === 0 && (o.adjustments || previous.outputSha256 === file.sha256);
    if (!unchanged) {
      const snapLogs = (function* (): Generator<SnapshotLog> {
        for (const c of current) {
          yield { logId: c.logId, contentHash: c.contentHash, included: c.row !== undefined, excludedReason: c.excludedReason ?? null, record: c.row ? encodeRow(c.row, period) : null };
        }
      })();
      // A file without its snapshot would be paid again by the next --adjustments run: if the snapshot
      // cannot be recorded, the file goes too and the run fails.
      try {
        snapshotId = store.record(
          {
            periodKey,
            periodStart: period.start,
            periodEnd: period.end,
            kind: o.adjustments ? 'adjustments' : 'full',
            layout: layout.name,
            createdMs: o.nowMs ?? systemClock.now(),
            includedLogs: computed.rows.length,
            paidMinutes: totals.paidMinutes,
            outputSha256: file.sha256,
            outPath: o.out,
          },
          snapLogs,
        );
      } catch (e) {
        try {
          unlinkSync(o.out);
        } catch {
          /* already gone */
        }
        throw new ZpetlError('PAYROLL_OUTPUT_FAILED', `the snapshot of ${period.start}..${period.end} could not be recorded in ${cdb.path}, so ${o.out} was removed: ${(e as Error).message}`, {
          cause: e,
          hint: 'Nothing of this run counts as exported. Fix the checkpoint database (disk space, permissions) and run again.',
        });
      }
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
