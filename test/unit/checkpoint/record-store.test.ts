import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openCheckpointDb } from '../../../src/checkpoint/db.js';
import { MIGRATIONS } from '../../../src/checkpoint/migrations.js';
import { createRecordStore, type RecordStoreWrites } from '../../../src/checkpoint/record-store.js';
import { createStoreContext } from '../../../src/checkpoint/store-context.js';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import { createManualClock } from '../../../src/core/clock.js';
import { pos, tempCheckpoints } from '../../helpers/temp-checkpoint.js';

const files = tempCheckpoints();
const item = (k: string, i: number, values: Record<string, unknown> = { name: k }) => ({ key: k, values, pos: pos(i), op: 'create' as const });

describe('record store: the protocol through the whole store', () => {
  it('markSent then recordResults: states, crosswalk, rejects, counts, high-water', () => {
    const store = createCheckpointStore(files.open().cdb.db);
    const run = store.startRun('demo');
    store.startStep(run.id, { name: 'tl', entity: 'tasklist' });
    const items = [0, 1, 2].map((i) => ({ key: `k${i}`, values: { name: `L${i}`, project: 'P' }, pos: pos(i), op: 'create' as const }));
    const batch = store.markSent(run.id, 'tl', items);
    expect([...store.pending('tl', ['sent'])].map((r) => r.key)).toEqual(['k0', 'k1', 'k2']);
    expect(store.getRecord('tl', 'k0')?.values).toEqual({ name: 'L0', project: 'P' });
    const delta = store.recordResults(
      run.id,
      { name: 'tl', entity: 'tasklist' },
      [
        { key: 'k0', status: 'created', zohoId: '1234567890123456789', meta: { name: 'L0', scopeId: 'P', parents: { project: 'P' } } },
        { key: 'k1', status: 'rejected', error: { code: 'ROW_REJECTED_BY_ZOHO', message: 'bad name', field: 'name', value: 'L1', pos: pos(1) }, data: { Name: 'L1', Proj: 'P' } },
        { key: 'k2', status: 'in-doubt' },
      ],
      { highWater: { index: 3, line: 5 }, batchId: batch },
    );
    expect(delta).toMatchObject({ created: 1, rejected: 1, inDoubt: 1, repeated: 0 });
    expect(store.getRecord('tl', 'k0')).toMatchObject({ state: 'confirmed', zohoId: '1234567890123456789', values: null });
    expect(store.getRecord('tl', 'k2')).toMatchObject({ state: 'in-doubt' });
    expect(store.getRecord('tl', 'k2')?.values).toEqual({ name: 'L2', project: 'P' });
    expect(store.crosswalkGet('tl', 'k0')).toMatchObject({ zohoId: '1234567890123456789', scopeId: 'P', parents: { project: 'P' } });
    expect(store.crosswalkByName('tasklist', 'L0', 'P').map((c) => c.key)).toEqual(['k0']);
    expect(store.crosswalkByZohoId('tasklist', '1234567890123456789')?.key).toBe('k0');
    const rejects = [...store.rejects(run.id, 'tl')];
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ line: 3, code: 'ROW_REJECTED_BY_ZOHO', field: 'name', stage: 'load', columns: [['Name', 'L1'], ['Proj', 'P']] });
    expect(store.getStep(run.id, 'tl')?.highWater).toEqual({ index: 3, line: 5 });
    expect(store.counts(run.id, 'tl')).toMatchObject({ created: 1, rejected: 1, inDoubt: 1, read: 3 });
  });

  it('a resumed run re-reading finished rows neither recounts nor changes them', () => {
    const store = createCheckpointStore(files.open().cdb.db);
    const run = store.startRun('demo');
    store.markSent(run.id, 's', [{ key: 'a', values: {}, pos: pos(0), op: 'create' }]);
    store.recordResults(run.id, { name: 's', entity: 'task' }, [{ key: 'a', status: 'created', zohoId: '1' }]);
    const d = store.recordResults(run.id, { name: 's', entity: 'task' }, [{ key: 'a', status: 'skipped', zohoId: '1' }]);
    expect(d).toMatchObject({ skipped: 0, repeated: 1 });
    expect(store.counts(run.id, 's')).toMatchObject({ created: 1, skipped: 0 });
    // A later run skipping it counts a skip in that run.
    const run2 = store.startRun('demo');
    store.recordResults(run2.id, { name: 's', entity: 'task' }, [{ key: 'a', status: 'skipped', zohoId: '1' }]);
    expect(store.counts(run2.id, 's')).toMatchObject({ created: 0, skipped: 1 });
    expect(store.crosswalkGet('s', 'a')?.origin).toBe('created');
  });

  it('countPending can be limited to the records a run last touched', () => {
    const store = createCheckpointStore(files.open().cdb.db);
    const r1 = store.startRun('demo').id;
    store.markSent(r1, 's', [{ key: 'old', values: {}, pos: pos(0), op: 'create' }]);
    store.revertToPlanned('s', ['old']);
    const r2 = store.startRun('demo').id;
    store.markSent(r2, 's', [{ key: 'new', values: {}, pos: pos(1), op: 'create' }]);
    store.revertToPlanned('s', ['new']);
    expect(store.countPending('s', ['planned'])).toBe(2);
    expect(store.countPending('s', ['planned'], r2)).toBe(1);
  });

  it('is fast: 5k records marked sent and confirmed in 50 batches (throughput logged)', () => {
    const store = createCheckpointStore(files.open().cdb.db);
    const run = store.startRun('demo');
    const t0 = performance.now();
    for (let b = 0; b < 50; b++) {
      const items = Array.from({ length: 100 }, (_, i) => ({ key: `k${b * 100 + i}`, values: { name: `task ${b * 100 + i}`, project: 'P' }, pos: pos(b * 100 + i), op: 'create' as const }));
      const batch = store.markSent(run.id, 'tasks', items);
      store.recordResults(run.id, { name: 'tasks', entity: 'task' }, items.map((it, i) => ({ key: it.key, status: 'created' as const, zohoId: String(9_000_000_000_000_000_000n + BigInt(b * 100 + i)), meta: { name: String(it.values.name), scopeId: 'P' } })), { batchId: batch, highWater: { index: (b + 1) * 100, line: (b + 1) * 100 + 1 } });
    }
    const ms = performance.now() - t0;
    expect(store.counts(run.id, 'tasks').created).toBe(5_000);
    expect(store.crosswalkCount('tasks')).toBe(5_000);
    console.log(`5k records sent+confirmed in ${ms.toFixed(0)} ms (${Math.round(5_000 / (ms / 1000))} records/s)`);
    expect(ms).toBeLessThan(10_000);
  });
});

