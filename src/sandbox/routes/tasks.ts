/**
 * Tasks (docs/zoho-api-notes.md#tasks): create answers the flat task; links are nested objects (`tasklist: {id}`);
 * `parental_info.parent_task_id` makes a subtask (depth + parental_info); `owners_and_work` must be an
 * object (an array → JSON_PARSE_ERROR) and takes owners as a replacement list or `{add}/{remove}`
 * entries; updates are PATCH only (PUT/POST on the task → INVALID_METHOD); `?search=` and
 * `?parent_task=` on the list are ignored and the list includes subtasks (docs/zoho-api-notes.md#request-and-response-shapes, [ONION]).
 */
import { formatHhMm } from '../../core/index.js';
import { createdTimeNow, nowIso, type SandboxContext } from '../context.js';
import { json, noContent } from '../http.js';
import { fail } from '../v3-error.js';
import { generalTasklist } from './tasklists.js';
import { checkKeys, dateField, enumField, inProject, jsonBody, linkId, liveProject, projectRef, resolveUser, str, userRef, type Json, type Route } from './common.js';
import { createRoute, listRoute } from './resource.js';

const UPDATE_KEYS = [
  'name',
  'description',
  'tasklist',
  'status',
  'priority',
  'start_date',
  'end_date',
  'duration',
  'owners_and_work',
  'billing_type',
  'completion_percentage',
  'tags',
  'teams',
  'person_responsible_array',
  'assignees',
] as const;
const CREATE_KEYS = [...UPDATE_KEYS, 'parental_info'] as const;

export const TASK_NAME_MAX = 10_000;
export const TASK_DESCRIPTION_MAX = 80_000;

function statusesOf(ctx: SandboxContext, projectId: string): Json[] {
  return ctx.store.list<Json>('task_status', { projectId }).map((r) => r.data);
}

function ownerEntry(ctx: SandboxContext, zpuid: string): Json {
  return { ...userRef(ctx, zpuid), work_values: '00:00' };
}

/** Stores a task built by the API or the seeds/admin. `ownerZpuids` fills owners_and_work. */
export function insertTask(ctx: SandboxContext, projectId: string, draft: Json & { ownerZpuids?: string[] }): Json {
  const { ownerZpuids, ...data } = draft;
  const project = ctx.store.get<Json>('project', projectId)!.data;
  const id = typeof data.id === 'string' ? data.id : ctx.store.nextId();
  const tl = (data.tasklist as Json | undefined) ?? generalTasklist(ctx, projectId);
  const tlRow = ctx.store.get<Json>('tasklist', String(tl.id))?.data;
  const seq = Number(ctx.store.getMeta(`task_seq:${projectId}`) ?? '0') + 1;
  ctx.store.setMeta(`task_seq:${projectId}`, String(seq));
  const now = nowIso(ctx);
  const creator = userRef(ctx, ctx.store.getMeta('owner_zpuid') ?? '');
  const open = statusesOf(ctx, projectId)[0];
  const task: Json = {
    id,
    prefix: `T${seq}`,
    name: data.name,
    description: '',
    project: projectRef(project),
    tasklist: { id: tl.id, name: tl.name ?? tlRow?.name },
    ...(tlRow?.milestone ? { milestone: tlRow.milestone } : {}),
    status: open,
    priority: 'none',
    completion_percentage: 0,
    is_completed: false,
    sequence: { sequence: seq },
    depth: 0,
    created_time: createdTimeNow(ctx),
    last_modified_time: now,
    created_via: 'api',
    created_by: creator,
    updated_by: creator,
    billing_type: 'none',
    association_info: {
      has_reminder: false,
      has_recurrence: false,
      has_comments: false,
      has_attachments: false,
      has_forums: false,
      has_subtasks: false,
      has_parents: false,
      has_bugs: false,
    },
    ...data,
  };
  task.id = id;
  // Partial objects from the request complete the defaults instead of replacing them.
  task.owners_and_work = {
    work_type: 'work_hours',
    total_work: '00:00',
    unit: 'hours_per_day',
    copy_task_duration: false,
    owners: (ownerZpuids ?? []).map((z) => ownerEntry(ctx, z)),
    ...((data.owners_and_work as Json | undefined) ?? {}),
  };
  ctx.store.insert('task', id, task, {
    projectId,
    parentId: (task.parental_info as Json | undefined)?.parent_task_id as string | undefined,
  });
  return task;
}

/** Adds computed fields (log_hours) to a stored task for output. */
export function present(ctx: SandboxContext, task: Json): Json {
  const m = ctx.store.taskLogMinutes(String(task.id));
  return {
    ...task,
    log_hours: {
      billable_hours: formatHhMm(m.billable),
      non_billable_hours: formatHhMm(m.nonBillable),
      total_hours: formatHhMm(m.billable + m.nonBillable),
    },
  };
}

