/**
 * Time logs (docs/zoho-api-notes.md#time-logs). Lists take `view_type=customdate` with a window of at most 6 months,
 * and one `module` type per listing; the answer groups entries by day:
 * `{"time_logs":[{"date","log_hours","log_details":[…]}], "page_info"}`; we flatten `log_details`.
 * Request and answer field names differ (`bill_status`/`billing_status`, `hours`/`log_hour`).
 */
import { addDays, addMonths, compareLocalDates, isLocalDate } from '../../core/local-date.js';
import { ZpetlError } from '../../core/errors.js';
import { paginate } from '../paginate.js';
import type { CallResult, Transport } from '../transport.js';
import { ENDPOINTS, type EndpointTemplate, type TimeLog, type TimeLogCreate, type TimeLogQuery, type ZohoId } from '../types.js';
import { normaliseId, seg } from './shared.js';

/** Longest list window Zoho accepts, in months (docs/zoho-api-notes.md#time-logs, [WQ]). */
export const TIMELOG_WINDOW_MONTHS = 6;

/** Splits [start, end] (inclusive, YYYY-MM-DD) into consecutive windows of at most `months` months. */
export function splitDateRange(startDate: string, endDate: string, months = TIMELOG_WINDOW_MONTHS): { start: string; end: string }[] {
  for (const [name, d] of [['startDate', startDate], ['endDate', endDate]] as const) {
    if (!isLocalDate(d)) throw new ZpetlError('USAGE_INVALID', `time-log ${name} must be YYYY-MM-DD, got "${d}"`, { field: name, value: d });
  }
  if (compareLocalDates(startDate, endDate) > 0) {
    throw new ZpetlError('USAGE_INVALID', `time-log startDate ${startDate} is after endDate ${endDate}`, { field: 'startDate', value: startDate });
  }
  const out: { start: string; end: string }[] = [];
  let s = startDate;
  while (compareLocalDates(s, endDate) <= 0) {
    const last = addDays(addMonths(s, months), -1);
    const e = compareLocalDates(last, endDate) < 0 ? last : endDate;
    out.push({ start: s, end: e });
    s = addDays(e, 1);
  }
  return out;
}

/** Flattens `time_logs[].log_details[]` (also accepts a flat list of entries). */
export function flattenTimeLogs(body: unknown): TimeLog[] {
  const groups = Array.isArray(body) ? body : (body as { time_logs?: unknown; timelogs?: unknown } | undefined)?.time_logs ?? (body as { timelogs?: unknown } | undefined)?.timelogs;
  if (!Array.isArray(groups)) return [];
  const out: TimeLog[] = [];
  for (const g of groups) {
    if (!g || typeof g !== 'object') continue;
    const details = (g as { log_details?: unknown }).log_details;
    if (Array.isArray(details)) {
      for (const d of details) if (d && typeof d === 'object') out.push(normaliseId(d as Record<string, unknown>) as TimeLog);
    } else if ((g as { id?: unknown }).id !== undefined) {
      out.push(normaliseId(g as Record<string, unknown>) as TimeLog);
    }
  }
  return out;
}

function oneLog(res: CallResult | undefined, what: string): TimeLog {
  const body = res?.body;
  const flat = flattenTimeLogs(body);
  if (flat[0]) return flat[0];
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (b.id !== undefined) return normaliseId(b) as TimeLog;
    for (const k of ['time_log', 'timelog', 'log']) {
      const v = b[k];
      if (v && typeof v === 'object') return normaliseId(v as Record<string, unknown>) as TimeLog;
    }
  }
  throw new ZpetlError('ZOHO_UNEXPECTED_RESPONSE', `the ${what} answer carries no time log (HTTP ${res?.status ?? 'none'})`, { details: { status: res?.status } });
}

export function timelogsEndpoints(t: Transport, defaultPerPage = 100) {
  async function* listing(endpoint: EndpointTemplate, path: string, q: TimeLogQuery): AsyncGenerator<TimeLog> {
    const types = q.moduleTypes ?? ['task', 'issue', 'general'];
    const users = q.userIds?.length ? JSON.stringify({ users: q.userIds.map((id) => ({ id })) }) : undefined;
    for (const w of splitDateRange(q.startDate, q.endDate)) {
      for (const type of types) {
        yield* paginate<TimeLog>(
          t,
          {
            endpoint,
            path,
            query: { view_type: 'customdate', start_date: w.start, end_date: w.end, module: JSON.stringify({ type }), users_list: users },
          },
          { items: flattenTimeLogs, perPage: q.perPage ?? defaultPerPage },
        );
      }
    }
  }
  return {
    listProject(projectId: ZohoId, query: TimeLogQuery): AsyncIterable<TimeLog> {
      return listing(ENDPOINTS.timelogsProjectList, `/projects/${seg(projectId)}/timelogs`, query);
    },
    listPortal(query: TimeLogQuery): AsyncIterable<TimeLog> {
      return listing(ENDPOINTS.timelogsPortalList, '/timelogs', query);
    },
    async create(projectId: ZohoId, body: TimeLogCreate): Promise<TimeLog> {
      return oneLog(await t.call({ endpoint: ENDPOINTS.timelogCreate, path: `/projects/${seg(projectId)}/log`, body }), 'time-log create');
    },
    async update(projectId: ZohoId, logId: ZohoId, body: Partial<TimeLogCreate>): Promise<TimeLog> {
      return oneLog(await t.call({ endpoint: ENDPOINTS.timelogUpdate, path: `/projects/${seg(projectId)}/logs/${seg(logId)}`, body }), 'time-log update');
    },
    async delete(projectId: ZohoId, logId: ZohoId, moduleType: 'task' | 'issue' | 'general'): Promise<void> {
      await t.call({
        endpoint: ENDPOINTS.timelogDelete,
        path: `/projects/${seg(projectId)}/logs/${seg(logId)}`,
        query: { module: JSON.stringify({ type: moduleType }) },
      });
    },
  };
}