/** The record store alone, its writes into the other stores recorded (or made to fail). */
function recordStoreAlone(writes: Partial<RecordStoreWrites> = {}) {
  const { cdb } = files.open();
  const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
  const calls: string[] = [];
  const all: RecordStoreWrites = {
    crosswalk: { put: (e) => void calls.push(`crosswalk ${e.step}/${e.key} ${e.zohoId} ${e.origin}`) },
    rejects: { insert: (runId, step, r) => (calls.push(`reject ${step}/${r.key} ${r.stage}`), true) },
    setHighWater: (runId, name, hw) => void calls.push(`hw ${name} ${hw?.index}`),
    ...writes,
  };
  return { store: createRecordStore(createStoreContext(cdb.db, clock), all), calls, clock, db: cdb.db };
}

describe('record store: alone', () => {
  it('recordResults hands confirmed keys to the crosswalk, refusals to rejects and the mark to the steps', () => {
    const { store, calls } = recordStoreAlone();
    const batch = store.markSent(1, 's', [item('a', 0), item('b', 1)]);
    const error = { code: 'ROW_REJECTED_BY_ZOHO' as const, message: 'no', field: 'name', value: 'b', pos: pos(1) };
    const delta = store.recordResults(1, { name: 's', entity: 'task' }, [{ key: 'a', status: 'updated', zohoId: 'Z' }, { key: 'b', status: 'rejected', error }], { highWater: { index: 2, line: 4 }, batchId: batch });
    expect(delta).toEqual({ created: 0, updated: 1, skipped: 0, rejected: 1, inDoubt: 0, repeated: 0 });
    expect(calls).toEqual(['crosswalk s/a Z updated', 'reject s/b load', 'hw s 2']);
    expect(store.getRecord('s', 'b')).toMatchObject({ state: 'rejected', outcome: 'rejected', values: null, data: null, pos: pos(1) });
  });

  it('a failing write inside recordResults rolls the whole transaction back: the records stay sent', () => {
    const { store } = recordStoreAlone({
      crosswalk: {
        put: () => {
          throw new Error('disk full');
        },
      },
    });
    store.markSent(1, 's', [item('a', 0)]);
    expect(() => store.recordResults(1, { name: 's', entity: 'task' }, [{ key: 'a', status: 'created', zohoId: 'Z' }])).toThrow('disk full');
    expect(store.getRecord('s', 'a')).toMatchObject({ state: 'sent', zohoId: null, values: { name: 'a' } });
  });

  it('markSent numbers batches, keeps payload and columns while the outcome is unknown, and counts attempts', () => {
    const { store, db } = recordStoreAlone();
    const b1 = store.markSent(1, 's', [{ ...item('a', 0), data: { Name: 'a', Extra: '1' } }]);
    expect(store.getRecord('s', 'a')).toMatchObject({ state: 'sent', op: 'create', batchId: b1, attempts: 1, values: { name: 'a' }, data: { Name: 'a', Extra: '1' } });
    expect(store.getRecord('s', 'a')?.payloadHash).toMatch(/^[0-9a-f]{64}$/);
    store.recordResults(1, { name: 's', entity: 'task' }, [{ key: 'a', status: 'in-doubt' }], { batchId: b1 });
    expect(store.getRecord('s', 'a')).toMatchObject({ state: 'in-doubt', values: { name: 'a' }, data: { Name: 'a', Extra: '1' } });
    const b2 = store.markSent(1, 's', [{ ...item('a', 0), op: 'update' }]);
    expect(b2).toBeGreaterThan(b1);
    expect(store.getRecord('s', 'a')).toMatchObject({ state: 'sent', op: 'update', batchId: b2, attempts: 2 });
    expect(db.prepare('SELECT id, state, size FROM batches ORDER BY id').all()).toEqual([
      { id: b1, state: 'done', size: 1 },
      { id: b2, state: 'sent', size: 1 },
    ]);
  });

  it('markInDoubt moves only records left sent; revertToPlanned makes them safe to re-send', () => {
    const { store } = recordStoreAlone();
    store.markSent(1, 's', [item('a', 0), item('b', 1), item('c', 2)]);
    store.recordResults(1, { name: 's', entity: 'task' }, [{ key: 'a', status: 'created', zohoId: 'Z' }]);
    store.markInDoubt('s', ['a', 'b', 'nope']);
    expect(store.getRecord('s', 'a')?.state).toBe('confirmed');
    expect(store.getRecord('s', 'b')).toMatchObject({ state: 'in-doubt', outcome: 'in-doubt' });
    expect(store.getRecord('s', 'nope')).toBeUndefined();
    store.revertToPlanned('s', ['b']);
    expect(store.getRecord('s', 'b')).toMatchObject({ state: 'planned', outcome: null });
    expect([...store.pending('s')].map((r) => r.key)).toEqual(['c']);
    expect(store.countPending('s')).toBe(1);
    expect(store.countPending('s', ['planned', 'confirmed'])).toBe(2);
  });

  it('pending streams in source order, whatever the order the keys were sent in', () => {
    const { store } = recordStoreAlone();
    store.markSent(1, 's', [item('z', 2), item('y', 0)]);
    store.markSent(1, 's', [item('x', 1)]);
    expect([...store.pending('s', ['sent'])].map((r) => r.key)).toEqual(['y', 'x', 'z']);
  });

  it('getRecords finds keys across more than one chunk of the IN list, and leaves unknown keys out', () => {
    const { store } = recordStoreAlone();
    const items = Array.from({ length: 1_200 }, (_, i) => item(`k${i}`, i));
    store.markSent(1, 's', items);
    const keys = [...items.map((it) => it.key), 'missing'];
    const found = store.getRecords('s', keys);
    expect(found.size).toBe(1_200);
    expect(found.get('k1199')?.pos).toEqual(pos(1199));
    expect(found.has('missing')).toBe(false);
    expect(store.getRecords('s', []).size).toBe(0);
    expect(store.getRecords('other', ['k1']).size).toBe(0);
  });

  it('recordSkip records a left-out row once per run, under a key no source key can equal', () => {
    const { store } = recordStoreAlone();
    expect(store.recordSkip(1, 's', pos(4), 'filtered')).toBe(true);
    expect(store.recordSkip(1, 's', pos(4), 'filtered')).toBe(false);
    expect(store.getRecord('s', ' filtered 4')).toMatchObject({ state: 'confirmed', outcome: 'filtered', zohoId: null, pos: pos(4) });
    expect(store.recordSkip(2, 's', pos(4), 'filtered')).toBe(true);
  });
});

