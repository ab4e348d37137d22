import { describe, expect, it } from 'vitest';
import { createCrosswalkStore, createCrosswalkWriter, type CrosswalkEntry } from '../../../src/checkpoint/crosswalk-store.js';
import { createStoreContext } from '../../../src/checkpoint/store-context.js';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import { createManualClock } from '../../../src/core/clock.js';
import { tempCheckpoints } from '../../helpers/temp-checkpoint.js';

const files = tempCheckpoints();

function crosswalk() {
  const ctx = createStoreContext(files.open().cdb.db, createManualClock(1_000));
  const writer = createCrosswalkWriter(ctx);
  const put = (e: Partial<CrosswalkEntry> & { key: string; zohoId: string }) =>
    writer.put({ step: 'tasks', entity: 'task', origin: 'created', runId: 1, nowMs: 1_000, ...e });
  return { store: createCrosswalkStore(ctx), put };
}

describe('crosswalk store', () => {
  it('claimedIds excludes the asking key', () => {
    const store = createCheckpointStore(files.open().cdb.db);
    const run = store.startRun('demo');
    store.recordResults(run.id, { name: 'logs', entity: 'timelog' }, [{ key: 'a', status: 'created', zohoId: 'Z1' }]);
    expect([...store.claimedIds('timelog', ['Z1', 'Z2'])]).toEqual(['Z1']);
    expect([...store.claimedIds('timelog', ['Z1', 'Z2'], { step: 'logs', key: 'a' })]).toEqual([]);
  });

  it('claimedIds: an id two keys claim is claimed for either of them; another entity does not count', () => {
    const { store, put } = crosswalk();
    put({ key: 'a', zohoId: 'Z' });
    put({ key: 'b', zohoId: 'Z' });
    put({ key: 'c', zohoId: 'Y', entity: 'milestone' });
    expect([...store.claimedIds('task', ['Z'], { step: 'tasks', key: 'a' })]).toEqual(['Z']);
    expect([...store.claimedIds('task', ['Y'])]).toEqual([]);
  });

  it('a key written again keeps its origin and creation time, takes the new id, and keeps name, scope and parents not given', () => {
    const { store, put } = crosswalk();
    put({ key: 'a', zohoId: 'Z1', meta: { name: 'Task A', scopeId: 'P', parents: { project: 'P', tasklist: 'L' } } });
    put({ key: 'a', zohoId: 'Z2', origin: 'updated', runId: 2, nowMs: 9_000 });
    expect(store.crosswalkGet('tasks', 'a')).toEqual({
      step: 'tasks',
      key: 'a',
      entity: 'task',
      zohoId: 'Z2',
      name: 'Task A',
      scopeId: 'P',
      parents: { project: 'P', tasklist: 'L' },
      origin: 'created',
      runId: 1,
      createdMs: 1_000,
    });
    put({ key: 'b', zohoId: 'Z3' });
    expect(store.crosswalkGet('tasks', 'b')).toMatchObject({ name: null, scopeId: '', parents: {} });
    expect(store.crosswalkGet('tasks', 'none')).toBeUndefined();
  });

  it('by name: users by email whatever its case and spaces; other entities exactly, optionally within a scope', () => {
    const { store, put } = crosswalk();
    put({ step: 'users', entity: 'user', key: 'u', zohoId: 'U1', meta: { name: 'ann@example.com' } });
    put({ key: 't1', zohoId: 'T1', meta: { name: 'Design', scopeId: 'P1' }, nowMs: 2_000 });
    put({ key: 't2', zohoId: 'T2', meta: { name: 'Design', scopeId: 'P2' }, nowMs: 1_000 });
    expect(store.crosswalkByName('user', '  Ann@Example.COM ').map((c) => c.zohoId)).toEqual(['U1']);
    expect(store.crosswalkByName('task', 'design')).toEqual([]);
    expect(store.crosswalkByName('task', 'Design').map((c) => c.key)).toEqual(['t2', 't1']);
    expect(store.crosswalkByName('task', 'Design', 'P1').map((c) => c.key)).toEqual(['t1']);
    expect(store.crosswalkByZohoId('task', 'T2')?.key).toBe('t2');
    expect(store.crosswalkByZohoId('user', 'T2')).toBeUndefined();
  });

  it('many keys at once (more than one IN chunk), counts and the streamed listing in step, creation order', () => {
    const { store, put } = crosswalk();
    for (let i = 0; i < 1_100; i++) put({ key: `k${i}`, zohoId: `Z${i}`, nowMs: 10_000 - i });
    put({ step: 'logs', entity: 'timelog', key: 'l', zohoId: 'L' });
    const many = store.crosswalkGetMany('tasks', ['k0', 'k550', 'k1099', 'missing']);
    expect([...many.keys()].sort()).toEqual(['k0', 'k1099', 'k550']);
    expect(many.get('k550')?.zohoId).toBe('Z550');
    expect(store.crosswalkCount()).toBe(1_101);
    expect(store.crosswalkCount('tasks')).toBe(1_100);
    expect(store.crosswalkCount('none')).toBe(0);
    const all = [...store.crosswalkAll()];
    expect(all[0]?.step).toBe('logs');
    expect(all[1]?.key).toBe('k1099');
    expect([...store.crosswalkAll('tasks')].at(-1)?.key).toBe('k0');
  });
});
