/**
 * Admin bulk insert: stores V3-shaped objects directly, bypassing auth, limits and faults (test and
 * bench setup, e.g. 100 000 time logs in a few seconds). One transaction per call.
 */
import { parseHhMm } from '../core/index.js';
import { adminInvalid, insertItems, type AdminKind } from './admin-input.js';
import { nowIso, type SandboxContext } from './context.js';
import { insertMilestone } from './routes/milestones.js';
import { insertProject } from './routes/projects.js';
import { insertTask } from './routes/tasks.js';
import { insertTasklist } from './routes/tasklists.js';
import { rowOf } from './routes/timelogs.js';
import type { StoredKind } from './store.js';
import { addProjectUser, insertUser } from './routes/users.js';
import type { Json } from './routes/common.js';

function projectIdOf(ctx: SandboxContext, item: Json, i: number, known?: Set<string>): string {
  const nested = (item.project as Json | undefined)?.id;
  const id = String(nested ?? item.project_id);
  if (known?.has(id)) return id;
  if (!ctx.store.get('project', id)) throw adminInvalid(`items[${i}].${nested !== undefined ? 'project.id' : 'project_id'}`, 'the id of a stored project', id);
  known?.add(id);
  return id;
}

/** The store kind of each admin kind that takes a given `id` (project-users are keyed by zpuid). */
const STORE_KIND: Partial<Record<AdminKind, StoredKind>> = { projects: 'project', milestones: 'milestone', tasklists: 'tasklist', tasks: 'task', users: 'user' };

/** A given `id` must be new: refused (400) when one of that kind is stored already. */
function checkNewIds(ctx: SandboxContext, kind: AdminKind, items: Json[]): void {
  items.forEach((item, i) => {
    if (typeof item.id !== 'string') return;
    const storeKind = STORE_KIND[kind];
    const taken = kind === 'timelogs' ? ctx.store.getTimelog(item.id) : storeKind ? ctx.store.get(storeKind, item.id) : undefined;
    if (taken) throw adminInvalid(`items[${i}].id`, `the id of no stored ${kind.replace(/s$/, '')}`, item.id);
  });
}

/** Validates every item (admin-input.ts), then inserts them in one transaction: a bad item stores nothing. */
export function bulkInsert(ctx: SandboxContext, kind: AdminKind, input: unknown): { inserted: number; ids: string[] } {
  const items = insertItems(kind, input);
  checkNewIds(ctx, kind, items as Json[]);
  const ids: string[] = [];
  const userRefs = new Map<string, Json>();
  const projectRefs = new Map<string, Json>();
  const ref = (zpuid: string) => {
    let r = userRefs.get(zpuid);
    if (!r) {
      const u = ctx.store.get<Json>('user', zpuid)?.data;
      r = u
        ? { zpuid: u.id, zuid: u.zuid, name: u.full_name, first_name: u.first_name, last_name: u.last_name, email: u.email }
        : { zpuid };
      userRefs.set(zpuid, r);
    }
    return r;
  };
  const knownProjects = new Set<string>();
  const now = nowIso(ctx);
  const run = ctx.store.db.transaction(() => {
    const logIds = kind === 'timelogs' ? ctx.store.reserveIds(items.length) : [];
    items.forEach((raw, i) => {
      const item = { ...(raw as Json) };
      switch (kind) {
        case 'projects':
          ids.push(String(insertProject(ctx, item).id));
          break;
        case 'users':
          ids.push(String(insertUser(ctx, item).id));
          break;
        case 'milestones': {
          const pid = projectIdOf(ctx, item, i);
          delete item.project_id;
          ids.push(String(insertMilestone(ctx, pid, item).id));
          break;
        }
        case 'tasklists': {
          const pid = projectIdOf(ctx, item, i);
          delete item.project_id;
          ids.push(String(insertTasklist(ctx, pid, item).id));
          break;
        }
        case 'tasks': {
          const pid = projectIdOf(ctx, item, i);
          delete item.project_id;
          delete item.project;
          ids.push(String(insertTask(ctx, pid, item).id));
          break;
        }
        case 'project-users': {
          const pid = projectIdOf(ctx, item, i);
          const z = item.zpuid ?? (typeof item.email === 'string' ? ctx.store.findByEmail('user', item.email)?.id : undefined);
          if (z === undefined || !ctx.store.get('user', String(z))) {
            throw adminInvalid(`items[${i}].${item.zpuid !== undefined ? 'zpuid' : 'email'}`, 'a stored portal user', item.zpuid ?? item.email);
          }
          addProjectUser(ctx, pid, String(z));
          ids.push(String(z));
          break;
        }
        case 'timelogs': {
          const pid = projectIdOf(ctx, item, i, knownProjects);
          let project = projectRefs.get(pid);
          if (!project) {
            const p = ctx.store.get<Json>('project', pid)!.data;
            projectRefs.set(pid, (project = { id: p.id, name: p.name }));
          }
          const minutes = parseHhMm(String(item.log_hour))!; // checked by insertItems
          const owner = String((item.owner as Json | undefined)?.zpuid ?? item.owner_zpuid ?? ctx.store.getMeta('owner_zpuid'));
          delete item.owner_zpuid;
          delete item.project_id;
          const entry: Json = {
            id: typeof item.id === 'string' ? item.id : logIds[i]!,
            billing_status: 'Billable',
            type: 'task',
            notes: '',
            created_time: now,
            last_modified_time: now,
            ...item,
            project,
            owner: ref(owner),
            added_by: (item.added_by as Json | undefined) ?? ref(owner),
            approval: { status: 'Approved', time: now, ...ref(owner), ...((item.approval as Json | undefined) ?? {}) },
          };
          ctx.store.insertTimelog(rowOf(pid, entry, minutes));
          ids.push(String(entry.id));
          break;
        }
      }
    });
  });
  run();
  return { inserted: ids.length, ids };
}

/** Stored objects of one kind, V3 shapes, optionally for one project. */
export function listKind(ctx: SandboxContext, kind: AdminKind, project?: string): unknown[] {
  const opt = project !== undefined ? { projectId: project } : {};
  switch (kind) {
    case 'projects':
      return ctx.store.list('project').map((r) => r.data).filter((p) => project === undefined || p.id === project);
    case 'milestones':
      return ctx.store.list('milestone', opt).map((r) => r.data);
    case 'tasklists':
      return ctx.store.list('tasklist', opt).map((r) => r.data);
    case 'tasks':
      return ctx.store.list('task', opt).map((r) => r.data);
    case 'users':
      return ctx.store.list('user').map((r) => r.data);
    case 'project-users':
      return ctx.store.list<Json>('project_user', opt).map((r) => ({
        ...(ctx.store.get<Json>('user', String(r.data.zpuid))?.data ?? {}),
        project: { id: r.data.project_id },
        project_role: r.data.project_role,
      }));
    case 'timelogs':
      return ctx.store.listTimelogs(project).map((r) => r.data);
  }
}

const COUNT_NAMES: Record<string, string> = {
  project: 'projects',
  milestone: 'milestones',
  tasklist: 'tasklists',
  task: 'tasks',
  user: 'users',
  project_user: 'project-users',
  timelog: 'timelogs',
};

export function entityCounts(ctx: SandboxContext): Record<string, number> {
  const raw = ctx.store.countByKind();
  const out: Record<string, number> = {};
  for (const [k, name] of Object.entries(COUNT_NAMES)) out[name] = raw[k] ?? 0;
  return out;
}
