/**
 * Time-log listings (docs/zoho-api-notes.md#time-logs-and-timesheets): `{time_logs:[{date, log_hours, log_details:[…]}], page_info}`, in date
 * then insertion order, paged like every list (common.ts `paging`).
 */
import { addDays, addMonths, daysInMonth, formatHhMm, startOfWeek } from '../../core/index.js';
import { virtualToday, type SandboxContext } from '../context.js';
import { json, noContent, type SandboxRequest, type SandboxResponse } from '../http.js';
import { fail } from '../v3-error.js';
import { dateField, paging, type Json } from './common.js';

function parseJsonParam(req: SandboxRequest, name: string): Json | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    if (v === null || typeof v !== 'object') throw new Error('not an object');
    return v as Json;
  } catch {
    throw fail.parse(name, `${name} must be JSON, got ${JSON.stringify(raw)}`);
  }
}

/**
 * The answer of `GET /timelogs` (portal-wide) and `GET /projects/{project}/timelogs` (`projectId`): the
 * `view_type` range (day, Sunday-first week, month, or customdate's start and end), checked against
 * `timelogMaxRangeMonths`, filtered by `module` and `users_list`, one page grouped by date.
 */
export function timelogListing(ctx: SandboxContext, req: SandboxRequest, projectId?: string): SandboxResponse {
  const viewType = req.query.get('view_type');
  if (!viewType) throw fail.missing('view_type');
  if (!['day', 'week', 'month', 'customdate'].includes(viewType)) {
    throw fail.invalid('view_type', `view_type must be day, week, month or customdate, got ${JSON.stringify(viewType)}`);
  }
  const q = Object.fromEntries(req.query) as Json;
  const start = dateField(q, 'start_date') ?? dateField(q, 'date');
  let end = dateField(q, 'end_date');
  let from = start ?? virtualToday(ctx);
  if (viewType === 'customdate') {
    if (!start) throw fail.missing('start_date');
    if (!end) throw fail.missing('end_date');
  } else if (viewType === 'day') end = from;
  else if (viewType === 'week') {
    from = startOfWeek(from, 0); // Sunday-first, Zoho's default week start (UNCONFIRMED)
    end = addDays(from, 6);
  } else {
    from = `${from.slice(0, 7)}-01`;
    end = `${from.slice(0, 7)}-${String(daysInMonth(Number(from.slice(0, 4)), Number(from.slice(5, 7)))).padStart(2, '0')}`;
  }
  if (end! < from) throw fail.invalid('end_date', 'end_date is before start_date');
  if (end! > addMonths(from, ctx.config.timelogMaxRangeMonths)) {
    throw fail.invalid('end_date', `the date range may span at most ${ctx.config.timelogMaxRangeMonths} months`);
  }
  const module = parseJsonParam(req, 'module');
  if (!module && ctx.config.requireTimelogModule) throw fail.missing('module');
  if (module && module.type !== undefined && !['task', 'issue', 'general'].includes(String(module.type))) {
    throw fail.invalid('module', `module.type must be task, issue or general, got ${JSON.stringify(module.type)}`);
  }
  let owners: string[] | undefined;
  const raw = req.query.get('users_list');
  if (raw && raw !== 'all') {
    const ul = parseJsonParam(req, 'users_list')!;
    const list = Array.isArray(ul) ? ul : ul.users;
    if (!Array.isArray(list)) throw fail.parse('users_list', 'users_list must be {"users":[{"id":…}]}');
    owners = list.map((u: unknown) => String(typeof u === 'object' && u !== null ? ((u as Json).id ?? (u as Json).zpuid) : u));
  }
  const p = paging(ctx, req);
  const rows = ctx.store.queryTimelogs({
    ...(projectId !== undefined ? { projectId } : {}),
    startDate: from,
    endDate: end!,
    ...(module?.type !== undefined ? { type: String(module.type) } : {}),
    ...(module?.id !== undefined ? { moduleId: String(module.id) } : {}),
    ...(owners ? { owners } : {}),
    limit: p.perPage + 1,
    offset: p.offset,
  });
  const hasNext = rows.length > p.perPage;
  const page = hasNext ? rows.slice(0, p.perPage) : rows;
  if (page.length === 0 && ctx.config.emptyListStatus === 204) return noContent();
  const groups: { date: string; minutes: number; log_details: Json[] }[] = [];
  for (const r of page) {
    let g = groups[groups.length - 1];
    if (!g || g.date !== r.date) groups.push((g = { date: r.date, minutes: 0, log_details: [] }));
    g.minutes += r.minutes;
    g.log_details.push(r.data);
  }
  return json(200, {
    time_logs: groups.map((g) => ({ date: g.date, log_hours: formatHhMm(g.minutes), log_details: g.log_details })),
    page_info: { page: p.page, per_page: p.perPage, page_count: page.length, has_next_page: hasNext },
  });
}