describe('records.sent_ms (the created-time floor of reconciliation)', () => {
  it('is the time of the last send and survives an in-doubt outcome, markInDoubt and a restart', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
    const { cdb, path } = files.open();
    const store = createCheckpointStore(cdb.db, clock);
    const run = store.startRun('demo').id;
    store.markSent(run, 'tasks', [item('a', 0), item('b', 1)]);
    const sentAt = clock.now();
    await clock.advance(30_000);
    // The client gave up on 'a' (an in-doubt outcome); 'b' is left 'sent' (killed) and marked in doubt later.
    store.recordResults(run, { name: 'tasks', entity: 'task' }, [{ key: 'a', status: 'in-doubt' }]);
    await clock.advance(30_000);
    store.markInDoubt('tasks', ['b']);
    expect(store.getRecord('tasks', 'a')).toMatchObject({ state: 'in-doubt', sentMs: sentAt, updatedMs: sentAt + 30_000 });
    // 'b' left sent: in doubt from when it was marked so (its request may have left as late as the kill), its floor kept.
    expect(store.getRecord('tasks', 'b')).toMatchObject({ state: 'in-doubt', sentMs: sentAt, updatedMs: sentAt + 60_000 });
    // Marked in doubt again later (another look, another restart): it keeps that instant.
    await clock.advance(20_000);
    store.markInDoubt('tasks', ['b'], clock.now());
    expect(store.getRecord('tasks', 'b')).toMatchObject({ state: 'in-doubt', updatedMs: sentAt + 60_000 });
    cdb.close();
    const reopened = files.keep(openCheckpointDb(path));
    const again = createCheckpointStore(reopened.db, clock);
    expect(again.getRecord('tasks', 'a')?.sentMs).toBe(sentAt);
    // Re-sent after being judged absent: the floor moves to the new send.
    again.revertToPlanned('tasks', ['a']);
    await clock.advance(60_000);
    again.markSent(run, 'tasks', [item('a', 0)]);
    expect(again.getRecord('tasks', 'a')?.sentMs).toBe(clock.now());
  });

  it('a key in doubt recorded in doubt again (re-read after a restart) keeps when it went into doubt; a re-send starts over', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
    const store = createCheckpointStore(files.open().cdb.db, clock);
    const run = store.startRun('demo').id;
    const step = { name: 'tasks', entity: 'task' };
    const a = item('a', 0);
    store.markSent(run, 'tasks', [a]);
    const sentAt = clock.now();
    await clock.advance(5_000);
    store.recordResults(run, step, [{ key: 'a', status: 'in-doubt' }]);
    const doubtAt = clock.now();
    // Three restarts 20 s apart, each re-reading the key (still in doubt) and each looking at it and leaving it waiting.
    for (let i = 0; i < 3; i++) {
      await clock.advance(20_000);
      expect(store.recordResults(run, step, [{ key: 'a', status: 'in-doubt', pos: pos(0) }]).inDoubt).toBe(1);
      store.markInDoubt('tasks', ['a']);
      expect(store.getRecord('tasks', 'a')).toMatchObject({ state: 'in-doubt', sentMs: sentAt, updatedMs: doubtAt });
    }
    // Judged absent and sent again: that send is a new one, with its own clock.
    store.revertToPlanned('tasks', ['a']);
    store.markSent(run, 'tasks', [a]);
    const resentAt = clock.now();
    await clock.advance(5_000);
    store.recordResults(run, step, [{ key: 'a', status: 'in-doubt' }]);
    expect(store.getRecord('tasks', 'a')).toMatchObject({ state: 'in-doubt', sentMs: resentAt, updatedMs: resentAt + 5_000 });
  });

  it('a schema v3 file upgraded to v4 leaves existing records with sent_ms NULL (no floor), never "now"', () => {
    const path = join(files.newDir(), 'v3.db');
    const raw = new Database(path);
    for (const m of MIGRATIONS.slice(0, 3)) raw.exec(m.sql);
    raw.pragma('user_version = 3');
    raw.prepare("INSERT INTO records (step, key, state, op, attempts, updated_ms, payload_json) VALUES ('tasks', 'k', 'in-doubt', 'create', 1, 1, '{}')").run();
    raw.close();
    const cdb = files.keep(openCheckpointDb(path));
    expect(cdb.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const store = createCheckpointStore(cdb.db);
    expect(store.getRecord('tasks', 'k')).toMatchObject({ state: 'in-doubt', sentMs: null });
  });
});
