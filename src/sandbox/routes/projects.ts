/**
 * Portals and projects (docs/zoho-api-notes.md#hosts-and-paths and #projects): `/portals` and `/projects` answer bare arrays (no page_info);
 * delete is POST …/trash → 204, after which the project answers 410; DELETE /projects/{id} → 404.
 */
import { createdTimeNow, nowIso, type SandboxContext } from '../context.js';
import { json, noContent } from '../http.js';
import { fail, V3Error } from '../v3-error.js';
import { addProjectUser, ROLES } from './users.js';
import { checkKeys, dateField, jsonBody, linkId, liveProject, paging, resolveUser, str, userRef, type Json, type Route } from './common.js';
import { createRoute } from './resource.js';

const PROJECT_KEYS = [
  'name',
  'description',
  'start_date',
  'end_date',
  'owner',
  'is_public_project',
  'is_strict_project',
  'status',
  'project_group',
  'layout',
  'budget_info',
  'tags',
] as const;

/** Task statuses every new project gets (ids per project, docs/zoho-api-notes.md#statuses: no list endpoint). */
const TASK_STATUSES = [
  { name: 'Open', color: 'green', color_hexcode: '#2cc8ba', is_closed_type: false },
  { name: 'In Progress', color: 'blue', color_hexcode: '#08aeea', is_closed_type: false },
  { name: 'Closed', color: 'grey', color_hexcode: '#7c7c7c', is_closed_type: true },
];

export function portalObject(ctx: SandboxContext): Json {
  return JSON.parse(ctx.store.getMeta('portal') ?? '{}') as Json;
}

export function projectStatuses(ctx: SandboxContext): Json[] {
  return JSON.parse(ctx.store.getMeta('project_statuses') ?? '[]') as Json[];
}

/** Creates a project with its task statuses; shared by the API and the admin bulk insert. */
export function insertProject(ctx: SandboxContext, data: Json): Json {
  const id = typeof data.id === 'string' ? data.id : ctx.store.nextId();
  const now = nowIso(ctx);
  const owner = (data.owner as Json | undefined) ?? userRef(ctx, ctx.store.getMeta('owner_zpuid') ?? '');
  const project: Json = {
    id,
    name: data.name,
    project_type: 'active',
    description: data.description ?? '',
    owner,
    created_by: owner,
    updated_by: owner,
    is_public_project: false,
    is_strict_project: false,
    created_time: createdTimeNow(ctx),
    modified_time: now,
    status: projectStatuses(ctx)[0],
    layout: { id: ctx.store.getMeta('layout_id'), name: 'Standard Layout', is_default: true, type: 'project' },
    is_rollup_project: false,
    budget_info: { billing_method: 'none', budget_type: 'none', currency: 'USD' },
    percent_complete: 0,
    tasks: { open_count: 0, closed_count: 0 },
    issues: { open_count: 0, closed_count: 0 },
    milestones: { open_count: 0, closed_count: 0 },
    is_completed: false,
    tags: [],
    ...data,
  };
  project.id = id;
  ctx.store.insert('project', id, project, { projectId: id });
  // The project owner is a member of the project, as in the web UI.
  const ownerZpuid = (project.owner as Json | undefined)?.zpuid;
  if (typeof ownerZpuid === 'string' && ctx.store.get('user', ownerZpuid)) addProjectUser(ctx, id, ownerZpuid, ROLES.admin.id);
  for (const st of TASK_STATUSES) {
    const sid = ctx.store.nextId();
    ctx.store.insert('task_status', sid, { id: sid, ...st }, { projectId: id });
  }
  return project;
}

/** Adds the counts Zoho computes (tasks/milestones open and closed, percent_complete) for output. */
export function presentProject(ctx: SandboxContext, p: Json): Json {
  const count = (kind: string, closedPath: string) =>
    ctx.store
      .stmt<[string, string, string], { open: number | null; closed: number | null }>(
        `SELECT sum(CASE WHEN json_extract(data, ?) THEN 0 ELSE 1 END) AS open,
                sum(CASE WHEN json_extract(data, ?) THEN 1 ELSE 0 END) AS closed
         FROM entities WHERE kind = '${kind}' AND project_id = ?`,
      )
      .get(closedPath, closedPath, String(p.id));
  const t = count('task', '$.is_completed');
  const m = count('milestone', '$.status.is_closed');
  const tasks = { open_count: t?.open ?? 0, closed_count: t?.closed ?? 0 };
  const total = tasks.open_count + tasks.closed_count;
  return {
    ...p,
    tasks,
    milestones: { open_count: m?.open ?? 0, closed_count: m?.closed ?? 0 },
    percent_complete: total === 0 ? 0 : Math.round((tasks.closed_count / total) * 100),
  };
}

