/**
 * Crash simulation: the process "dies" between markSent and recordResults (or between markSent and
 * the request). A fresh store over the same database plays the next process.
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { openCheckpointDb, type CheckpointDb } from '../../../../src/checkpoint/db.js';
import { createCheckpointStore, type CheckpointStore } from '../../../../src/checkpoint/store.js';
import type { SourcePosition } from '../../../../src/core/record.js';
import { createManualClock } from '../../../../src/core/clock.js';
import { createEntityLoader } from '../../../../src/load/loaders/index.js';
import { orderCandidates } from '../../../../src/load/exactly-once/reconcile.js';
import { compareIds } from '../../../../src/core/ids.js';
import { createdMsOf } from '../../../../src/load/exactly-once/created-time.js';
import { createStepLoader } from '../../../../src/load/exactly-once/step-loader.js';
import type { LoadItem } from '../../../../src/load/types.js';
import { createFakeApi, type FakeApi } from '../../../helpers/fake-api.js';
import { it } from '../../../helpers/fixtures.js';

const pos = (i: number): SourcePosition => ({ source: 'logs.csv', line: i + 2, index: i });
let dir: string;
let cdb: CheckpointDb;
let api: FakeApi;

it.beforeEach(({ tmp }) => {
  dir = tmp;
  cdb = openCheckpointDb(join(dir, 'p.db'));
  api = createFakeApi();
});
// Before the fixture removes the folder.
it.afterEach(() => {
  cdb.close();
});

/** The next process: close (the lock goes with the "dead" one) and reopen the same file. */
function restart(): CheckpointStore {
  cdb.close();
  cdb = openCheckpointDb(join(dir, 'p.db'));
  return createCheckpointStore(cdb.db);
}

const tasks = (n: number): LoadItem[] =>
  Array.from({ length: n }, (_, i) => ({ key: `t${i}`, values: { project: '101', tasklist: '201', name: `Task ${i}` }, pos: pos(i) }));

