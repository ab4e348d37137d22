/**
 * An in-memory ZohoApi for loader tests. It keeps entities, counts calls, and can be told to:
 *  - reject a create (reject-row ZpetlError with {title, fieldName}) via `rejectWhen`;
 *  - lose the answer of a create (ZOHO_IN_DOUBT), either after committing it (`inDoubt: 'created'`)
 *    or before (`inDoubt: 'not-created'`), via `doubtWhen`;
 *  - refuse a whole bulk user add when any email is in `badEmails` (like Zoho's batch-level 4xx);
 *  - throw a fatal error (`fatalWhen`).
 */
import { ZpetlError } from '../../src/core/errors.js';
import type {
  Milestone,
  Profile,
  Project,
  Role,
  Task,
  Tasklist,
  TimeLog,
  User,
  ZohoApi,
} from '../../src/zoho/types.js';

type Kind = 'project' | 'milestone' | 'tasklist' | 'task' | 'timelog' | 'user';

export interface FakeApi extends ZohoApi {
  calls: Record<string, number>;
  projects_: Project[];
  milestones_: Milestone[];
  tasklists_: Tasklist[];
  tasks_: Task[];
  timelogs_: TimeLog[];
  projectUsers_: Map<string, User[]>;
  portalUsers_: User[];
  /** The portal's roles and profiles (`listRoles`, `listProfiles`). */
  roles_: Role[];
  profiles_: Profile[];
  badEmails: Set<string>;
  rejectWhen?: (kind: Kind, body: Record<string, unknown>) => { title: string; fieldName?: string; message?: string } | undefined;
  doubtWhen?: (kind: Kind, body: Record<string, unknown>) => 'created' | 'not-created' | undefined;
  fatalWhen?: (kind: Kind, body: Record<string, unknown>) => boolean;
  count(kind: Kind): number;
}

let seq = 1_000_000_000_000_000_000n;
const nextId = () => String(++seq);

async function* iter<T>(items: T[]): AsyncIterable<T> {
  for (const x of [...items]) yield x;
}

