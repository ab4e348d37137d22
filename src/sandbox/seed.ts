/**
 * Fresh-database contents. 'empty': one portal, its owner, OAuth client + refresh token.
 * 'demo': that plus a few portal users and one small project with a task list, tasks and logs.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxContext } from './context.js';
import { DEFAULT_SCOPES, newToken } from './oauth.js';
import { insertProject } from './routes/projects.js';
import { insertTasklist } from './routes/tasklists.js';
import { insertTask } from './routes/tasks.js';
import { insertTimelog } from './routes/timelogs.js';
import { addProjectUser, insertUser, PROFILES, ROLES } from './routes/users.js';

export type SeedName = 'demo' | 'empty';

export interface Credentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export const PORTAL_ID = '60031868012';

/**
 * Seeds a wiped store. `keep`: the OAuth client and tokens already in the store stay (a reset must not
 * break a running client's env or cached token).
 */
export function seed(ctx: SandboxContext, name: SeedName, keep?: Credentials): void {
  const { store } = ctx;
  const now = new Date(ctx.clock.now()).toISOString();
  const owner = insertUser(ctx, {
    email: 'owner@sandbox.example',
    first_name: 'Pat',
    last_name: 'Owner',
    role: ROLES.admin,
    portal_profile: PROFILES.owner,
  });
  const ownerId = String(owner.id);
  store.setMeta('owner_zpuid', ownerId);
  store.setMeta(
    'portal',
    JSON.stringify({
      id: PORTAL_ID,
      name: 'sandbox',
      org_name: 'Sandbox Inc.',
      is_default: true,
      owner: { id: ownerId, zpuid: ownerId, zuid: owner.zuid, email: owner.email },
      profile: PROFILES.owner,
      role: ROLES.admin,
      time_zone: 'UTC',
      date_format: 'yyyy-MM-dd',
      created_time: now,
    }),
  );
  store.setMeta('layout_id', store.nextId());
  const statuses = [
    { name: 'Active', color: 'green', color_hexcode: '#2bb673', is_closed_type: false },
    { name: 'In Progress', color: 'blue', color_hexcode: '#08aeea', is_closed_type: false },
    { name: 'On Hold', color: 'orange', color_hexcode: '#f5a623', is_closed_type: false },
    { name: 'Completed', color: 'grey', color_hexcode: '#7c7c7c', is_closed_type: true },
  ].map((s) => ({ id: store.nextId(), ...s }));
  store.setMeta('project_statuses', JSON.stringify(statuses));

  const creds: Credentials = keep ?? {
    clientId: `1000.${randomBytes(15).toString('hex').toUpperCase().slice(0, 30)}`,
    clientSecret: randomBytes(21).toString('hex'),
    refreshToken: newToken(),
  };
  if (!keep) {
    store.db
      .prepare('INSERT INTO clients(client_id, client_secret, owner_zpuid, scopes) VALUES (?,?,?,?)')
      .run(creds.clientId, creds.clientSecret, ownerId, DEFAULT_SCOPES.join(','));
    store.db
      .prepare('INSERT INTO refresh_tokens(token, client_id, owner_zpuid, scopes, created_ms) VALUES (?,?,?,?,?)')
      .run(creds.refreshToken, creds.clientId, ownerId, DEFAULT_SCOPES.join(','), ctx.clock.now());
  }
  store.setMeta('credentials', JSON.stringify(creds));
  store.setMeta('seed', name);
  if (name === 'demo') seedDemo(ctx, ownerId);
}

function seedDemo(ctx: SandboxContext, ownerId: string): void {
  const people = [
    ['ana.lima@sandbox.example', 'Ana', 'Lima', ROLES.manager, PROFILES.manager],
    ['ben.okafor@sandbox.example', 'Ben', 'Okafor', ROLES.employee, PROFILES.employee],
    ['chen.wei@sandbox.example', 'Chen', 'Wei', ROLES.employee, PROFILES.employee],
    ['dora.kovacs@sandbox.example', 'Dora', 'Kovacs', ROLES.employee, PROFILES.employee],
  ] as const;
  const users = people.map(([email, first_name, last_name, role, portal_profile]) =>
    insertUser(ctx, { email, first_name, last_name, role, portal_profile }),
  );
  const project = insertProject(ctx, {
    name: 'Sandbox sample project',
    description: '<div>Seeded by zpetl sandbox --seed demo</div>',
    start_date: '2026-01-05',
    end_date: '2026-12-18',
  });
  const projectId = String(project.id);
  addProjectUser(ctx, projectId, ownerId, ROLES.admin.id);
  for (const u of users) addProjectUser(ctx, projectId, String(u.id));
  const tasklist = insertTasklist(ctx, projectId, { name: 'Onboarding' });
  const tasks = ['Kick-off meeting', 'Collect requirements', 'Draft plan'].map((name, i) =>
    insertTask(ctx, projectId, {
      name,
      tasklist: { id: tasklist.id, name: tasklist.name },
      priority: i === 0 ? 'high' : 'medium',
      ownerZpuids: [String(users[i % users.length]!.id)],
    }),
  );
  const logs: [number, string, string, string][] = [
    [0, '2026-01-05', '01:30', 'Approved'],
    [1, '2026-01-06', '03:00', 'Approved'],
    [2, '2026-01-07', '02:15', 'Unapproved'],
  ];
  for (const [i, date, hours, status] of logs) {
    const task = tasks[i]!;
    insertTimelog(ctx, projectId, {
      date,
      minutes: Number(hours.slice(0, 2)) * 60 + Number(hours.slice(3)),
      billing: i === 1 ? 'Non Billable' : 'Billable',
      type: 'task',
      module: { id: String(task.id), name: String(task.name) },
      ownerZpuid: String(users[i]!.id),
      addedBy: ownerId,
      approval: status as 'Approved' | 'Unapproved',
      notes: `<div>${String(task.name)}</div>`,
    });
  }
}

export function credentials(ctx: SandboxContext): Credentials {
  return JSON.parse(ctx.store.getMeta('credentials') ?? '{}') as Credentials;
}
