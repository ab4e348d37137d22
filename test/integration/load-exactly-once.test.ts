/**
 * Loaders + checkpoint store against the sandbox through the real client: creates across steps with
 * crosswalk lookups, then connection resets after the server committed (and before it did), a crash
 * between the request and the checkpoint, and a check through the admin API that every entity exists
 * exactly once.
 */
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { openCheckpointDb, type CheckpointDb } from '../../src/checkpoint/db.js';
import { createCheckpointStore, type CheckpointStore } from '../../src/checkpoint/store.js';
import { createCrosswalkResolver } from '../../src/load/crosswalk-resolver.js';
import { createEntityLoader } from '../../src/load/loaders/index.js';
import { createStepLoader } from '../../src/load/exactly-once/step-loader.js';
import type { LoadItem } from '../../src/load/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { ZohoClient } from '../../src/zoho/types.js';
import { sandboxClient } from '../helpers/sandbox-client.js';

it.override({ sandboxOptions: { seed: 'empty' } });
let sandbox: Sandbox;
let client: ZohoClient;
let cdb: CheckpointDb;
let store: CheckpointStore;

it.beforeEach(({ sandbox: s }) => {
  sandbox = s;
  client = sandboxClient(sandbox, { timeoutMs: 2000, backoffBaseMs: 5, backoffCapMs: 20 });
  cdb = openCheckpointDb(':memory:');
  store = createCheckpointStore(cdb.db);
});
// Then the fixture closes the sandbox.
it.afterEach(async () => {
  cdb.close();
  await client.close();
});

const pos = (i: number) => ({ source: 'in.csv', line: i + 2, index: i });

