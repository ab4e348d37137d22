/**
 * Time logs (docs/zoho-api-notes.md#time-logs). Request names (`bill_status`, `hours`, `status`, `owner_zpuid`) differ from
 * response names (`billing_status`, `log_hour`, `approval.status`). Lists are
 * `{time_logs:[{date, log_hours, log_details:[…]}], page_info}` with a required `view_type`, windows
 * of at most `timelogMaxRangeMonths`, `module` JSON `{type,id?}` and `users_list` JSON filters
 * (timelog-listing.ts). This file holds the log entry model and the single-log routes.
 */
import { formatHhMm } from '../../core/index.js';
import { createdTimeNow, nowIso, type SandboxContext } from '../context.js';
import { json, noContent, type SandboxResponse } from '../http.js';
import type { TimelogRow } from '../store.js';
import { fail } from '../v3-error.js';
import { timelogListing } from './timelog-listing.js';
import { isProjectUser } from './users.js';
import {
  checkKeys,
  dateField,
  inProject,
  jsonBody,
  liveProject,
  projectRef,
  requireKeys,
  str,
  userRef,
  type Json,
  type Route,
} from './common.js';

const CREATE_KEYS = [
  'log_name',
  'date',
  'bill_status',
  'hours',
  'notes',
  'owner_zpuid',
  'approver',
  'start_time',
  'end_time',
  'module',
  'status',
  'cost_rate_per_hour',
  'for_timer',
] as const;
const UPDATE_KEYS = [...CREATE_KEYS, 'approval_status', 'is_draft', 'extra_data'] as const;

export type LogType = 'task' | 'issue' | 'general';

/**
 * Hours as `HH:MM`, `H.MM` (hours.minutes, the historical Zoho reading: "4.20" = 4 h 20 min) or whole
 * hours → minutes. A dotted value whose minutes exceed 59 (decimal hours like "1.75") is refused, as is
 * a one-digit fraction ("1.5": 1 h 5 min or 1 h 30 min?) (docs/zoho-api-notes.md#time-logs, UNCONFIRMED).
 */