describe('reconciliation after a crash', () => {
  it('killed after the request, before recordResults: found, confirmed, never re-sent', async () => {
    let store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    const items = tasks(3);
    const loader = createEntityLoader('task', api);
    // The run loop's protocol, with the process dying after the response arrived.
    store.markSent(run, 'tasks', items.map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    await loader.create(items.slice(0, 2));
    // …SIGKILL here: results never recorded; t2 was marked sent but its request never left.
    store = restart();
    store.resumeRun(run);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' } });
    const counts = await sl.reconcile();
    expect(counts).toEqual({ found: 2, notFound: 1, unresolved: 0 });
    expect(store.getRecord('tasks', 't0')?.state).toBe('confirmed');
    expect(store.getRecord('tasks', 't2')?.state).toBe('planned');
    // Resume re-reads the batch: t0/t1 already done in this run, t2 sent exactly once.
    const out = await sl.load(items);
    expect(out.repeated.map((r) => r.key)).toEqual(['t0', 't1']);
    expect(out.delta.created).toBe(1);
    expect(api.count('task')).toBe(3);
    expect(api.calls['task.create']).toBe(3);
    expect(store.counts(run, 'tasks')).toMatchObject({ created: 3, inDoubt: 0, read: 3 });
  });

  it('killed after markSent, before the request: nothing found, re-sent once', async () => {
    let store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    store.markSent(run, 'tasks', tasks(2).map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    store = restart();
    // A new run (not a resume) reconciles the old run's records too.
    const run2 = store.startRun('demo').id;
    const sl = createStepLoader({ api, store, runId: run2, step: { name: 'tasks', entity: 'task' } });
    expect(await sl.reconcile()).toEqual({ found: 0, notFound: 2, unresolved: 0 });
    await sl.load(tasks(2));
    expect(api.calls['task.create']).toBe(2);
    expect(api.count('task')).toBe(2);
  });

  it('in-doubt answers (created or not behind the scenes) settle to exactly one each', async () => {
    const store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    api.doubtWhen = (kind, body) => (kind !== 'task' ? undefined : body.name === 'Task 0' ? 'created' : body.name === 'Task 1' ? 'not-created' : undefined);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' } });
    const out = await sl.load(tasks(3));
    expect(out.delta).toMatchObject({ created: 1, inDoubt: 2 });
    api.doubtWhen = undefined;
    expect(await sl.reconcile()).toEqual({ found: 1, notFound: 1, unresolved: 0 });
    const retried = await sl.retryPlanned();
    expect(retried.reduce((n, b) => n + b.delta.created, 0)).toBe(1);
    expect(api.count('task')).toBe(3);
    expect(store.counts(run, 'tasks')).toMatchObject({ created: 3, inDoubt: 0, read: 3 });
  });

  it('a row re-sent from the checkpoint and then refused keeps its original columns for rejects.csv', async () => {
    const store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    api.doubtWhen = (kind) => (kind === 'task' ? 'not-created' : undefined);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' } });
    await sl.load([{ ...tasks(1)[0]!, data: { Title: 'Task 0', List: '201' } }]);
    api.doubtWhen = undefined;
    api.rejectWhen = () => ({ title: 'INVALID_PARAMETER_VALUE', fieldName: 'name', message: 'no' });
    await sl.reconcile();
    await sl.retryPlanned();
    expect([...store.rejects(run, 'tasks')][0]?.columns).toEqual([['Title', 'Task 0'], ['List', '201']]);
  });

  it('a key still sent when its batch comes round again is reconciled inline, not re-sent', async () => {
    let store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    const items = tasks(2);
    store.markSent(run, 'tasks', items.map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    await createEntityLoader('task', api).create(items);
    store = restart();
    const out = await createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' } }).load(items);
    expect(out.reconciled.found).toBe(2);
    expect(api.count('task')).toBe(2);
  });

  it('users are reconciled by email', async () => {
    let store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    const items: LoadItem[] = ['a@x.io', 'b@x.io'].map((e, i) => ({ key: e, values: { email: e, project: '101' }, pos: pos(i) }));
    store.markSent(run, 'users', items.map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    await api.users.addToProject('101', [{ email_id: 'a@x.io' }]);
    store = restart();
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'users', entity: 'user' } });
    expect(await sl.reconcile()).toEqual({ found: 1, notFound: 1, unresolved: 0 });
    await sl.load(items);
    expect(api.count('user')).toBe(2);
  });

  // A project user's id names the person, the same in every project (users.ts: idsPerScope).
  const ana = (project: string): LoadItem => ({ key: `ana-${project}`, values: { email: 'ana@x.io', project }, pos: pos(project === '101' ? 0 : 1) });

  it("a person confirmed in one project, her in-doubt membership of another found there: bound to her id, not re-sent", async () => {
    let store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'users', entity: 'user' } });
    await sl.load([ana('101')]);
    const x = store.crosswalkGet('users', 'ana-101')!.zohoId;
    // Her Mobile membership is sent and Zoho commits it (same person, same id), but the process dies.
    store.markSent(run, 'users', [ana('P2')].map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    api.projectUsers_.set('P2', [{ id: x, email: 'ana@x.io' }]);
    store = restart();
    store.resumeRun(run);
    // With a settle time, a miss would wait and then be judged absent and re-sent.
    const timing = { clock: createManualClock(), settleMs: 60_000 };
    const sl2 = createStepLoader({ api, store, runId: run, step: { name: 'users', entity: 'user' }, timing });
    expect(await sl2.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    expect(store.getRecord('users', 'ana-P2')?.state).toBe('confirmed');
    expect(store.crosswalkGet('users', 'ana-P2')?.zohoId).toBe(x);
    const adds = api.calls['user.add'];
    const out = await sl2.load([ana('101'), ana('P2')]);
    expect(out.repeated.map((r) => r.key)).toEqual(['ana-101', 'ana-P2']);
    expect(api.calls['user.add']).toBe(adds);
    expect(store.counts(run, 'users')).toMatchObject({ created: 2, inDoubt: 0 });
  });

  it('two in-doubt memberships of one person in two projects, in one pass: both found', async () => {
    let store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    store.markSent(run, 'users', [ana('101'), ana('P2')].map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    const x = '1000000000000000042';
    api.projectUsers_.set('101', [{ id: x, email: 'ana@x.io' }]);
    api.projectUsers_.set('P2', [{ id: x, email: 'ana@x.io' }]);
    store = restart();
    store.resumeRun(run);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'users', entity: 'user' } });
    expect(await sl.reconcile()).toEqual({ found: 2, notFound: 0, unresolved: 0 });
    expect([store.crosswalkGet('users', 'ana-101')?.zohoId, store.crosswalkGet('users', 'ana-P2')?.zohoId]).toEqual([x, x]);
    expect(store.counts(run, 'users')).toMatchObject({ created: 2, inDoubt: 0 });
  });
});