describe('loading into the sandbox', () => {
  it('users → project → task lists → tasks → subtasks → time logs, exactly once under resets and a crash', async () => {
    const run = store.startRun('it').id;
    const resolver = createCrosswalkResolver(store);

    const projects = await createStepLoader({ api: client, store, runId: run, step: { name: 'projects', entity: 'project' } }).load([
      { key: 'P-1', values: { name: 'Migration', startDate: '2026-01-05', endDate: '2026-06-30' }, pos: pos(0) },
    ]);
    expect(projects.delta.created).toBe(1);
    const projectId = (await resolver.resolve({ kind: 'project-by-name' }, 'Migration')) as string;
    expect(projectId).toMatch(/^\d{10,}$/);

    const users = await createStepLoader({ api: client, store, runId: run, step: { name: 'users', entity: 'user', userBatchSize: 2 } }).load(
      ['ann@acme.example', 'bob@acme.example', 'cy@acme.example'].map((e, i) => ({ key: e, values: { email: e, project: projectId }, pos: pos(i) })),
    );
    expect(users.delta.created).toBe(3);

    const lists = await createStepLoader({ api: client, store, runId: run, step: { name: 'lists', entity: 'tasklist' } }).load(
      ['Design', 'Build'].map((n, i) => ({ key: `L-${i}`, values: { name: n, project: projectId }, pos: pos(i) })),
    );
    expect(lists.delta.created).toBe(2);

    // Resets: the 2nd task POST commits then loses its answer; the 4th is reset before the server runs it.
    sandbox.admin.setFaults([
      { kind: 'reset-after', endpoint: 'POST /projects/{project}/tasks', nth: 2 },
      { kind: 'reset-before', endpoint: 'POST /projects/{project}/tasks', nth: 4 },
    ]);
    const taskItems: LoadItem[] = [];
    for (let i = 0; i < 6; i++) {
      const tl = (await resolver.resolve({ kind: 'tasklist-by-name', within: 'project' }, i % 2 ? 'Build' : 'Design', projectId)) as string;
      const owner = (await resolver.resolve({ kind: 'user-by-email' }, 'ann@acme.example')) as string;
      taskItems.push({ key: `T-${i}`, values: { name: `Task ${i}`, project: projectId, tasklist: tl, owners: [owner], startDate: '2026-02-01', endDate: '2026-02-10' }, pos: pos(i) });
    }
    const taskStep = createStepLoader({ api: client, store, runId: run, step: { name: 'tasks', entity: 'task', concurrency: 1 } });
    const t1 = await taskStep.load(taskItems);
    sandbox.admin.clearFaults();
    // A reset leaves the client without an answer either way: both are in doubt.
    expect(t1.delta).toMatchObject({ created: 4, inDoubt: 2 });
    const rec = await taskStep.reconcile();
    expect(rec).toEqual({ found: 1, notFound: 1, unresolved: 0 });
    const retried = await taskStep.retryPlanned();
    expect(retried.reduce((n, b) => n + b.delta.created, 0)).toBe(1);
    const serverTasks = sandbox.admin.entities('tasks', { project: projectId }) as { name: string }[];
    expect(serverTasks.map((t) => t.name).sort()).toEqual(taskItems.map((t) => String(t.values.name)).sort());
    expect(store.counts(run, 'tasks')).toMatchObject({ created: 6, inDoubt: 0 });

    // Subtasks: the parent id comes from the tasks step's crosswalk. Crash after the request of the batch.
    const subItems: LoadItem[] = [];
    for (let i = 0; i < 3; i++) {
      const parent = (await resolver.resolve({ kind: 'task-by-key', step: 'tasks' }, `T-${i}`)) as string;
      subItems.push({ key: `S-${i}`, values: { name: `Sub ${i}`, project: projectId, parent }, pos: pos(i) });
    }
    store.markSent(run, 'subtasks', subItems.map((s) => ({ key: s.key, values: s.values, pos: s.pos, op: 'create' as const })));
    await createEntityLoader('subtask', client).create(subItems.slice(0, 2));
    // …killed. The next attempt reconciles: two found, one re-sent.
    const subStep = createStepLoader({ api: client, store, runId: run, step: { name: 'subtasks', entity: 'subtask' } });
    expect(await subStep.reconcile()).toEqual({ found: 2, notFound: 1, unresolved: 0 });
    const s2 = await subStep.load(subItems);
    expect(s2.delta.created).toBe(1);
    const all = sandbox.admin.entities('tasks', { project: projectId }) as { name: string; parental_info?: { parent_task_id: string } }[];
    const subs = all.filter((t) => t.name.startsWith('Sub'));
    expect(subs).toHaveLength(3);
    expect(subs.every((s) => s.parental_info?.parent_task_id)).toBe(true);

    // Time logs, two identical twins; the first twin's POST commits then loses its answer.
    sandbox.admin.setFaults([{ kind: 'reset-after', endpoint: 'POST /projects/{project}/log', nth: 1 }]);
    const taskId = (await resolver.resolve({ kind: 'task-by-key', step: 'tasks' }, 'T-0')) as string;
    const owner = (await resolver.resolve({ kind: 'user-by-email' }, 'bob@acme.example')) as string;
    const logValues = { project: projectId, task: taskId, date: '2026-02-03', minutes: 90, user: owner, notes: 'pairing', billing: 'Billable' };
    const logs: LoadItem[] = [
      { key: 'row1', values: logValues, pos: pos(0) },
      { key: 'row2', values: logValues, pos: pos(1) },
      { key: 'row3', values: { ...logValues, minutes: 120 }, pos: pos(2) },
    ];
    const logStep = createStepLoader({ api: client, store, runId: run, step: { name: 'logs', entity: 'timelog', concurrency: 1 } });
    const l1 = await logStep.load(logs);
    sandbox.admin.clearFaults();
    expect(l1.delta.inDoubt).toBe(1);
    await logStep.reconcile();
    await logStep.retryPlanned();
    const serverLogs = sandbox.admin.entities('timelogs', { project: projectId });
    expect(serverLogs).toHaveLength(3);
    const ids = logs.map((l) => store.crosswalkGet('logs', l.key)?.zohoId);
    expect(new Set(ids).size).toBe(3);
    expect(store.counts(run, 'logs')).toMatchObject({ created: 3, inDoubt: 0 });
  });
});

