/**
 * The payroll export's warnings: what a user must hear about a file that was still written (the
 * summary of `zpetl export timesheets` prints each one). One builder per situation, so the wording
 * lives next to its code.
 */
import { dayOfWeek } from '../core/local-date.js';
import type { SourceWarning } from '../core/pipeline-event.js';
import type { ComputeResult } from './compute.js';
import type { Overtime } from './config-schema.js';
import type { Period } from './period.js';
import type { TimesheetSource } from './read-source.js';

/** One warning of an export: a code from the docs' warning list, a message for people, optional details. */
export interface ExportWarning {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A warning of the timesheet file's reader about the file as a whole (an encoding fallback, blank lines…), under its own code. */
export function sourceFileWarning(w: SourceWarning): ExportWarning {
  const details = { ...(w.field !== undefined ? { field: w.field } : {}), ...(w.pos ? { line: w.pos.line } : {}) };
  return { code: w.code, message: w.message, ...(Object.keys(details).length > 0 ? { details } : {}) };
}

/** A log id listed twice with different content (the first listing is the one used). */
export function duplicateLogWarning(logId: string): ExportWarning {
  return { code: 'PAYROLL_DUPLICATE_LOG', message: `log ${logId} was listed twice with different content; the first listing is used`, details: { logId } };
}

/**
 * Logs whose text (notes, names, log type) held control characters (src/core/control-chars.ts): they
 * were removed from the file, which a payroll import would otherwise refuse or cut at a NUL. `logIds`
 * are the first few, for the user to fix in Zoho.
 */
export function controlCharactersWarning(count: number, logIds: readonly string[]): ExportWarning {
  const shown = logIds.slice(0, 10);
  return {
    code: 'PAYROLL_CONTROL_CHARACTERS',
    message: `${count} log(s) held control characters (such as NUL) in their text; they were removed from the file: ${shown.join(', ')}${count > shown.length ? ', …' : ''}`,
    details: { count, logIds: shown },
  };
}

/** `count` (> 0) logs of a file or items source without approval: not exported by the default filter. */
export function fileApprovalWarning(count: number, source: TimesheetSource): ExportWarning {
  return {
    code: 'PAYROLL_FILE_APPROVAL',
    message: `${count} log(s) of ${source.type === 'file' ? source.path : 'the source'} are not approved (or have no approval status) and were not exported`,
  };
}

/**
 * The arithmetic's warnings, in this order: each user without an employee id, each user-day over
 * 24 h, and a weekly-overtime period that does not start on a week start.
 */
export function computeWarnings(computed: ComputeResult, o: { unmappedUsers?: 'keep' | 'reject'; overtime: Overtime; period: Period; weekStart: number }): ExportWarning[] {
  const warnings: ExportWarning[] = [];
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
  if (o.overtime.weeklyOverMinutes !== undefined && dayOfWeek(o.period.start) !== o.weekStart) {
    warnings.push({
      code: 'PAYROLL_PARTIAL_WEEK',
      message: `weekly overtime counts only this period's days; ${o.period.start} is not a week start, so its first week is partial`,
    });
  }
  return warnings;
}

/** A full export of a period that changed since snapshot `previousSnapshotId`: importing it again would pay twice. */
export function periodChangedWarning(period: Period, previousSnapshotId: number, byReason: Record<string, number>): ExportWarning {
  return {
    code: 'PAYROLL_PERIOD_CHANGED',
    message: `${period.start}..${period.end} was exported before (snapshot ${previousSnapshotId}) and has changed since (${Object.entries(byReason)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}); importing this full file again would pay the unchanged logs twice — use adjustments to get only the differences`,
    details: { previousSnapshotId, byReason },
  };
}