function owners(ctx: SandboxContext, raw: unknown, current: Json[]): Json[] {
  if (!Array.isArray(raw)) throw fail.parse('owners', 'owners must be an array');
  let list = raw.some((e) => e && typeof e === 'object' && ('add' in e || 'remove' in e)) ? [...current] : [];
  for (const e of raw as Json[]) {
    if (e && typeof e === 'object' && ('add' in e || 'remove' in e)) {
      for (const a of (e.add as unknown[] | undefined) ?? []) {
        const z = resolveUser(ctx, a, 'owners');
        if (!list.some((o) => o.zpuid === z)) list.push(ownerEntry(ctx, z));
      }
      for (const r of (e.remove as unknown[] | undefined) ?? []) {
        const z = resolveUser(ctx, r, 'owners');
        list = list.filter((o) => o.zpuid !== z);
      }
    } else {
      const z = resolveUser(ctx, e, 'owners');
      if (!list.some((o) => o.zpuid === z)) list.push(ownerEntry(ctx, z));
    }
  }
  return list;
}

function apply(ctx: SandboxContext, body: Json, t: Json, projectId: string): void {
  if (body.assignees !== undefined) throw fail.invalid('assignees', 'assignees is not accepted; use owners_and_work.owners');
  const name = str(body, 'name', TASK_NAME_MAX);
  if (name !== undefined) {
    if (name.trim() === '') throw fail.invalid('name', 'name must not be empty');
    t.name = name;
  }
  const description = str(body, 'description', TASK_DESCRIPTION_MAX);
  if (description !== undefined) t.description = description;
  const tlId = linkId(body, 'tasklist');
  if (tlId !== undefined) {
    const tl = inProject<Json>(ctx, 'tasklist', tlId, projectId, 'tasklist').data;
    t.tasklist = { id: tl.id, name: tl.name };
    if (tl.milestone) t.milestone = tl.milestone;
  }
  const statusId = linkId(body, 'status');
  if (statusId !== undefined) {
    const st = statusesOf(ctx, projectId).find((s) => s.id === statusId);
    if (!st) throw fail.invalid('status', `no task status with id ${statusId} in this project`);
    t.status = st;
    t.is_completed = st.is_closed_type === true;
    if (t.is_completed) {
      t.completion_percentage = 100;
      t.completed_on = nowIso(ctx);
    }
  }
  const pr = enumField(body, 'priority', ['none', 'low', 'medium', 'high'] as const, true);
  if (pr) t.priority = pr;
  const bt = enumField(body, 'billing_type', ['none', 'billable', 'non_billable'] as const, true);
  if (bt) t.billing_type = bt;
  const s = dateField(body, 'start_date');
  const e = dateField(body, 'end_date');
  if (s !== undefined) t.start_date = `${s}T00:00:00.000Z`;
  if (e !== undefined) t.end_date = `${e}T00:00:00.000Z`;
  if (typeof t.start_date === 'string' && typeof t.end_date === 'string' && t.end_date < t.start_date) {
    throw fail.invalid('end_date', 'end_date is before start_date');
  }
  if (body.duration !== undefined) {
    const d = body.duration as Json;
    if (!d || typeof d !== 'object' || Array.isArray(d)) throw fail.parse('duration', 'duration must be {"value","type"}');
    if (!/^\d+(\.\d+)?$/.test(String(d.value))) throw fail.invalid('duration.value', 'duration.value must be a number');
    if (d.type !== 'days' && d.type !== 'hours') throw fail.invalid('duration.type', 'duration.type must be days or hours');
    t.duration = { value: String(d.value), type: d.type };
  }
  if (body.completion_percentage !== undefined) {
    const n = Number(body.completion_percentage);
    if (!Number.isInteger(n) || n < 0 || n > 100 || String(body.completion_percentage).trim() === '') {
      throw fail.invalid('completion_percentage', 'completion_percentage must be an integer from 0 to 100');
    }
    t.completion_percentage = n;
    // [WQ] closes tasks by sending completion_percentage "100" (docs/zoho-api-notes.md#tasks); treat 100 as closed.
    const closed = statusesOf(ctx, projectId).find((st) => st.is_closed_type === true);
    if (n === 100 && closed && t.is_completed !== true) {
      t.status = closed;
      t.is_completed = true;
      t.completed_on = nowIso(ctx);
    }
  }
  const ow = (t.owners_and_work as Json | undefined) ?? {};
  if (body.owners_and_work !== undefined) {
    const w = body.owners_and_work;
    if (w === null || typeof w !== 'object' || Array.isArray(w)) {
      throw fail.parse('owners_and_work', 'owners_and_work must be an object');
    }
    const wo = w as Json;
    if (wo.owners !== undefined) ow.owners = owners(ctx, wo.owners, (ow.owners as Json[] | undefined) ?? []);
    if (wo.work_type !== undefined) ow.work_type = String(wo.work_type);
    if (wo.total_work !== undefined) {
      if (!/^\d{1,4}:[0-5]\d$/.test(String(wo.total_work))) throw fail.invalid('total_work', 'total_work must be HH:MM');
      ow.total_work = String(wo.total_work);
    }
    if (wo.unit !== undefined) ow.unit = String(wo.unit);
    t.owners_and_work = ow;
  }
  if (body.person_responsible_array !== undefined) {
    ow.owners = owners(ctx, body.person_responsible_array, []);
    t.owners_and_work = ow;
  }
  for (const [k, v] of Object.entries(body)) if (k.startsWith('cf_')) t[k] = v;
}

