import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCheckpointDb, type CheckpointDb } from '../../../../src/checkpoint/db.js';
import { createCheckpointStore, type CheckpointStore } from '../../../../src/checkpoint/store.js';
import type { SourcePosition } from '../../../../src/core/record.js';
import { createStepLoader, type StepConfig } from '../../../../src/load/exactly-once/step-loader.js';
import type { LoadItem } from '../../../../src/load/types.js';
import { createFakeApi, type FakeApi } from '../../../helpers/fake-api.js';

const pos = (i: number): SourcePosition => ({ source: 'in.csv', line: i + 2, index: i });
let cdb: CheckpointDb;
let store: CheckpointStore;
let api: FakeApi;
let runId: number;

beforeEach(() => {
  cdb = openCheckpointDb(':memory:');
  store = createCheckpointStore(cdb.db);
  api = createFakeApi();
  runId = store.startRun('demo').id;
});
afterEach(() => cdb.close());

const tasks = (n: number, from = 0): LoadItem[] =>
  Array.from({ length: n }, (_, i) => ({ key: `t${from + i}`, values: { project: '101', tasklist: '201', name: `Task ${from + i}` }, pos: pos(from + i), data: { Name: `Task ${from + i}` } }));

const stepOf = (over: Partial<StepConfig> = {}): StepConfig => ({ name: 'tasks', entity: 'task', ...over });

