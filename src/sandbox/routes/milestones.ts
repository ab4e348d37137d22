/**
 * Milestones (docs/zoho-api-notes.md#milestones): list `{milestones:[…], page_info}`, create (name, start_date, end_date required),
 * PATCH. Create answers the flat object (UNCONFIRMED; same as tasks).
 */
import { createdTimeNow, nowIso, type SandboxContext } from '../context.js';
import { json } from '../http.js';
import { fail } from '../v3-error.js';
import { checkKeys, dateField, enumField, inProject, jsonBody, liveProject, projectRef, resolveUser, str, userRef, type Json, type Route } from './common.js';
import { createRoute, listRoute } from './resource.js';

const KEYS = ['name', 'start_date', 'end_date', 'owner', 'flag', 'status', 'tags'] as const;

const ACTIVE = { id: '1512955000000000301', name: 'Active', is_closed: false, color_hexcode: '#2bb673' };
const COMPLETED = { id: '1512955000000000302', name: 'Completed', is_closed: true, color_hexcode: '#7c7c7c' };

export function insertMilestone(ctx: SandboxContext, projectId: string, data: Json): Json {
  const project = ctx.store.get<Json>('project', projectId)!.data;
  const id = typeof data.id === 'string' ? data.id : ctx.store.nextId();
  const now = nowIso(ctx);
  const creator = userRef(ctx, ctx.store.getMeta('owner_zpuid') ?? '');
  const m: Json = {
    id,
    name: data.name,
    owner: creator,
    flag: 'internal',
    status: ACTIVE,
    status_type: 'open',
    project: projectRef(project),
    created_by: creator,
    created_time: createdTimeNow(ctx),
    last_modified_time: now,
    tags: [],
    ...data,
  };
  m.id = id;
  ctx.store.insert('milestone', id, m, { projectId });
  return m;
}

function apply(ctx: SandboxContext, body: Json, m: Json): void {
  const name = str(body, 'name', 300);
  if (name !== undefined) m.name = name;
  const s = dateField(body, 'start_date');
  const e = dateField(body, 'end_date');
  if (s !== undefined) m.start_date = s;
  if (e !== undefined) m.end_date = e;
  if (typeof m.start_date === 'string' && typeof m.end_date === 'string' && m.end_date < m.start_date) {
    throw fail.invalid('end_date', 'end_date is before start_date');
  }
  if (body.owner !== undefined) m.owner = userRef(ctx, resolveUser(ctx, body.owner, 'owner'));
  const flag = enumField(body, 'flag', ['internal', 'external'] as const, true);
  if (flag) m.flag = flag;
  if (body.status !== undefined) {
    const st = body.status as Json;
    const v = typeof st === 'object' && st !== null ? (st.name ?? st.id) : st;
    const closed = v === COMPLETED.id || String(v).toLowerCase() === 'completed';
    const open = v === ACTIVE.id || String(v).toLowerCase() === 'active';
    if (!closed && !open) throw fail.invalid('status', 'status must be Active or Completed');
    m.status = closed ? COMPLETED : ACTIVE;
    m.status_type = closed ? 'closed' : 'open';
    m.completed_on = closed ? nowIso(ctx) : undefined;
  }
}

export const milestoneRoutes: Route[] = [
  listRoute({ template: '/projects/{project}/milestones', scope: 'milestones.READ', kind: 'milestone', key: 'milestones' }),
  createRoute({
    template: '/projects/{project}/milestones',
    scope: 'milestones.CREATE',
    resource: 'milestones',
    keys: KEYS,
    required: ['name', 'start_date', 'end_date'],
    create: ({ ctx, params }, body) => {
      const draft: Json = {};
      apply(ctx, body, draft);
      return json(201, insertMilestone(ctx, params.project!, draft));
    },
  }),
  {
    method: 'GET',
    template: '/projects/{project}/milestones/{milestone}',
    scope: 'milestones.READ',
    handle: ({ ctx, params }) => {
      liveProject(ctx, params.project!);
      return json(200, inProject(ctx, 'milestone', params.milestone!, params.project!, 'milestone').data);
    },
  },
  {
    method: 'PATCH',
    template: '/projects/{project}/milestones/{milestone}',
    scope: 'milestones.UPDATE',
    handle: ({ ctx, req, params }) => {
      liveProject(ctx, params.project!);
      const row = inProject<Json>(ctx, 'milestone', params.milestone!, params.project!, 'milestone');
      const body = checkKeys(ctx, 'milestones', jsonBody(req), KEYS);
      apply(ctx, body, row.data);
      row.data.last_modified_time = nowIso(ctx);
      ctx.store.update('milestone', row.id, row.data);
      return json(200, row.data);
    },
  },
  {
    method: 'DELETE',
    template: '/projects/{project}/milestones/{milestone}',
    scope: 'milestones.DELETE',
    handle: ({ ctx, params }) => {
      liveProject(ctx, params.project!);
      const row = inProject(ctx, 'milestone', params.milestone!, params.project!, 'milestone');
      ctx.store.remove('milestone', row.id);
      return { status: 204, headers: {} };
    },
  },
];