export function parseLogHours(s: string): number | undefined {
  const m = /^(\d{1,3})(?:[:.](\d{2}))?$/.exec(s.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = m[2] === undefined ? 0 : Number(m[2]);
  if (mi > 59) return undefined;
  return h * 60 + mi;
}

const CLOCK_RE = /^(0?[1-9]|1[0-2]):([0-5]\d)\s?(AM|PM)$/i;

function clockMinutes(s: string): number {
  const m = CLOCK_RE.exec(s)!;
  return ((Number(m[1]) % 12) + (m[3]!.toUpperCase() === 'PM' ? 12 : 0)) * 60 + Number(m[2]);
}

export interface LogDraft {
  id?: string;
  date: string;
  minutes: number;
  billing: 'Billable' | 'Non Billable';
  type: LogType;
  module?: { id: string; name: string };
  logName?: string;
  ownerZpuid: string;
  addedBy: string;
  approval: 'Approved' | 'Unapproved' | 'Rejected';
  approverZpuid?: string;
  notes?: string;
  startTime?: string;
  endTime?: string;
}

function toEntry(ctx: SandboxContext, projectId: string, d: LogDraft, prev?: Json): Json {
  const project = ctx.store.get<Json>('project', projectId)!.data;
  const now = nowIso(ctx);
  const id = d.id ?? (prev?.id as string | undefined) ?? ctx.store.nextId();
  // A task/issue log without a known module (admin-inserted without module_detail) keeps what it had.
  const detail =
    d.type === 'general'
      ? { id, name: d.logName ?? '', type: 'general', prefix: '' }
      : d.module
        ? { id: d.module.id, name: d.module.name, type: d.type, prefix: '' }
        : (prev?.module_detail as Json | undefined);
  return {
    id,
    date: d.date,
    log_hour: formatHhMm(d.minutes),
    ...(d.startTime ? { start_time: d.startTime.toUpperCase(), end_time: d.endTime?.toUpperCase() } : {}),
    billing_status: d.billing,
    type: d.type,
    ...(detail ? { module_detail: detail } : {}),
    ...(d.logName !== undefined ? { log_name: d.logName } : {}),
    project: projectRef(project),
    owner: userRef(ctx, d.ownerZpuid),
    added_by: (prev?.added_by as Json | undefined) ?? userRef(ctx, d.addedBy),
    approval: {
      status: d.approval,
      time: now,
      ...userRef(ctx, d.approverZpuid ?? d.addedBy),
    },
    notes: d.notes ?? '',
    log_notes: d.notes ?? '',
    created_time: (prev?.created_time as string | undefined) ?? createdTimeNow(ctx),
    last_modified_time: now,
  };
}

export function insertTimelog(ctx: SandboxContext, projectId: string, d: LogDraft): Json {
  const entry = toEntry(ctx, projectId, d);
  ctx.store.insertTimelog(rowOf(projectId, entry, d.minutes));
  return entry;
}

export function rowOf(projectId: string, entry: Json, minutes: number): TimelogRow {
  const detail = entry.module_detail as Json | undefined;
  return {
    id: String(entry.id),
    projectId,
    date: String(entry.date),
    ownerZpuid: String((entry.owner as Json | undefined)?.zpuid ?? ''),
    type: String(entry.type ?? 'task'),
    moduleId: entry.type === 'general' ? null : detail?.id === undefined ? null : String(detail.id),
    minutes,
    data: entry,
  };
}

function draftFromBody(ctx: SandboxContext, body: Json, projectId: string, callerZpuid: string, prev?: LogDraft): LogDraft {
  const d: LogDraft = prev
    ? { ...prev }
    : {
        date: '',
        minutes: 0,
        billing: 'Billable',
        type: 'task',
        ownerZpuid: callerZpuid,
        addedBy: callerZpuid,
        approval: ctx.config.defaultLogApproval,
      };
  const date = dateField(body, 'date');
  if (date !== undefined) d.date = date;
  if (body.bill_status !== undefined) {
    const b = String(body.bill_status).toLowerCase().replace(/[\s_-]+/g, ' ');
    if (b !== 'billable' && b !== 'non billable') {
      throw fail.invalid('bill_status', `bill_status must be Billable or Non Billable, got ${JSON.stringify(body.bill_status)}`);
    }
    d.billing = b === 'billable' ? 'Billable' : 'Non Billable';
  }
  for (const k of ['start_time', 'end_time'] as const) {
    const v = str(body, k, 20);
    if (v !== undefined && !CLOCK_RE.test(v)) throw fail.invalid(k, `${k} must be hh:mm AM/PM, got ${JSON.stringify(v)}`);
  }
  if (body.start_time !== undefined) d.startTime = String(body.start_time);
  if (body.end_time !== undefined) d.endTime = String(body.end_time);
  if (body.hours !== undefined) {
    if (typeof body.hours !== 'string') throw fail.invalid('hours', 'hours must be a string HH:MM');
    const min = parseLogHours(body.hours);
    if (min === undefined) {
      throw fail.invalid('hours', `hours must be HH:MM or H.MM (hours.minutes, minutes ≤ 59), got ${JSON.stringify(body.hours)}`);
    }
    d.minutes = min;
  } else if (d.startTime && d.endTime && (body.start_time !== undefined || body.end_time !== undefined)) {
    d.minutes = clockMinutes(d.endTime) - clockMinutes(d.startTime);
    if (d.minutes <= 0) throw fail.invalid('end_time', 'end_time must be after start_time');
  }
  if (d.minutes <= 0 || d.minutes > 24 * 60) throw fail.invalid('hours', 'hours must be more than 00:00 and at most 24:00');
  const status = body.status ?? body.approval_status;
  if (status !== undefined) {
    if (status !== 'Approved' && status !== 'Unapproved' && status !== 'Rejected') {
      throw fail.invalid('status', `status must be Approved, Unapproved or Rejected, got ${JSON.stringify(status)}`);
    }
    d.approval = status;
  }
  if (body.approver !== undefined) {
    if (!ctx.store.get('user', String(body.approver))) throw fail.invalid('approver', `no portal user ${String(body.approver)}`);
    d.approverZpuid = String(body.approver);
  }
  const notes = str(body, 'notes', 80_000);
  if (notes !== undefined) d.notes = notes;
  const name = str(body, 'log_name', 300);
  if (name !== undefined) d.logName = name;
  if (body.owner_zpuid !== undefined) {
    const z = String(body.owner_zpuid);
    if (!ctx.store.get('user', z)) throw fail.invalid('owner_zpuid', `no portal user with zpuid ${z}`);
    d.ownerZpuid = z;
  }
  if (ctx.config.requireProjectMembershipForLogs && !isProjectUser(ctx, projectId, d.ownerZpuid)) {
    throw fail.invalid('owner_zpuid', `user ${d.ownerZpuid} is not a member of project ${projectId}`);
  }
  if (body.module !== undefined) {
    const m = body.module;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw fail.parse('module', 'module must be {"type","id"}');
    const mo = m as Json;
    if (mo.type !== 'task' && mo.type !== 'issue' && mo.type !== 'general') {
      throw fail.invalid('module.type', `module.type must be task, issue or general, got ${JSON.stringify(mo.type)}`);
    }
    if (prev && mo.type !== prev.type) throw fail.invalid('module.type', `log is a ${prev.type} log, not ${String(mo.type)}`);
    d.type = mo.type;
    if (mo.type === 'issue') throw fail.invalid('module.type', 'issue logs are not emulated by the sandbox');
    if (mo.type === 'task' && (mo.id !== undefined || !prev)) {
      if (mo.id === undefined) throw fail.missing('module.id');
      const t = inProject<Json>(ctx, 'task', String(mo.id), projectId, 'module.id').data;
      d.module = { id: String(t.id), name: String(t.name) };
    }
  }
  if (d.type === 'general' && !d.logName) throw fail.missing('log_name');
  return d;
}

/**
 * The stored entry → a draft for PATCH. Zoho always sends `module_detail` (every real entry has one: docs/zoho-api-notes.md#time-logs), but the
 * admin API may insert a log without one: then no module is known (a task/issue log keeps none until a
 * PATCH names one) and a general log's name falls back to `module_detail.name`, never a 500.
 */
function draftFromEntry(e: Json, minutes: number): LogDraft {
  const detail = e.module_detail as Json | undefined;
  const approval = (e.approval as Json | undefined) ?? {};
  const logName = typeof e.log_name === 'string' ? e.log_name : e.type === 'general' && typeof detail?.name === 'string' ? detail.name : undefined;
  return {
    id: String(e.id),
    date: String(e.date),
    minutes,
    billing: e.billing_status as LogDraft['billing'],
    type: e.type as LogType,
    ...(e.type !== 'general' && detail?.id !== undefined ? { module: { id: String(detail.id), name: String(detail.name ?? '') } } : {}),
    ...(logName !== undefined ? { logName } : {}),
    ownerZpuid: String((e.owner as Json).zpuid),
    addedBy: String((e.added_by as Json | undefined)?.zpuid ?? ''),
    approval: approval.status as LogDraft['approval'],
    approverZpuid: String(approval.zpuid ?? ''),
    notes: String(e.notes ?? ''),
    ...(typeof e.start_time === 'string' ? { startTime: e.start_time, endTime: String(e.end_time) } : {}),
  };
}

function writeAnswer(ctx: SandboxContext, status: number, e: Json): SandboxResponse {
  if (ctx.config.timelogWriteResponse === 'flat') return json(status, e);
  return json(status, { time_logs: [{ date: e.date, log_hours: e.log_hour, log_details: [e] }] });
}

function liveLog(ctx: SandboxContext, projectId: string, logId: string): TimelogRow {
  const row = ctx.store.getTimelog(logId);
  if (!row || row.projectId !== projectId) throw fail.notFound('log', logId);
  return row;
}

export const timelogRoutes: Route[] = [
  {
    method: 'GET',
    template: '/projects/{project}/timelogs',
    scope: 'timesheets.READ',
    handle: ({ ctx, req, params }) => {
      liveProject(ctx, params.project!);
      return timelogListing(ctx, req, params.project!);
    },
  },
  {
    method: 'GET',
    template: '/timelogs',
    scope: 'timesheets.READ',
    handle: ({ ctx, req }) => timelogListing(ctx, req),
  },
  {
    method: 'POST',
    template: '/projects/{project}/log',
    scope: 'timesheets.CREATE',
    handle: ({ ctx, req, params, caller }) => {
      liveProject(ctx, params.project!);
      const body = checkKeys(ctx, 'timelogs', jsonBody(req), CREATE_KEYS);
      requireKeys(body, ['date', 'bill_status', 'module']);
      if (body.hours === undefined && (body.start_time === undefined || body.end_time === undefined)) {
        throw fail.missing('hours');
      }
      const d = draftFromBody(ctx, body, params.project!, caller.ownerZpuid);
      return writeAnswer(ctx, 201, insertTimelog(ctx, params.project!, d));
    },
  },
  {
    method: 'GET',
    template: '/projects/{project}/logs/{log}',
    scope: 'timesheets.READ',
    handle: ({ ctx, params }) => {
      liveProject(ctx, params.project!);
      return writeAnswer(ctx, 200, liveLog(ctx, params.project!, params.log!).data);
    },
  },
  {
    method: 'PATCH',
    template: '/projects/{project}/logs/{log}',
    scope: 'timesheets.UPDATE',
    handle: ({ ctx, req, params, caller }) => {
      liveProject(ctx, params.project!);
      const row = liveLog(ctx, params.project!, params.log!);
      const body = checkKeys(ctx, 'timelogs', jsonBody(req), UPDATE_KEYS);
      const extra = body.extra_data as Json | undefined;
      if (extra && typeof extra === 'object') for (const k of ['start_time', 'end_time', 'notes']) body[k] ??= extra[k];
      const d = draftFromBody(ctx, body, params.project!, caller.ownerZpuid, draftFromEntry(row.data, row.minutes));
      const entry = toEntry(ctx, params.project!, d, row.data);
      ctx.store.updateTimelog(rowOf(params.project!, entry, d.minutes));
      return writeAnswer(ctx, 200, entry);
    },
  },
  {
    method: 'DELETE',
    template: '/projects/{project}/logs/{log}',
    scope: 'timesheets.DELETE',
    handle: ({ ctx, params }) => {
      liveProject(ctx, params.project!);
      const row = liveLog(ctx, params.project!, params.log!);
      ctx.store.removeTimelog(row.id);
      return noContent();
    },
  },
];