function removeTree(ctx: SandboxContext, id: string): void {
  for (const child of ctx.store.list('task', { parentId: id })) removeTree(ctx, child.id);
  ctx.store.removeTimelogsOfModule(id);
  ctx.store.remove('task', id);
}

export const taskRoutes: Route[] = [
  listRoute({ template: '/projects/{project}/tasks', scope: 'tasks.READ', kind: 'task', key: 'tasks', present }),
  createRoute({
    template: '/projects/{project}/tasks',
    scope: 'tasks.CREATE',
    resource: 'tasks',
    keys: CREATE_KEYS,
    required: ['name'],
    create: ({ ctx, params }, body) => {
      const projectId = params.project!;
      const draft: Json = {};
      apply(ctx, body, draft, projectId);
      if (body.parental_info !== undefined) {
        const pi = body.parental_info as Json;
        if (!pi || typeof pi !== 'object' || Array.isArray(pi)) throw fail.parse('parental_info', 'parental_info must be an object');
        if (pi.parent_task_id === undefined) throw fail.missing('parent_task_id');
        const parentRow = ctx.store.get<Json>('task', String(pi.parent_task_id));
        if (!parentRow || parentRow.projectId !== projectId) {
          throw fail.invalid('parent_task_id', `no task ${String(pi.parent_task_id)} in this project`);
        }
        const parent = parentRow.data;
        const parentInfo = parent.parental_info as Json | undefined;
        draft.depth = Number(parent.depth ?? 0) + 1;
        draft.parental_info = { parent_task_id: parent.id, root_task_id: parentInfo?.root_task_id ?? parent.id };
        draft.tasklist = parent.tasklist;
        if (parent.milestone) draft.milestone = parent.milestone;
        (parent.association_info as Json).has_subtasks = true;
        ctx.store.update('task', parent.id as string, parent);
      }
      const task = insertTask(ctx, projectId, draft);
      if (task.depth) {
        (task.association_info as Json).has_parents = true;
        ctx.store.update('task', String(task.id), task);
      }
      return json(201, present(ctx, task)); // flat object at the root (docs/zoho-api-notes.md#tasks)
    },
  }),
  {
    method: 'GET',
    template: '/projects/{project}/tasks/{task}',
    scope: 'tasks.READ',
    handle: ({ ctx, params }) => {
      liveProject(ctx, params.project!);
      return json(200, present(ctx, inProject<Json>(ctx, 'task', params.task!, params.project!, 'task').data));
    },
  },
  {
    method: 'PATCH',
    template: '/projects/{project}/tasks/{task}',
    scope: 'tasks.UPDATE',
    handle: ({ ctx, req, params, caller }) => {
      liveProject(ctx, params.project!);
      const row = inProject<Json>(ctx, 'task', params.task!, params.project!, 'task');
      const body = checkKeys(ctx, 'tasks', jsonBody(req), UPDATE_KEYS);
      apply(ctx, body, row.data, params.project!);
      row.data.last_modified_time = nowIso(ctx);
      row.data.updated_by = userRef(ctx, caller.ownerZpuid);
      ctx.store.update('task', row.id, row.data);
      return json(200, present(ctx, row.data));
    },
  },
  {
    method: 'DELETE',
    template: '/projects/{project}/tasks/{task}',
    scope: 'tasks.DELETE',
    handle: ({ ctx, params }) => {
      liveProject(ctx, params.project!);
      const row = inProject(ctx, 'task', params.task!, params.project!, 'task');
      removeTree(ctx, row.id);
      return noContent();
    },
  },
];