export function createFakeApi(): FakeApi {
  const api = {
    portalId: '1',
    calls: {} as Record<string, number>,
    projects_: [] as Project[],
    milestones_: [] as Milestone[],
    tasklists_: [] as Tasklist[],
    tasks_: [] as Task[],
    timelogs_: [] as TimeLog[],
    projectUsers_: new Map<string, User[]>(),
    portalUsers_: [] as User[],
    roles_: [] as Role[],
    profiles_: [] as Profile[],
    badEmails: new Set<string>(),
  } as FakeApi;

  const hit = (name: string) => (api.calls[name] = (api.calls[name] ?? 0) + 1);

  /** Runs a create with the configured faults. */
  function create<T>(kind: Kind, body: Record<string, unknown>, commit: () => T): T {
    hit(`${kind}.create`);
    if (api.fatalWhen?.(kind, body)) throw new ZpetlError('ZOHO_TOKEN_INVALID', 'token revoked', { disposition: 'fatal' });
    const rej = api.rejectWhen?.(kind, body);
    if (rej) {
      throw new ZpetlError('ZOHO_BAD_REQUEST', rej.message ?? `${rej.title}`, { disposition: 'reject-row', details: { title: rej.title, fieldName: rej.fieldName, status: 400 } });
    }
    const doubt = api.doubtWhen?.(kind, body);
    if (doubt === 'not-created') throw new ZpetlError('ZOHO_IN_DOUBT', 'connection reset before the answer', { disposition: 'fatal' });
    const out = commit();
    if (doubt === 'created') throw new ZpetlError('ZOHO_IN_DOUBT', 'connection reset after the server committed', { disposition: 'fatal' });
    return out;
  }

  const ref = (id: unknown) => (id && typeof id === 'object' && 'id' in id ? String((id as { id: unknown }).id) : undefined);

  Object.assign(api, {
    count: (kind: Kind) =>
      kind === 'project' ? api.projects_.length
      : kind === 'milestone' ? api.milestones_.length
      : kind === 'tasklist' ? api.tasklists_.length
      : kind === 'task' ? api.tasks_.length
      : kind === 'timelog' ? api.timelogs_.length
      : [...api.projectUsers_.values()].reduce((n, l) => n + l.length, 0),
    portals: { list: async () => [{ id: '1' }] },
    projects: {
      list: () => (hit('project.list'), iter(api.projects_)),
      get: async (id: string) => api.projects_.find((p) => p.id === id)!,
      create: async (body: Record<string, unknown>) =>
        create('project', body, () => {
          const p = { ...body, id: nextId(), name: String(body.name) } as Project;
          api.projects_.push(p);
          return p;
        }),
      update: async (id: string, body: Record<string, unknown>) => {
        hit('project.update');
        const p = api.projects_.find((x) => x.id === id)!;
        Object.assign(p, body);
        return p;
      },
      trash: async () => {},
    },
    milestones: {
      list: (project: string) => (hit('milestone.list'), iter(api.milestones_.filter((m) => m.project?.id === project))),
      create: async (project: string, body: Record<string, unknown>) =>
        create('milestone', body, () => {
          const m = { ...body, id: nextId(), name: String(body.name), project: { id: project } } as Milestone;
          api.milestones_.push(m);
          return m;
        }),
      update: async (_p: string, id: string, body: Record<string, unknown>) => Object.assign(api.milestones_.find((m) => m.id === id)!, body),
    },
    tasklists: {
      list: (project: string) => (hit('tasklist.list'), iter(api.tasklists_.filter((t) => t.project?.id === project))),
      create: async (project: string, body: Record<string, unknown>) =>
        create('tasklist', body, () => {
          const t = { ...body, id: nextId(), name: String(body.name), project: { id: project } } as Tasklist;
          api.tasklists_.push(t);
          return t;
        }),
      update: async (_p: string, id: string, body: Record<string, unknown>) => Object.assign(api.tasklists_.find((t) => t.id === id)!, body),
    },
    tasks: {
      list: (project: string) => (hit('task.list'), iter(api.tasks_.filter((t) => t.project?.id === project))),
      get: async (_p: string, id: string) => api.tasks_.find((t) => t.id === id)!,
      create: async (project: string, body: Record<string, unknown>) =>
        create('task', body, () => {
          if ('tasklist_id' in body || 'parent_task_id' in body) throw new Error('*_id keys are ignored by V3: use nested links');
          const parent = (body.parental_info as { parent_task_id?: string } | undefined)?.parent_task_id;
          const t = {
            ...body,
            id: nextId(),
            name: String(body.name),
            project: { id: project },
            tasklist: ref(body.tasklist) ? { id: ref(body.tasklist)! } : { id: `general-${project}` },
            depth: parent ? 1 : 0,
            ...(parent ? { parental_info: { parent_task_id: parent } } : {}),
          } as Task;
          api.tasks_.push(t);
          return t;
        }),
      update: async (_p: string, id: string, body: Record<string, unknown>) => {
        hit('task.update');
        return Object.assign(api.tasks_.find((t) => t.id === id)!, body);
      },
      delete: async () => {},
    },
    users: {
      listPortal: () => iter(api.portalUsers_),
      getPortal: async (e: string) => api.portalUsers_.find((u) => u.email.toLowerCase() === e.toLowerCase() || u.id === e),
      listProject: (project: string) => (hit('user.list'), iter(api.projectUsers_.get(project) ?? [])),
      listRoles: async () => (hit('role.list'), [...api.roles_]),
      listProfiles: async () => (hit('profile.list'), [...api.profiles_]),
      addToProject: async (project: string, users: { email_id: string }[]) => {
        hit('user.add');
        const doubt = api.doubtWhen?.('user', { emails: users.map((u) => u.email_id) });
        if (doubt === 'not-created') throw new ZpetlError('ZOHO_IN_DOUBT', 'connection reset before the answer', { disposition: 'fatal' });
        const bad = users.find((u) => api.badEmails.has(u.email_id));
        if (bad) {
          throw new ZpetlError('ZOHO_BAD_REQUEST', `Invalid email ${bad.email_id}`, {
            disposition: 'reject-row',
            details: { title: 'INVALID_PARAMETER_VALUE', fieldName: 'email_id', status: 400 },
          });
        }
        const list = api.projectUsers_.get(project) ?? [];
        const out: Record<string, string> = {};
        for (const u of users) {
          const existing = list.find((x) => x.email === u.email_id);
          const id = existing?.id ?? nextId();
          if (!existing) list.push({ id, email: u.email_id });
          out[u.email_id] = id;
        }
        api.projectUsers_.set(project, list);
        if (doubt === 'created') throw new ZpetlError('ZOHO_IN_DOUBT', 'connection reset after the server committed', { disposition: 'fatal' });
        return out;
      },
    },
    timelogs: {
      listProject: (project: string, q: { startDate: string; endDate: string }) => (
        hit('timelog.list'), iter(api.timelogs_.filter((l) => l.project.id === project && l.date >= q.startDate && l.date <= q.endDate))
      ),
      listPortal: () => iter(api.timelogs_),
      create: async (project: string, body: Record<string, unknown>) =>
        create('timelog', body, () => {
          const mod = body.module as { type: 'task' | 'general'; id?: string };
          const l: TimeLog = {
            id: nextId(),
            date: String(body.date),
            log_hour: String(body.hours).replace('.', ':').padStart(5, '0'),
            billing_status: body.bill_status as 'Billable',
            type: mod.type,
            ...(mod.id ? { module_detail: { id: mod.id, type: mod.type } } : {}),
            project: { id: project },
            owner: { zpuid: String(body.owner_zpuid ?? 'me') },
            // Zoho answers notes as HTML.
            notes: body.notes === undefined ? '' : `<div>${String(body.notes)}</div>`,
          };
          api.timelogs_.push(l);
          return l;
        }),
      update: async (_p: string, id: string, body: Record<string, unknown>) => Object.assign(api.timelogs_.find((l) => l.id === id)!, body),
      delete: async () => {},
    },
  });
  return api;
}
