/**
 * Task lists (docs/zoho-api-notes.md#task-lists): link to a milestone only as `milestone: {id}`; `milestone_id` is silently
 * ignored (docs/zoho-api-notes.md#request-and-response-shapes, [ONION]). Tasks created without a task list go to the project's general list.
 */
import { createdTimeNow, nowIso, type SandboxContext } from '../context.js';
import { json } from '../http.js';
import { checkKeys, enumField, inProject, jsonBody, linkId, liveProject, projectRef, str, userRef, type Json, type Route } from './common.js';
import { createRoute, listRoute } from './resource.js';

const KEYS = ['name', 'milestone', 'flag', 'status', 'tags'] as const;

export function insertTasklist(ctx: SandboxContext, projectId: string, data: Json, general = false): Json {
  const project = ctx.store.get<Json>('project', projectId)!.data;
  const id = typeof data.id === 'string' ? data.id : ctx.store.nextId();
  const now = nowIso(ctx);
  const tl: Json = {
    id,
    name: data.name,
    flag: 'internal',
    status: 'active',
    created_time: createdTimeNow(ctx),
    last_updated_time: now,
    created_by: userRef(ctx, ctx.store.getMeta('owner_zpuid') ?? ''),
    project: projectRef(project),
    meta_info: { is_completed: false, is_rolled: false, is_general: general, has_comments: false, is_none_milestone_tasklist: !data.milestone },
    created_via: 'api',
    tags: [],
    ...data,
  };
  tl.id = id;
  ctx.store.insert('tasklist', id, tl, { projectId });
  return tl;
}

/** The project's general task list, created on first use. */
export function generalTasklist(ctx: SandboxContext, projectId: string): Json {
  const found = ctx.store
    .list<Json>('tasklist', { projectId })
    .find((r) => (r.data.meta_info as Json | undefined)?.is_general === true);
  return found?.data ?? insertTasklist(ctx, projectId, { name: 'General' }, true);
}

function apply(ctx: SandboxContext, body: Json, tl: Json, projectId: string): void {
  const name = str(body, 'name', 300);
  if (name !== undefined) tl.name = name;
  const mid = linkId(body, 'milestone');
  if (mid !== undefined) {
    const m = inProject<Json>(ctx, 'milestone', mid, projectId, 'milestone').data;
    tl.milestone = { id: m.id, name: m.name };
    if (tl.meta_info && typeof tl.meta_info === 'object') (tl.meta_info as Json).is_none_milestone_tasklist = false;
  }
  const flag = enumField(body, 'flag', ['internal', 'external'] as const, true);
  if (flag) tl.flag = flag;
  const status = enumField(body, 'status', ['active', 'completed'] as const, true);
  if (status) tl.status = status;
}

export const tasklistRoutes: Route[] = [
  listRoute({ template: '/projects/{project}/tasklists', scope: 'tasklists.READ', kind: 'tasklist', key: 'tasklists' }),
  createRoute({
    template: '/projects/{project}/tasklists',
    scope: 'tasklists.CREATE',
    resource: 'tasklists',
    keys: KEYS,
    required: ['name'],
    create: ({ ctx, params }, body) => {
      const draft: Json = {};
      apply(ctx, body, draft, params.project!);
      const tl = insertTasklist(ctx, params.project!, draft);
      // Which wrapper the real create answers with is UNCONFIRMED (docs/zoho-api-notes.md#task-lists: tasklists[0] / tasklist / root).
      const shape = ctx.config.tasklistCreateShape;
      return json(201, shape === 'root' ? tl : shape === 'tasklist' ? { tasklist: tl } : { tasklists: [tl] });
    },
  }),
  {
    method: 'GET',
    template: '/projects/{project}/tasklists/{tasklist}',
    scope: 'tasklists.READ',
    handle: ({ ctx, params }) => {
      liveProject(ctx, params.project!);
      return json(200, inProject(ctx, 'tasklist', params.tasklist!, params.project!, 'tasklist').data);
    },
  },
  {
    method: 'PATCH',
    template: '/projects/{project}/tasklists/{tasklist}',
    scope: 'tasklists.UPDATE',
    handle: ({ ctx, req, params }) => {
      liveProject(ctx, params.project!);
      const row = inProject<Json>(ctx, 'tasklist', params.tasklist!, params.project!, 'tasklist');
      const body = checkKeys(ctx, 'tasklists', jsonBody(req), KEYS);
      apply(ctx, body, row.data, params.project!);
      row.data.last_updated_time = nowIso(ctx);
      ctx.store.update('tasklist', row.id, row.data);
      return json(200, row.data);
    },
  },
  {
    method: 'DELETE',
    template: '/projects/{project}/tasklists/{tasklist}',
    scope: 'tasklists.DELETE',
    handle: ({ ctx, params }) => {
      liveProject(ctx, params.project!);
      const row = inProject(ctx, 'tasklist', params.tasklist!, params.project!, 'tasklist');
      ctx.store.remove('tasklist', row.id);
      return { status: 204, headers: {} };
    },
  },
];