describe('time log collisions', () => {
  const log = (i: number): LoadItem => ({
    key: `row${i}`,
    values: { project: '101', task: '301', date: '2026-03-02', hours: '01:30', owner: '401', notes: 'standup', bill_status: 'Billable' },
    pos: pos(i),
  });

  it('two identical source rows, one created before the crash: the other is re-sent, not matched to its twin', async () => {
    let store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'logs', entity: 'timelog' } });
    await sl.load([log(0)]);
    store.markSent(run, 'logs', [log(1)].map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    store = restart();
    const sl2 = createStepLoader({ api, store, runId: run, step: { name: 'logs', entity: 'timelog' } });
    expect(await sl2.reconcile()).toEqual({ found: 0, notFound: 1, unresolved: 0 });
    await sl2.load([log(0), log(1)]);
    expect(api.count('timelog')).toBe(2);
    const ids = [store.crosswalkGet('logs', 'row0')?.zohoId, store.crosswalkGet('logs', 'row1')?.zohoId];
    expect(new Set(ids).size).toBe(2);
  });

  it('two identical rows both sent, one landed: exactly one claims it, the other is re-sent', async () => {
    let store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    store.markSent(run, 'logs', [log(0), log(1)].map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    await createEntityLoader('timelog', api).create([log(1)]);
    store = restart();
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'logs', entity: 'timelog' } });
    expect(await sl.reconcile()).toEqual({ found: 1, notFound: 1, unresolved: 0 });
    await sl.load([log(0), log(1)]);
    expect(api.count('timelog')).toBe(2);
  });

  it('the request carries request names; matching reads response names (HTML notes, log_hour)', async () => {
    const loader = createEntityLoader('timelog', api);
    expect(loader.buildRequest(log(0).values)).toEqual({
      date: '2026-03-02',
      bill_status: 'Billable',
      hours: '01:30',
      module: { type: 'task', id: '301' },
      notes: 'standup',
      owner_zpuid: '401',
    });
    await loader.create([log(0)]);
    expect(api.timelogs_[0]?.notes).toBe('<div>standup</div>');
    expect(await loader.findExisting(log(0).values, { fresh: true })).toHaveLength(1);
    expect(await loader.findExisting({ ...log(0).values, hours: '01:31' }, { fresh: true })).toHaveLength(0);
  });

  it('skip-existing pairs N identical rows with N distinct existing logs, creating only the surplus', async () => {
    const loader = createEntityLoader('timelog', api);
    await loader.create([{ ...log(90), key: 'x' }]);
    const store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    const out = await createStepLoader({ api, store, runId: run, step: { name: 'logs', entity: 'timelog', mode: 'skip-existing' } }).load([log(0), log(1)]);
    expect(out.results.map((r) => r.status).sort()).toEqual(['created', 'skipped']);
    expect(api.count('timelog')).toBe(2);
  });
});