describe('step loader: modes', () => {
  it('create: sends nested links, records crosswalk, skips confirmed keys on a second run', async () => {
    const sl = createStepLoader({ api, store, runId, step: stepOf() });
    const out = await sl.load(tasks(3), { highWater: { index: 3, line: 5 } });
    expect(out.delta.created).toBe(3);
    expect(api.tasks_[0]).toMatchObject({ tasklist: { id: '201' }, name: 'Task 0' });
    expect(store.crosswalkGet('tasks', 't1')?.parents).toEqual({ project: '101', tasklist: '201' });
    const run2 = store.startRun('demo').id;
    const again = await createStepLoader({ api, store, runId: run2, step: stepOf() }).load(tasks(3));
    expect(again.delta).toMatchObject({ skipped: 3, created: 0 });
    expect(api.count('task')).toBe(3);
  });

  it('skip-existing: finds tasks created outside the tool by name within list and parent', async () => {
    await api.tasks.create('101', { name: 'Task 1', tasklist: { id: '201' } });
    await api.tasks.create('101', { name: 'Task 2', tasklist: { id: '299' } });
    const sl = createStepLoader({ api, store, runId, step: stepOf({ mode: 'skip-existing' }) });
    const out = await sl.load(tasks(3));
    const by = Object.fromEntries(out.results.map((r) => [r.key, r.status]));
    expect(by).toEqual({ t0: 'created', t1: 'skipped', t2: 'created' });
    expect(api.count('task')).toBe(4);
    expect(api.calls['task.list']).toBe(1);
  });

  it('upsert: PATCHes what exists, creates the rest', async () => {
    const existing = await api.tasks.create('101', { name: 'Task 0', tasklist: { id: '201' } });
    const sl = createStepLoader({ api, store, runId, step: stepOf({ mode: 'upsert' }) });
    const items = tasks(2).map((it) => ({ ...it, values: { ...it.values, priority: 'High' } }));
    const out = await sl.load(items);
    expect(out.results.find((r) => r.key === 't0')).toMatchObject({ status: 'updated', zohoId: existing.id });
    expect(out.results.find((r) => r.key === 't1')?.status).toBe('created');
    expect(api.tasks_.find((t) => t.id === existing.id)?.priority).toBe('high');
    expect(api.calls['task.update']).toBe(1);
    // A second upsert run PATCHes through the crosswalk without a lookup.
    const run2 = store.startRun('demo').id;
    const out2 = await createStepLoader({ api, store, runId: run2, step: stepOf({ mode: 'upsert' }) }).load(items);
    expect(out2.delta.updated).toBe(2);
    expect(api.count('task')).toBe(2);
  });

  it('a row Zoho refuses becomes a reject with Zoho message, field and line; the others land', async () => {
    api.rejectWhen = (kind, body) => (kind === 'task' && body.name === 'Task 1' ? { title: 'INVALID_PARAMETER_VALUE', fieldName: 'name', message: 'name contains invalid characters' } : undefined);
    const out = await createStepLoader({ api, store, runId, step: stepOf() }).load(tasks(3));
    expect(out.delta).toMatchObject({ created: 2, rejected: 1 });
    const [rej] = [...store.rejects(runId, 'tasks')];
    expect(rej).toMatchObject({ line: 3, code: 'ROW_REJECTED_BY_ZOHO', field: 'name', value: 'Task 1', columns: [['Name', 'Task 1']] });
    expect(rej?.message).toMatch(/INVALID_PARAMETER_VALUE.*invalid characters/);
  });

  it('a fatal error records what completed, reverts the rest to planned and clamps the high-water mark', async () => {
    api.fatalWhen = (kind, body) => kind === 'task' && body.name === 'Task 2';
    const sl = createStepLoader({ api, store, runId, step: stepOf({ concurrency: 1 }) });
    await expect(sl.load(tasks(4), { highWater: { index: 4, line: 6 } })).rejects.toMatchObject({ code: 'ZOHO_TOKEN_INVALID' });
    expect(store.getRecord('tasks', 't1')?.state).toBe('confirmed');
    expect(store.getRecord('tasks', 't2')?.state).toBe('planned');
    expect(store.getRecord('tasks', 't3')?.state).toBe('planned');
    expect(store.getStep(runId, 'tasks')).toBeUndefined();
    store.startStep(runId, { name: 'tasks', entity: 'task' });
    api.fatalWhen = undefined;
    await sl.load(tasks(4), { highWater: { index: 4, line: 6 } });
    expect(api.count('task')).toBe(4);
  });

  it('an unexpected exception after a create went out leaves it in doubt and stops; the next run finds it, never re-sends', async () => {
    // The create lands, then something that is not a Zoho answer throws (a bug, a broken parser).
    const create = api.tasks.create.bind(api.tasks);
    api.tasks.create = async (project, body) => {
      const t = await create(project, body);
      if (body.name === 'Task 1') throw new TypeError("Cannot read properties of undefined (reading 'id')");
      return t;
    };
    const sl = createStepLoader({ api, store, runId, step: stepOf({ concurrency: 1 }) });
    await expect(sl.load(tasks(3), { highWater: { index: 3, line: 5 } })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(store.getRecord('tasks', 't0')?.state).toBe('confirmed');
    expect(store.getRecord('tasks', 't1')?.state).toBe('in-doubt');
    // stopped: nothing after it was sent, and it went back to planned
    expect(store.getRecord('tasks', 't2')?.state).toBe('planned');
    expect(api.count('task')).toBe(2);
    api.tasks.create = create;
    const next = createStepLoader({ api, store, runId, step: stepOf() });
    expect(await next.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    await next.load(tasks(3));
    expect(api.count('task')).toBe(3);
    expect(store.crosswalkGet('tasks', 't1')?.zohoId).toBe(api.tasks_.find((t) => t.name === 'Task 1')?.id);
  });

  it('high-water mark stops before an unsent item', async () => {
    store.startStep(runId, { name: 'tasks', entity: 'task' });
    const ctl = new AbortController();
    ctl.abort();
    const out = await createStepLoader({ api, store, runId, step: stepOf() }).load(tasks(2, 10), { highWater: { index: 12, line: 14 }, signal: ctl.signal });
    expect(out.unsent).toEqual(['t10', 't11']);
    expect(store.getStep(runId, 'tasks')?.highWater).toMatchObject({ index: 10 });
  });

  it('a resumed run re-reading finished rows counts them once', async () => {
    const sl = createStepLoader({ api, store, runId, step: stepOf() });
    await sl.load(tasks(2));
    const again = await sl.load(tasks(3));
    expect(again.repeated.map((r) => r.key)).toEqual(['t0', 't1']);
    expect(again.delta).toMatchObject({ created: 1, repeated: 0 });
    expect(store.counts(runId, 'tasks')).toMatchObject({ created: 3, skipped: 0 });
  });
});

describe('users: bulk add with bisection', () => {
  const users = (emails: string[]): LoadItem[] => emails.map((e, i) => ({ key: e, values: { email: e, project: '101' }, pos: pos(i) }));

  it('adds in batches of the configured size, per-email ids', async () => {
    const sl = createStepLoader({ api, store, runId, step: { name: 'users', entity: 'user', userBatchSize: 3 } });
    const out = await sl.load(users(['a@x.io', 'B@x.io', 'c@x.io', 'd@x.io', 'e@x.io']));
    expect(out.delta.created).toBe(5);
    expect(api.calls['user.add']).toBe(2);
    expect(store.crosswalkByName('user', 'b@x.io')).toHaveLength(1);
  });

  it('a batch-level refusal is bisected: bad rows rejected with Zoho message, good ones land', async () => {
    api.badEmails = new Set(['bad1@x.io', 'bad2@x.io']);
    const emails = ['a@x.io', 'bad1@x.io', 'c@x.io', 'd@x.io', 'e@x.io', 'f@x.io', 'bad2@x.io', 'h@x.io'];
    const sl = createStepLoader({ api, store, runId, step: { name: 'users', entity: 'user', userBatchSize: 8 } });
    const out = await sl.load(users(emails));
    const rejected = out.results.filter((r) => r.status === 'rejected').map((r) => r.key).sort();
    expect(rejected).toEqual(['bad1@x.io', 'bad2@x.io']);
    expect(out.delta.created).toBe(6);
    expect(api.count('user')).toBe(6);
    const rej = [...store.rejects(runId, 'users')];
    expect(rej.map((r) => r.message).join()).toMatch(/Invalid email bad1@x.io/);
    expect(rej[0]?.field).toBe('email_id');
    // log2(8) levels at most: far fewer calls than one per user when few are bad
    expect(api.calls['user.add']).toBeLessThanOrEqual(11);
  });

  it('portal users: present → skipped, absent → ROW_UNKNOWN_USER', async () => {
    api.portalUsers_.push({ id: '7', email: 'a@x.io' });
    const sl = createStepLoader({ api, store, runId, step: { name: 'pu', entity: 'user', userScope: 'portal' } });
    const out = await sl.load([{ key: 'a', values: { email: 'A@x.io' }, pos: pos(0) }, { key: 'b', values: { email: 'b@x.io' }, pos: pos(1) }]);
    expect(out.results.map((r) => r.status)).toEqual(['skipped', 'rejected']);
    expect([...store.rejects(runId, 'pu')][0]?.code).toBe('ROW_UNKNOWN_USER');
  });

  it('an unexpected exception after a bulk add went out leaves its batch in doubt and stops the step', async () => {
    const add = api.users.addToProject.bind(api.users);
    api.users.addToProject = async (project, list) => {
      await add(project, list);
      throw new TypeError('answer.map is not a function');
    };
    const sl = createStepLoader({ api, store, runId, step: { name: 'users', entity: 'user', userBatchSize: 2 } });
    await expect(sl.load(users(['a@x.io', 'b@x.io', 'c@x.io']))).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(['a@x.io', 'b@x.io', 'c@x.io'].map((k) => store.getRecord('users', k)?.state)).toEqual(['in-doubt', 'in-doubt', 'planned']);
    api.users.addToProject = add;
    expect(await sl.reconcile()).toEqual({ found: 2, notFound: 0, unresolved: 0 });
    await sl.retryPlanned();
    expect(api.count('user')).toBe(3);
  });

  it('a bulk add that loses its answer leaves the batch in doubt; reconcile by email settles it', async () => {
    let n = 0;
    api.doubtWhen = (kind) => (kind === 'user' ? (++n === 1 ? 'created' : n === 2 ? 'not-created' : undefined) : undefined);
    const sl = createStepLoader({ api, store, runId, step: { name: 'users', entity: 'user', userBatchSize: 2 } });
    const out = await sl.load(users(['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', 'e@x.io']));
    expect(out.delta).toMatchObject({ inDoubt: 4, created: 1 });
    expect(await sl.reconcile()).toEqual({ found: 2, notFound: 2, unresolved: 0 });
    await sl.retryPlanned();
    expect(api.count('user')).toBe(5);
    expect(store.counts(runId, 'users')).toMatchObject({ created: 5, inDoubt: 0 });
  });
});
