/**
 * The payroll export's sources (Zoho V3 time logs, a timesheet export file, or extracted items) and
 * the one reader that turns any of them into normalised logs (payroll-log.ts).
 */
import { ZpetlError } from '../core/errors.js';
import type { HoursFormat } from '../core/parse/duration.js';
import type { ExtractItem } from '../core/record.js';
import type { ZohoApi, ZohoClient } from '../zoho/types.js';
import type { Period } from './period.js';
import type { SourceWarning } from '../core/pipeline-event.js';
import { fromTimeLog, fromTimesheetRecord, type Normalised, type TimesheetFields } from './payroll-log.js';

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

/** A Zoho timesheet export file (see TimesheetSource). */
export type TimesheetFileSource = { type: 'file'; path: string; dateFormat: string; hoursFormat: HoursFormat; baseDir?: string };

/**
 * Reads a timesheet export file as extracted items (canonical timesheet fields), lazily: nothing is
 * checked or opened before iteration starts. Payroll does not import src/extract (layers): the
 * pipeline layer passes the zoho-timesheet extractor (src/pipeline/export/timesheet-file.ts), and the
 * library's `exportTimesheets` is that wired version. `warn` gets the reader's warnings about the file
 * as a whole (an encoding fallback, blank lines, no records): collect-logs.ts makes each an export warning.
 */
export type TimesheetFileReader = (source: TimesheetFileSource, warn?: (w: SourceWarning) => void) => AsyncIterable<ExtractItem>;

/**
 * Reads the source and hands each entry to `take`, normalised. A callback, not an async generator: a
 * generator layer costs a promise and a microtask per log (100,000 of them per export; bench/payroll.ts).
 * The API source lists `period` portal-wide, or once per project of `scopeProjects` when non-empty.
 */
export async function readSource(
  source: TimesheetSource,
  scopeProjects: readonly string[] | undefined,
  period: Period,
  readFile: TimesheetFileReader | undefined,
  take: (n: Normalised) => void,
  warn?: (w: SourceWarning) => void,
): Promise<void> {
  let index = 0;
  if (source.type === 'api') {
    const q = { startDate: period.start, endDate: period.end };
    const api = source.client;
    if (scopeProjects?.length) {
      for (const p of scopeProjects) for await (const t of api.timelogs.listProject(p, q)) take(fromTimeLog(t, index++));
    } else {
      for await (const t of api.timelogs.listPortal(q)) take(fromTimeLog(t, index++));
    }
    return;
  }
  const seen = new Map<string, number>();
  let items: AsyncIterable<ExtractItem>;
  if (source.type === 'file') {
    if (readFile === undefined) throw new ZpetlError('USAGE_INVALID', 'a timesheet file source needs a file reader: call the library exportTimesheets (src/index.ts)', { field: 'source' });
    items = readFile(source, warn);
  } else {
    items = source.items;
  }
  for await (const item of items) {
    if (item.kind === 'reject') take({ ok: false, error: item.reject.error, partial: {} });
    else take(fromTimesheetRecord(item.record.data as TimesheetFields, item.record.pos, seen));
  }
}