function applyProjectBody(ctx: SandboxContext, body: Json, target: Json): void {
  const name = str(body, 'name', 300);
  if (name !== undefined) {
    if (name.trim() === '') throw fail.invalid('name', 'name must not be empty');
    target.name = name;
  }
  const description = str(body, 'description', 80_000);
  if (description !== undefined) target.description = description;
  const start = dateField(body, 'start_date');
  const end = dateField(body, 'end_date');
  if (start !== undefined) target.start_date = start;
  if (end !== undefined) target.end_date = end;
  if (typeof target.start_date === 'string' && typeof target.end_date === 'string' && target.end_date < target.start_date) {
    throw fail.invalid('end_date', 'end_date is before start_date');
  }
  if (body.owner !== undefined) target.owner = userRef(ctx, resolveUser(ctx, body.owner, 'owner'));
  for (const k of ['is_public_project', 'is_strict_project'] as const) {
    if (body[k] === undefined) continue;
    if (typeof body[k] !== 'boolean') throw fail.invalid(k, `${k} must be true or false`);
    target[k] = body[k];
  }
  const statusId = linkId(body, 'status');
  if (statusId !== undefined) {
    const st = projectStatuses(ctx).find((s) => s.id === statusId);
    if (!st) throw fail.invalid('status', `no project status with id ${statusId}`);
    target.status = st;
    target.is_completed = st.is_closed_type === true;
  }
  for (const [k, v] of Object.entries(body)) if (k.startsWith('cf_')) target[k] = v;
}

export const projectRoutes: Route[] = [
  {
    method: 'GET',
    template: '/projects',
    scope: 'projects.READ',
    handle: ({ ctx, req }) => {
      const p = paging(ctx, req);
      const rows = ctx.store.list<Json>('project', { limit: p.perPage, offset: p.offset }).map((r) => presentProject(ctx, r.data));
      if (rows.length === 0 && ctx.config.emptyListStatus === 204) return noContent();
      return json(200, rows); // bare array, no page_info (docs/zoho-api-notes.md#pagination)
    },
  },
  createRoute({
    template: '/projects',
    scope: 'projects.CREATE',
    resource: 'projects',
    keys: PROJECT_KEYS,
    required: ['name'],
    create: ({ ctx, caller }, body) => {
      const draft: Json = { owner: userRef(ctx, caller.ownerZpuid), created_by: userRef(ctx, caller.ownerZpuid) };
      applyProjectBody(ctx, body, draft);
      return json(201, insertProject(ctx, draft));
    },
  }),
  {
    method: 'GET',
    template: '/projects/{project}',
    scope: 'projects.READ',
    handle: ({ ctx, params }) => json(200, presentProject(ctx, liveProject(ctx, params.project!).data)),
  },
  {
    method: 'PATCH',
    template: '/projects/{project}',
    scope: 'projects.UPDATE',
    handle: ({ ctx, req, params, caller }) => {
      const row = liveProject(ctx, params.project!);
      const body = checkKeys(ctx, 'projects', jsonBody(req), PROJECT_KEYS);
      applyProjectBody(ctx, body, row.data);
      row.data.modified_time = nowIso(ctx);
      row.data.updated_by = userRef(ctx, caller.ownerZpuid);
      ctx.store.update('project', row.id, row.data);
      return json(200, presentProject(ctx, row.data));
    },
  },
  {
    method: 'DELETE',
    template: '/projects/{project}',
    scope: 'projects.DELETE',
    // Projects are deleted through /trash; DELETE on the resource answers 404 (docs/zoho-api-notes.md#projects, [ONION] probe).
    handle: ({ req }) => {
      throw new V3Error(404, 'URL_RULE_NOT_CONFIGURED', [{ message: `no URL rule for DELETE ${req.path}` }]);
    },
  },
  {
    method: 'POST',
    template: '/projects/{project}/trash',
    scope: 'projects.DELETE',
    handle: ({ ctx, params }) => {
      const row = liveProject(ctx, params.project!);
      ctx.store.setTrashed('project', row.id);
      return noContent();
    },
  },
];

export const portalRoutes: Route[] = [
  {
    method: 'GET',
    template: '/portals',
    scope: 'portals.READ',
    handle: ({ ctx }) => json(200, [portalObject(ctx)]),
  },
];
