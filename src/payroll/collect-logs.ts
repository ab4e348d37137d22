/**
 * The read phase of the payroll export: every log of the source, normalised, sorted into accepted
 * (to be paid), excluded (with the reason the snapshot records) and rejected (unreadable), with the
 * counts of each. Filters run in a fixed order: duplicate id, outside the period, approval, billing,
 * users, projects; the first that applies is the reason.
 */
import { hasControlChar, stripControlChars } from '../core/control-chars.js';
import type { RowError } from '../core/record.js';
import { controlCharactersWarning, duplicateLogWarning, fileApprovalWarning, sourceFileWarning, type ExportWarning } from './export-warnings.js';
import type { PayrollLog } from './payroll-log.js';
import type { Period } from './period.js';
import { readSource, type TimesheetFileReader, type TimesheetSource } from './read-source.js';

/** What the export read and what became of it. */
export interface ExportCounts {
  read: number;
  included: number;
  excluded: { approval: Record<string, number>; billing: number; users: number; projects: number; outsidePeriod: number; duplicates: number };
  rejected: number;
}

/** A rejected log: the row error and the log's id ('' when unreadable). */
export type RejectedLog = RowError & { logId: string };

/** A log the export read and did not pay, as the snapshot records it (`contentHash` '' for a rejected one). */
export interface ExcludedLog {
  logId: string;
  contentHash: string;
  reason: string;
}

/** The filters of ExportTimesheetsOptions, with `approval` already defaulted. */
export interface LogFilters {
  approval: string[];
  /** Default 'all'. */
  billable?: 'billable' | 'non-billable' | 'all';
  /** Emails or zpuids. */
  users?: string[];
  /** Project ids or names. */
  projects?: string[];
}

/** Called while reading, in source order, so events and warnings keep the order of the logs. */
export interface CollectHooks {
  /** Every 5,000 logs read, with the number read so far. */
  progress: (read: number) => void;
  reject: (error: RowError) => void;
  warn: (warning: ExportWarning) => void;
}

/** The result of the read phase. `included` and `rejected` counts are left 0 for the arithmetic to fill. */
export interface CollectedLogs {
  counts: ExportCounts;
  accepted: PayrollLog[];
  excluded: ExcludedLog[];
  rejected: RejectedLog[];
}

/** The text fields of a log that reach the export's cells. */
const TEXT_FIELDS = ['notes', 'userName', 'email', 'projectName', 'taskName', 'logType'] as const;

/**
 * Removes control characters from a paid log's text fields (in place); true when there were any. The
 * content hash is left as read: it tells edits between snapshots apart, and a cleaned export cell is
 * not an edit.
 */
function cleanText(l: PayrollLog): boolean {
  let found = false;
  for (const f of TEXT_FIELDS) {
    const v = l[f];
    if (v !== '' && hasControlChar(v)) {
      l[f] = stripControlChars(v).text;
      found = true;
    }
  }
  return found;
}

/**
 * Reads `source` over `period` (see readSource) and filters each log as it arrives. A paid log whose
 * text holds control characters has them removed, with one PAYROLL_CONTROL_CHARACTERS warning.
 */
export async function collectLogs(
  source: TimesheetSource,
  scopeProjects: readonly string[] | undefined,
  filters: LogFilters,
  period: Period,
  readFile: TimesheetFileReader | undefined,
  hooks: CollectHooks,
): Promise<CollectedLogs> {
  const counts: ExportCounts = {
    read: 0,
    included: 0,
    excluded: { approval: {}, billing: 0, users: 0, projects: 0, outsidePeriod: 0, duplicates: 0 },
    rejected: 0,
  };
  const users = filters.users ? new Set(filters.users.map((u) => u.toLowerCase())) : undefined;
  const projects = filters.projects ? new Set(filters.projects.map((p) => p.toLowerCase())) : undefined;
  const billable = filters.billable ?? 'all';
  const approvalSet = new Set(filters.approval.map((a) => a.toLowerCase()));
  // A handful of distinct statuses: lower-case each once, not once per log.
  const approvalOf = new Map<string, boolean>();
  const accepted: PayrollLog[] = [];
  const seenIds = new Map<string, string>();
  const excluded: ExcludedLog[] = [];
  const rejected: RejectedLog[] = [];
  let fileWithoutApproval = 0;
  const controlLogs = { count: 0, ids: [] as string[] };
  await readSource(source, scopeProjects, period, readFile, (n) => {
    counts.read++;
    if (counts.read % 5000 === 0) hooks.progress(counts.read);
    if (!n.ok) {
      if (n.partial.date && (n.partial.date < period.start || n.partial.date > period.end)) {
        counts.excluded.outsidePeriod++;
        return;
      }
      rejected.push({ ...n.error, logId: n.partial.id ?? '' });
      hooks.reject(n.error);
      if (n.partial.id) excluded.push({ logId: n.partial.id, contentHash: '', reason: `rejected:${n.error.code}` });
      return;
    }
    const l = n.log;
    const dup = seenIds.get(l.id);
    if (dup !== undefined) {
      counts.excluded.duplicates++;
      if (dup !== l.contentHash) hooks.warn(duplicateLogWarning(l.id));
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
      if (source.type !== 'api' && l.approval === 'Unapproved') fileWithoutApproval++;
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
    if (reason) excluded.push({ logId: l.id, contentHash: l.contentHash, reason });
    else {
      if (cleanText(l) && controlLogs.count++ < 10) controlLogs.ids.push(l.id);
      accepted.push(l);
    }
  }, (w) => hooks.warn(sourceFileWarning(w)));
  if (fileWithoutApproval > 0) hooks.warn(fileApprovalWarning(fileWithoutApproval, source));
  if (controlLogs.count > 0) hooks.warn(controlCharactersWarning(controlLogs.count, controlLogs.ids));
  return { counts, accepted, excluded, rejected };
}
