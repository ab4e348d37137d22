import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets } from '../../src/core/redact.js';
import { collect, rejection, startRig, type Rig } from '../helpers/client-helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  clearSecrets();
});

const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort();

describe('client endpoints and pagination against the sandbox', () => {
  it('bare-array projects list ends on a short page; page_info lists end on has_next_page=false', async () => {
    rig = await startRig({}, { jump: true, perPage: 2 });
    const { client, sandbox, projectId } = rig;
    const all = () => ids(sandbox.admin.entities('projects') as { id: string }[]);
    while (all().length < 4) await client.projects.create({ name: `P${all().length}` });
    // 4 projects, 2 per page: the third page is empty (an exact multiple of per_page)
    expect(ids(await collect(client.projects.list()))).toEqual(all());
    await client.projects.create({ name: 'P5' });
    // 5 projects: the third page is short
    expect(ids(await collect(client.projects.list()))).toEqual(all());
    const tasks = await collect(client.tasks.list(projectId));
    expect(ids(tasks)).toEqual(ids(sandbox.admin.entities('tasks', { project: projectId }) as { id: string }[]));
    for (const t of tasks) expect(t.id).toMatch(/^\d+$/);
    const users = await collect(client.users.listPortal());
    expect(users.length).toBe((sandbox.admin.entities('users') as unknown[]).length);
  });

  it('an empty list answered with 204 ends the iteration', async () => {
    rig = await startRig({ config: { emptyListStatus: 204 } }, { jump: true });
    const { client } = rig;
    const p = await client.projects.create({ name: 'empty one' });
    expect(await collect(client.milestones.list(p.id))).toEqual([]);
    expect(await collect(client.tasks.list(p.id))).toEqual([]);
  });

  it('creates, reads, updates and deletes through every endpoint module with string ids', async () => {
    rig = await startRig({}, { jump: true });
    const { client, sandbox } = rig;
    const portals = await client.portals.list();
    expect(portals.map((x) => x.id)).toContain(sandbox.portalId);
    const project = await client.projects.create({ name: 'Client test project', start_date: '2026-01-05', end_date: '2026-06-30' });
    expect(project.id).toMatch(/^\d{10,}$/);
    expect((await client.projects.get(project.id)).name).toBe('Client test project');
    const ms = await client.milestones.create(project.id, { name: 'M1', start_date: '2026-01-05', end_date: '2026-02-01' });
    const tl = await client.tasklists.create(project.id, { name: 'L1', milestone: { id: ms.id } });
    const task = await client.tasks.create(project.id, { name: 'T1', tasklist: { id: tl.id } });
    const sub = await client.tasks.create(project.id, { name: 'T1.a', parental_info: { parent_task_id: task.id } });
    expect((await client.tasks.update(project.id, task.id, { priority: 'high' })).id).toBe(task.id);
    expect((await collect(client.tasks.list(project.id))).map((t) => t.id).sort()).toEqual([task.id, sub.id].sort());
    const someone = (sandbox.admin.entities('users') as { email: string; id: string }[])[1]!;
    expect((await client.users.getPortal(someone.email))?.id).toBe(someone.id);
    expect(await client.users.getPortal('nobody@example.invalid')).toBeUndefined();
    const added = await client.users.addToProject(project.id, [{ email_id: someone.email }]);
    expect(added[someone.email]).toBe(someone.id);
    expect((await collect(client.users.listProject(project.id))).map((u) => u.id)).toContain(someone.id);
    const log = await client.timelogs.create(project.id, { date: '2026-01-07', bill_status: 'Billable', hours: '01:30', module: { type: 'task', id: task.id }, owner_zpuid: someone.id });
    expect(log.id).toMatch(/^\d+$/);
    const logs = await collect(client.timelogs.listProject(project.id, { startDate: '2025-06-01', endDate: '2026-03-31', moduleTypes: ['task', 'general'] }));
    expect(logs.map((l) => l.id)).toEqual([log.id]);
    expect(logs[0]).toMatchObject({ log_hour: '01:30', billing_status: 'Billable' });
    await client.timelogs.delete(project.id, log.id, 'task');
    await client.tasks.delete(project.id, sub.id);
    await client.projects.trash(project.id);
    const gone = await rejection(client.projects.update(project.id, { name: 'x' }));
    expect(gone.disposition).toBe('reject-row');
  });

  it('a refused row carries Zoho title, field, method and path', async () => {
    rig = await startRig({}, { jump: true });
    const e = await rejection(rig.client.tasks.create(rig.projectId, { name: '' }));
    expect(e.disposition).toBe('reject-row');
    expect(e.details).toMatchObject({ method: 'POST', path: `/projects/${rig.projectId}/tasks` });
    expect(typeof e.details.title).toBe('string');
  });
});