describe('candidate order (someone else\'s entity is never ours)', () => {
  it('drops candidates created before the floor; marker first; timed oldest first; untimed newest first by id, never through Number', () => {
    const floor = Date.UTC(2026, 11, 1, 12);
    const cands = [
      { id: '1000000000000000001', createdMs: floor - 1 }, // made before our request: someone else's
      { id: '1000000000000000009', createdMs: floor + 2000 },
      { id: '1000000000000000005', createdMs: floor + 1000 },
      { id: '999999999999999999' }, // 18 digits: older than any 19-digit id
      { id: '1000000000000000003' },
      { id: '1000000000000000002', marker: true, createdMs: floor - 10_000 },
    ];
    expect(orderCandidates(cands, floor)).toEqual(['1000000000000000002', '1000000000000000005', '1000000000000000009', '1000000000000000003', '999999999999999999']);
    // Number would round these two 19-digit ids to the same value; the order must still be exact.
    expect(Number('9007199254740993001') === Number('9007199254740993000')).toBe(true);
    expect(orderCandidates([{ id: '9007199254740993000' }, { id: '9007199254740993001' }])).toEqual(['9007199254740993001', '9007199254740993000']);
    expect(compareIds('999', '1000')).toBeLessThan(0);
    // No floor (a record sent before schema 4): nothing is dropped.
    expect(orderCandidates(cands).length).toBe(6);
  });

  it('reads Zoho\'s created times: created_time ISO or ms digits, created_time_long, users\' added_time', () => {
    const ms = Date.UTC(2026, 5, 24, 16, 45, 31, 884);
    expect(createdMsOf({ created_time: '2026-06-24T16:45:31.884Z' })).toBe(ms);
    expect(createdMsOf({ created_time: String(ms) })).toBe(ms);
    expect(createdMsOf({ created_time_long: ms })).toBe(ms);
    expect(createdMsOf({ added_time: '2026-06-24T16:45:31.884Z' })).toBe(ms);
    expect(createdMsOf({ created_time: 'soon' })).toBeUndefined();
    expect(createdMsOf({})).toBeUndefined();
  });

  it('an instant it cannot be sure of is unknown, never a guess: no offset, V2 local forms, date-only, epoch seconds', () => {
    const ms = Date.UTC(2026, 5, 24, 16, 45, 31, 884);
    // Explicit zones are read exactly.
    expect(createdMsOf({ created_time: '2026-06-24T22:15:31.884+05:30' })).toBe(ms);
    expect(createdMsOf({ created_time: '2026-06-24T08:45:31.884-0800' })).toBe(ms);
    expect(createdMsOf({ created_time: '2026-06-24 16:45:31.884z' })).toBe(ms);
    expect(createdMsOf({ created_time: '2026-06-24T16:45:31.884123Z' })).toBe(ms);
    // The portal's local time without an offset (up to ±14 h off) would put our own entity before the floor.
    expect(createdMsOf({ created_time: '2026-06-24T08:45:31.884' })).toBeUndefined();
    expect(createdMsOf({ created_time: '06-24-2026 08:45 AM' })).toBeUndefined();
    expect(createdMsOf({ created_time: 'Wed Jun 24 2026 08:45:31' })).toBeUndefined();
    expect(createdMsOf({ created_time: '2026-06-24' })).toBeUndefined();
    expect(createdMsOf({ created_time: '06-24-2026' })).toBeUndefined();
    // Epoch seconds read as ms would be January 1970.
    expect(createdMsOf({ created_time: String(Math.floor(ms / 1000)) })).toBeUndefined();
    expect(createdMsOf({ created_time_long: Math.floor(ms / 1000) })).toBeUndefined();
    expect(createdMsOf({ created_time_long: -1 })).toBeUndefined();
    // An unreadable created_time falls back to a readable long form.
    expect(createdMsOf({ created_time: '06-24-2026 08:45 AM', created_time_long: String(ms) })).toBe(ms);
  });

  it.each([
    ['ISO without an offset (portal time UTC-8)', (sentMs: number) => new Date(sentMs - 8 * 3_600_000).toISOString().replace('Z', '')],
    ['V2 "MM-dd-yyyy hh:mm AM"', () => '12-01-2026 01:00 AM'],
    ['epoch seconds', (sentMs: number) => String(Math.floor(sentMs / 1000))],
    ['date only', () => '2026-12-01'],
  ])('our own task whose created time reads %s is still found, never dropped and re-sent', async (_label, createdAs) => {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
    const store = createCheckpointStore(cdb.db, clock);
    const run = store.startRun('demo').id;
    api.doubtWhen = (kind) => (kind === 'task' ? 'created' : undefined);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' }, timing: { clock } });
    expect((await sl.load(tasks(1))).delta.inDoubt).toBe(1);
    api.doubtWhen = undefined;
    const ours = api.tasks_[0]!;
    (ours as Record<string, unknown>).created_time = createdAs(clock.now());
    expect(await sl.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    expect(store.crosswalkGet('tasks', 't0')?.zohoId).toBe(ours.id);
    await sl.retryPlanned();
    expect(api.count('task')).toBe(1);
  });

  it('a lost create binds to the task it made, not to an older same-named task made outside the tool', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
    const store = createCheckpointStore(cdb.db, clock);
    const run = store.startRun('demo').id;
    // Made by hand an hour before our run, same name, same list.
    api.tasks_.push({ id: '1000000000000000042', name: 'Task 0', project: { id: '101' }, tasklist: { id: '201' }, created_time: new Date(clock.now() - 3_600_000).toISOString() } as never);
    await clock.advance(3_600_000);
    api.doubtWhen = (kind) => (kind === 'task' ? 'created' : undefined);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' }, timing: { clock } });
    expect((await sl.load(tasks(1))).delta.inDoubt).toBe(1);
    api.doubtWhen = undefined;
    const ours = api.tasks_.find((t) => t.id !== '1000000000000000042')!;
    expect(await sl.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    expect(store.crosswalkGet('tasks', 't0')?.zohoId).toBe(ours.id);
    await sl.load(tasks(1));
    expect(api.count('task')).toBe(2);
  });
});

describe('records from before schema v4 (sent_ms NULL)', () => {
  it('have no created-time floor: a match is taken whatever its created time, never dropped and re-sent', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
    const store = createCheckpointStore(cdb.db, clock);
    const run = store.startRun('demo').id;
    store.markSent(run, 'tasks', tasks(1).map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    cdb.db.prepare('UPDATE records SET sent_ms = NULL').run();
    // Created a day before "now" (the v3 run was long ago): the only match is ours.
    api.tasks_.push({ id: '1000000000000000042', name: 'Task 0', project: { id: '101' }, tasklist: { id: '201' }, created_time: new Date(clock.now() - 86_400_000).toISOString() } as never);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' }, timing: { clock } });
    expect(await sl.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    expect(store.crosswalkGet('tasks', 't0')?.zohoId).toBe('1000000000000000042');
  });
});

describe('late commits (Zoho commits after the client gave up)', () => {
  /** A tasks step with a 60 s settle time over a fake Zoho that leaves every task create in doubt (not created) until told otherwise. */
  function doubtingTasks() {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
    const store = createCheckpointStore(cdb.db, clock);
    const run = store.startRun('demo').id;
    api.doubtWhen = (kind) => (kind === 'task' ? 'not-created' : undefined);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' }, timing: { clock, settleMs: 60_000 } });
    return { clock, store, sl };
  }

  it('a create not found within the settle time stays in-doubt and is not re-sent; judged absent only once it matures', async () => {
    const { clock, store, sl } = doubtingTasks();
    await sl.load(tasks(1));
    api.doubtWhen = undefined;
    const sentAt = clock.now();
    await clock.advance(10_000);
    expect(await sl.reconcile()).toEqual({ found: 0, notFound: 0, unresolved: 0, waiting: 1, retryAtMs: sentAt + 60_000, settledAtMs: sentAt + 60_000 });
    expect(store.getRecord('tasks', 't0')?.state).toBe('in-doubt');
    // Neither a re-read of the row nor the end-of-step retry sends it again while it waits.
    await sl.load(tasks(1));
    await sl.retryPlanned();
    expect(api.calls['task.create']).toBe(1);
    // The late commit lands; the next look after the settle time finds it: confirmed, never re-sent.
    await createEntityLoader('task', api).create(tasks(1));
    await clock.advance(60_000);
    expect(await sl.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    expect(api.count('task')).toBe(1);
  });

  it('re-reading a key still in doubt (a restart every 20 s) does not start its settle time over: judged absent 60 s after it went in doubt', async () => {
    const { clock, store, sl } = doubtingTasks();
    await sl.load(tasks(1));
    api.doubtWhen = undefined;
    const doubtAt = clock.now();
    for (let i = 1; i <= 2; i++) {
      await clock.advance(20_000);
      // Each restart reads the row again (recorded in doubt again, not sent) and looks at it: still waiting, for the same instant.
      expect((await sl.load(tasks(1))).delta.inDoubt).toBe(1);
      expect(await sl.reconcile()).toMatchObject({ waiting: 1, retryAtMs: doubtAt + 60_000, settledAtMs: doubtAt + 60_000 });
    }
    await clock.set(doubtAt + 60_000);
    await sl.load(tasks(1));
    expect(store.getRecord('tasks', 't0')?.state).toBe('confirmed');
    expect(api.calls['task.create']).toBe(2);
    expect(api.count('task')).toBe(1);
  });

  it('a record a killed process left sent becomes in-doubt while young; once mature and still absent it is re-sent once', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
    let store = createCheckpointStore(cdb.db, clock);
    const run = store.startRun('demo').id;
    store.markSent(run, 'tasks', tasks(1).map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    store = restart();
    store = createCheckpointStore(cdb.db, clock);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' }, timing: { clock, settleMs: 60_000 } });
    expect((await sl.reconcile()).waiting).toBe(1);
    expect(store.getRecord('tasks', 't0')?.state).toBe('in-doubt');
    await clock.advance(60_000);
    expect(await sl.reconcile()).toEqual({ found: 0, notFound: 1, unresolved: 0 });
    await sl.retryPlanned();
    expect(api.calls['task.create']).toBe(1);
  });
  it('records that went in doubt at different moments: retryAtMs is the earliest maturity, settledAtMs the latest', async () => {
    const { clock, store, sl } = doubtingTasks();
    const items = tasks(2);
    const first = clock.now();
    await sl.load([items[0]!]);
    await clock.advance(20_000);
    await sl.load([items[1]!]);
    api.doubtWhen = undefined;
    await clock.advance(1_000);
    expect(await sl.reconcile()).toEqual({ found: 0, notFound: 0, unresolved: 0, waiting: 2, retryAtMs: first + 60_000, settledAtMs: first + 80_000 });
    // At the latest maturity both are judged in one look (absent: back to planned, re-sent once each).
    await clock.set(first + 80_000);
    expect(await sl.reconcile()).toEqual({ found: 0, notFound: 2, unresolved: 0 });
    await sl.retryPlanned();
    expect(api.calls['task.create']).toBe(4);
  });
});

describe('a record a killed process left sent (its request may have left long after the batch was marked)', () => {
  /**
   * The batch was marked sent 5 minutes ago (far more than the settle time); its last item waited for the
   * rate budget and left just before the process was killed, a moment the checkpoint does not know.
   */
  async function leftSentLongAgo() {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
    let store = createCheckpointStore(cdb.db, clock);
    const run = store.startRun('demo').id;
    const items = tasks(1);
    store.markSent(run, 'tasks', items.map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const })));
    const sentAt = clock.now();
    await clock.advance(5 * 60_000);
    // …the request left here, Zoho has not committed it yet, and the process was SIGKILLed.
    store = restart();
    store = createCheckpointStore(cdb.db, clock);
    store.resumeRun(run);
    const sl = createStepLoader({ api, store, runId: run, step: { name: 'tasks', entity: 'task' }, timing: { clock, settleMs: 60_000 } });
    return { clock, store, sl, items, sentAt };
  }

  it('is not judged absent by the first look: in doubt from that look; a late commit a few seconds later is found, never re-sent', async () => {
    const { clock, store, sl, items, sentAt } = await leftSentLongAgo();
    const firstLook = clock.now();
    expect(await sl.reconcile()).toEqual({ found: 0, notFound: 0, unresolved: 0, waiting: 1, retryAtMs: firstLook + 60_000, settledAtMs: firstLook + 60_000 });
    // In doubt from the first look; sent_ms (the created-time floor) is still the batch's mark instant.
    expect(store.getRecord('tasks', 't0')).toMatchObject({ state: 'in-doubt', updatedMs: firstLook, sentMs: sentAt });
    // The resumed run re-reads the row: still waiting, nothing sent.
    await sl.load(items);
    await sl.retryPlanned();
    expect(api.calls['task.create'] ?? 0).toBe(0);
    // Zoho commits the request a few seconds after the restart: the next look binds the key to it.
    await clock.advance(5_000);
    await createEntityLoader('task', api).create(items);
    const lateId = api.tasks_[0]!.id;
    await clock.advance(1_000);
    expect(await sl.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    await sl.load(items);
    await sl.retryPlanned();
    expect(store.crosswalkGet('tasks', 't0')?.zohoId).toBe(lateId);
    expect(api.count('task')).toBe(1);
    expect(api.calls['task.create']).toBe(1);
  });

  it('with no late commit it is judged absent one settle time after that first look, and re-sent once; a restart before then does not start the wait over', async () => {
    const { clock, sl } = await leftSentLongAgo();
    const firstLook = clock.now();
    expect((await sl.reconcile()).waiting).toBe(1);
    // Another restart 30 s later: the wait still ends 60 s after the first look, not after this one.
    await clock.advance(30_000);
    let again = restart();
    again = createCheckpointStore(cdb.db, clock);
    const run = again.latestRun('demo')!.id;
    again.resumeRun(run);
    const sl2 = createStepLoader({ api, store: again, runId: run, step: { name: 'tasks', entity: 'task' }, timing: { clock, settleMs: 60_000 } });
    expect(await sl2.reconcile()).toMatchObject({ waiting: 1, retryAtMs: firstLook + 60_000, settledAtMs: firstLook + 60_000 });
    await clock.set(firstLook + 59_999);
    expect((await sl2.reconcile()).waiting).toBe(1);
    await clock.set(firstLook + 60_000);
    expect(await sl2.reconcile()).toEqual({ found: 0, notFound: 1, unresolved: 0 });
    await sl2.retryPlanned();
    await sl2.retryPlanned();
    expect(api.calls['task.create']).toBe(1);
    expect(api.count('task')).toBe(1);
    expect(again.getRecord('tasks', 't0')?.state).toBe('confirmed');
  });
});