describe('bulk user add against the sandbox', () => {
  it('a batch refused for one bad row is bisected: the bad rows become rejects with Zoho\'s message, the rest land once', async () => {
    const run = store.startRun('bisect').id;
    await createStepLoader({ api: client, store, runId: run, step: { name: 'projects', entity: 'project' } }).load([{ key: 'P', values: { name: 'Bisect' }, pos: pos(0) }]);
    const projectId = store.crosswalkGet('projects', 'P')!.zohoId;
    // The sandbox refuses the whole userdetails array when one address is not an address (HTTP 400).
    const emails = ['a@acme.example', 'b@acme.example', 'not-an-address', 'd@acme.example', 'e@acme.example', 'f@acme.example', 'also bad', 'h@acme.example'];
    const out = await createStepLoader({ api: client, store, runId: run, step: { name: 'users', entity: 'user', userBatchSize: 8 } }).load(
      emails.map((e, i) => ({ key: `U${i}`, values: { email: e, project: projectId }, pos: pos(i), data: { Email: e } })),
    );
    expect(out.delta).toMatchObject({ created: 6, rejected: 2 });
    const rejects = [...store.rejects(run, 'users')];
    expect(rejects.map((r) => r.key).sort()).toEqual(['U2', 'U6']);
    for (const r of rejects) {
      expect(r.code).toBe('ROW_REJECTED_BY_ZOHO');
      expect(r.message).toMatch(/not an e-mail address/);
      expect(r.field).toBe('email_id');
    }
    const members = (sandbox.admin.entities('project-users', { project: projectId }) as { email: string }[]).map((u) => u.email).filter((e) => e.endsWith('@acme.example'));
    expect(members.sort()).toEqual(emails.filter((e) => e.includes('@')).sort());
    // far fewer calls than one per user: 1 + 2 + 4 halves at most, not 8 singles plus the first
    const adds = sandbox.admin.counters().endpoints['POST /projects/{project}/projectusers']!;
    expect(adds.ok).toBeLessThanOrEqual(4);
  });

  it("a person already in one project, her membership of another lost after Zoho committed: found under her one id, not re-sent", async () => {
    const run = store.startRun('people').id;
    await createStepLoader({ api: client, store, runId: run, step: { name: 'projects', entity: 'project' } }).load(
      ['Website', 'Mobile'].map((n, i) => ({ key: n, values: { name: n }, pos: pos(i) })),
    );
    const [web, mob] = ['Website', 'Mobile'].map((k) => store.crosswalkGet('projects', k)!.zohoId);
    const users = createStepLoader({ api: client, store, runId: run, step: { name: 'users', entity: 'user' } });
    const member = (p: string, i: number): LoadItem => ({ key: `ana-${p}`, values: { email: 'ana@acme.example', project: p }, pos: pos(i) });
    expect((await users.load([member(web!, 0)])).delta.created).toBe(1);
    const ana = store.crosswalkGet('users', `ana-${web}`)!.zohoId;
    // Mobile's bulk add commits, then its answer is lost.
    sandbox.admin.setFaults([{ kind: 'reset-after', endpoint: 'POST /projects/{project}/projectusers', nth: 1 }]);
    expect((await users.load([member(mob!, 1)])).delta.inDoubt).toBe(1);
    sandbox.admin.clearFaults();
    const calls = sandbox.admin.counters().endpoints['POST /projects/{project}/projectusers']?.calls;
    expect(await users.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    await users.retryPlanned();
    expect(store.crosswalkGet('users', `ana-${mob}`)?.zohoId).toBe(ana);
    expect(sandbox.admin.counters().endpoints['POST /projects/{project}/projectusers']?.calls).toBe(calls);
    expect(store.counts(run, 'users')).toMatchObject({ created: 2, inDoubt: 0 });
  });
});

describe('the external-id marker against the sandbox', () => {
  it('reconciles a lost create to the task carrying its key, not to a same-named task made outside the tool', async () => {
    const run = store.startRun('marker').id;
    await createStepLoader({ api: client, store, runId: run, step: { name: 'projects', entity: 'project' } }).load([{ key: 'P', values: { name: 'Marker' }, pos: pos(0) }]);
    const projectId = store.crosswalkGet('projects', 'P')!.zohoId;
    // Someone already made a "Kick-off" task by hand: same name, same (general) list, no marker.
    const manual = await client.tasks.create(projectId, { name: 'Kick-off' });
    const step = { name: 'tasks', entity: 'task' as const, externalIdField: 'cf_source_key', concurrency: 1 };
    // Our create of "Kick-off" lands, then the answer is lost.
    sandbox.admin.setFaults([{ kind: 'reset-after', endpoint: 'POST /projects/{project}/tasks', nth: 1 }]);
    const first = await createStepLoader({ api: client, store, runId: run, step }).load([{ key: 'SRC-1', values: { name: 'Kick-off', project: projectId }, pos: pos(0) }]);
    sandbox.admin.clearFaults();
    expect(first.delta.inDoubt).toBe(1);
    const tasks = () => sandbox.admin.entities('tasks', { project: projectId }) as { id: string; name: string; cf_source_key?: string }[];
    const ours = tasks().find((t) => t.cf_source_key === 'SRC-1');
    expect(ours).toBeDefined();
    expect(tasks().filter((t) => t.name === 'Kick-off')).toHaveLength(2);
    // The next run reconciles by marker: found, and it is ours, not the older hand-made twin.
    const next = createStepLoader({ api: client, store, runId: run, step });
    expect(await next.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    expect(store.crosswalkGet('tasks', 'SRC-1')?.zohoId).toBe(String(ours!.id));
    expect(store.crosswalkGet('tasks', 'SRC-1')?.zohoId).not.toBe(manual.id);
    await next.load([{ key: 'SRC-1', values: { name: 'Kick-off', project: projectId }, pos: pos(0) }]);
    expect(tasks().filter((t) => t.name === 'Kick-off')).toHaveLength(2);
  });
});


describe('reconciliation without a marker: created time tells ours from someone else\'s', () => {
  it('a lost create binds to the task it made, not to an older same-named task made outside the tool; no extra, no duplicate', async () => {
    // The checkpoint runs on the sandbox's clock, as a run's client and checkpoint share one clock.
    const tstore = createCheckpointStore(cdb.db, sandbox.clock);
    const run = tstore.startRun('no-marker').id;
    await createStepLoader({ api: client, store: tstore, runId: run, step: { name: 'projects', entity: 'project' } }).load([{ key: 'P', values: { name: 'NoMarker' }, pos: pos(0) }]);
    const projectId = tstore.crosswalkGet('projects', 'P')!.zohoId;
    // Someone made "Kick-off" by hand earlier: same name, same (general) list.
    const manual = await client.tasks.create(projectId, { name: 'Kick-off' });
    sandbox.admin.advanceTime(10 * 60_000);
    const timing = { clock: sandbox.clock };
    const step = { name: 'tasks', entity: 'task' as const, concurrency: 1 };
    sandbox.admin.setFaults([{ kind: 'reset-after', endpoint: 'POST /projects/{project}/tasks', nth: 1 }]);
    const first = await createStepLoader({ api: client, store: tstore, runId: run, step, timing }).load([{ key: 'SRC-1', values: { name: 'Kick-off', project: projectId }, pos: pos(0) }]);
    sandbox.admin.clearFaults();
    expect(first.delta.inDoubt).toBe(1);
    const tasks = () => sandbox.admin.entities('tasks', { project: projectId }) as { id: string; name: string }[];
    const ours = tasks().find((t) => t.name === 'Kick-off' && String(t.id) !== manual.id)!;
    expect(ours).toBeDefined();
    // The resumed run: found, and it is the one we made.
    const next = createStepLoader({ api: client, store: tstore, runId: run, step, timing });
    expect(await next.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    expect(tstore.crosswalkGet('tasks', 'SRC-1')?.zohoId).toBe(String(ours.id));
    await next.load([{ key: 'SRC-1', values: { name: 'Kick-off', project: projectId }, pos: pos(0) }]);
    await next.retryPlanned();
    expect(tasks().filter((t) => t.name === 'Kick-off')).toHaveLength(2);
  });

  it('a lost time-log create binds to the log it made, not to an older identical log made outside the tool', async () => {
    const tstore = createCheckpointStore(cdb.db, sandbox.clock);
    const run = tstore.startRun('log-twin').id;
    await createStepLoader({ api: client, store: tstore, runId: run, step: { name: 'projects', entity: 'project' } }).load([{ key: 'P', values: { name: 'LogTwin' }, pos: pos(0) }]);
    const projectId = tstore.crosswalkGet('projects', 'P')!.zohoId;
    await createStepLoader({ api: client, store: tstore, runId: run, step: { name: 'users', entity: 'user' } }).load([{ key: 'ann', values: { email: 'ann@acme.example', project: projectId }, pos: pos(0) }]);
    const owner = tstore.crosswalkGet('users', 'ann')!.zohoId;
    const values = { project: projectId, date: '2026-02-03', minutes: 90, user: owner, notes: 'pairing', billing: 'Billable', logName: 'Pairing' };
    const loader = createEntityLoader('timelog', client);
    // The same log, entered by hand earlier.
    const manual = await client.timelogs.create(projectId, loader.buildRequest(values) as never);
    sandbox.admin.advanceTime(10 * 60_000);
    const timing = { clock: sandbox.clock };
    const step = { name: 'logs', entity: 'timelog' as const, concurrency: 1 };
    sandbox.admin.setFaults([{ kind: 'reset-after', endpoint: 'POST /projects/{project}/log', nth: 1 }]);
    expect((await createStepLoader({ api: client, store: tstore, runId: run, step, timing }).load([{ key: 'row1', values, pos: pos(0) }])).delta.inDoubt).toBe(1);
    sandbox.admin.clearFaults();
    const logs = () => sandbox.admin.entities('timelogs', { project: projectId }) as { id: string }[];
    const ours = logs().find((l) => String(l.id) !== manual.id)!;
    const next = createStepLoader({ api: client, store: tstore, runId: run, step, timing });
    expect(await next.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    expect(tstore.crosswalkGet('logs', 'row1')?.zohoId).toBe(String(ours.id));
    await next.retryPlanned();
    expect(logs()).toHaveLength(2);
  });
});

describe('a late commit (the sandbox commits after the client gave up)', () => {
  it('is not re-sent by the client nor by the step: it waits in doubt until a look after the settle time finds it', async () => {
    const quick = sandboxClient(sandbox, { timeoutMs: 200, backoffBaseMs: 5, backoffCapMs: 20 });
    try {
      const tstore = createCheckpointStore(cdb.db, sandbox.clock);
      const run = tstore.startRun('late').id;
      await createStepLoader({ api: quick, store: tstore, runId: run, step: { name: 'projects', entity: 'project' } }).load([{ key: 'P', values: { name: 'Late' }, pos: pos(0) }]);
      const projectId = tstore.crosswalkGet('projects', 'P')!.zohoId;
      sandbox.admin.setFaults([{ kind: 'late-commit', endpoint: 'POST /projects/{project}/tasks', nth: 1, delayMs: 500 }]);
      const timing = { clock: sandbox.clock, settleMs: 60_000 };
      const step = createStepLoader({ api: quick, store: tstore, runId: run, step: { name: 'tasks', entity: 'task' }, timing });
      const item = { key: 'T-1', values: { name: 'Late task', project: projectId }, pos: pos(0) };
      expect((await step.load([item])).delta.inDoubt).toBe(1);
      const tasks = () => (sandbox.admin.entities('tasks', { project: projectId }) as { name: string }[]).filter((t) => t.name === 'Late task');
      // The client gave up and did not re-send; Zoho has not committed yet.
      expect(sandbox.admin.counters().endpoints['POST /projects/{project}/tasks']?.calls).toBe(1);
      expect(tasks()).toHaveLength(0);
      // End of step: not found yet, but too young to call absent: it stays in doubt, nothing re-sent.
      expect(await step.reconcile()).toMatchObject({ found: 0, notFound: 0, waiting: 1 });
      await step.retryPlanned();
      expect(tstore.getRecord('tasks', 'T-1')?.state).toBe('in-doubt');
      // Zoho commits late (real 500 ms); the settle time passes on the sandbox's clock (no real minute).
      await new Promise((r) => setTimeout(r, 700));
      expect(tasks()).toHaveLength(1);
      sandbox.admin.advanceTime(60_000);
      expect(await step.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
      await step.retryPlanned();
      expect(tasks()).toHaveLength(1);
      expect(sandbox.admin.counters().endpoints['POST /projects/{project}/tasks']?.calls).toBe(1);
    } finally {
      await quick.close();
    }
  });
});
