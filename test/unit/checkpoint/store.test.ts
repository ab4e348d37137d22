import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openCheckpointDb, type CheckpointDb } from '../../../src/checkpoint/db.js';
import { MIGRATIONS } from '../../../src/checkpoint/migrations.js';
import { createManualClock } from '../../../src/core/clock.js';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import type { SourcePosition } from '../../../src/core/record.js';

const pos = (i: number): SourcePosition => ({ source: 'in.csv', line: i + 2, index: i, byteOffset: i * 10 + 5 });
const dirs: string[] = [];
const dbs: CheckpointDb[] = [];
function open(): { cdb: CheckpointDb; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'zpetl-store-'));
  dirs.push(dir);
  const cdb = openCheckpointDb(join(dir, 'p.db'));
  dbs.push(cdb);
  return { cdb, dir };
}
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('checkpoint store', () => {
  it('runs: start, find unfinished, resume, finish', () => {
    const store = createCheckpointStore(open().cdb.db);
    const run = store.startRun('demo', { batchSize: 10 });
    expect(run.status).toBe('running');
    store.finishRun(run.id, 'interrupted');
    expect(store.unfinishedRun('demo')?.id).toBe(run.id);
    expect(store.resumeRun(run.id).status).toBe('running');
    store.finishRun(run.id, 'ok');
    expect(store.unfinishedRun('demo')).toBeUndefined();
    expect(() => store.resumeRun(run.id)).toThrow(/already finished/);
  });

  it('steps keep the source hash and high-water mark across a resume', () => {
    const store = createCheckpointStore(open().cdb.db);
    const run = store.startRun('demo');
    store.startStep(run.id, { name: 'tasks', entity: 'task', sourcePath: 'tasks.csv', sourceSha256: 'abc' });
    store.setHighWater(run.id, 'tasks', { index: 7, line: 9, byteOffset: 123 });
    const again = store.startStep(run.id, { name: 'tasks', entity: 'task' });
    expect(again.sourceSha256).toBe('abc');
    expect(again.highWater).toEqual({ index: 7, line: 9, byteOffset: 123 });
  });

  it('markSent then recordResults: states, crosswalk, rejects, counts, high-water', () => {
    const store = createCheckpointStore(open().cdb.db);
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
    const store = createCheckpointStore(open().cdb.db);
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

  it('prepare-stage rejects are recorded once per row per run', () => {
    const store = createCheckpointStore(open().cdb.db);
    const run = store.startRun('demo');
    const error = { code: 'ROW_INVALID_DATE' as const, message: 'bad date', field: 'start_date', value: '31/02', pos: pos(4) };
    expect(store.recordReject(run.id, 's', { error, data: { a: '1' } })).toBe(true);
    expect(store.recordReject(run.id, 's', { error, data: { a: '1' } })).toBe(false);
    expect(store.counts(run.id, 's')).toMatchObject({ rejected: 1, rejectedPrepare: 1, read: 1 });
  });

  it('countPending can be limited to the records a run last touched', () => {
    const store = createCheckpointStore(open().cdb.db);
    const r1 = store.startRun('demo').id;
    store.markSent(r1, 's', [{ key: 'old', values: {}, pos: pos(0), op: 'create' }]);
    store.revertToPlanned('s', ['old']);
    const r2 = store.startRun('demo').id;
    store.markSent(r2, 's', [{ key: 'new', values: {}, pos: pos(1), op: 'create' }]);
    store.revertToPlanned('s', ['new']);
    expect(store.countPending('s', ['planned'])).toBe(2);
    expect(store.countPending('s', ['planned'], r2)).toBe(1);
  });

  it('claimedIds excludes the asking key', () => {
    const store = createCheckpointStore(open().cdb.db);
    const run = store.startRun('demo');
    store.recordResults(run.id, { name: 'logs', entity: 'timelog' }, [{ key: 'a', status: 'created', zohoId: 'Z1' }]);
    expect([...store.claimedIds('timelog', ['Z1', 'Z2'])]).toEqual(['Z1']);
    expect([...store.claimedIds('timelog', ['Z1', 'Z2'], { step: 'logs', key: 'a' })]).toEqual([]);
  });

  it('never stores secrets from run options', () => {
    const { cdb, dir } = open();
    const store = createCheckpointStore(cdb.db);
    const token = '1000.0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210';
    store.startRun('demo', { clientSecret: 'sEcReT-value-42', refreshToken: token, nested: { accessToken: token, note: `Bearer ${token}` }, batchSize: 5 });
    const run = store.latestRun('demo')!;
    expect(run.options).toMatchObject({ batchSize: 5 });
    expect(JSON.stringify(run.options)).not.toContain(token);
    cdb.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, f)).toString('latin1');
      expect(bytes).not.toContain('sEcReT-value-42');
      expect(bytes).not.toContain('0123456789abcdef0123456789abcdef');
    }
  });

  it('is fast: 5k records marked sent and confirmed in 50 batches (throughput logged)', () => {
    const store = createCheckpointStore(open().cdb.db);
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

describe('records.sent_ms (the created-time floor of reconciliation)', () => {
  it('is the time of the last send and survives an in-doubt outcome, markInDoubt and a restart', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 9));
    const { cdb, dir } = open();
    const store = createCheckpointStore(cdb.db, clock);
    const run = store.startRun('demo').id;
    const item = (k: string, i: number) => ({ key: k, values: { name: k }, pos: pos(i), op: 'create' as const });
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
    const reopened = openCheckpointDb(join(dir, 'p.db'));
    dbs.push(reopened);
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
    const store = createCheckpointStore(open().cdb.db, clock);
    const run = store.startRun('demo').id;
    const step = { name: 'tasks', entity: 'task' };
    const item = { key: 'a', values: { name: 'a' }, pos: pos(0), op: 'create' as const };
    store.markSent(run, 'tasks', [item]);
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
    store.markSent(run, 'tasks', [item]);
    const resentAt = clock.now();
    await clock.advance(5_000);
    store.recordResults(run, step, [{ key: 'a', status: 'in-doubt' }]);
    expect(store.getRecord('tasks', 'a')).toMatchObject({ state: 'in-doubt', sentMs: resentAt, updatedMs: resentAt + 5_000 });
  });

  it('a schema v3 file upgraded to v4 leaves existing records with sent_ms NULL (no floor), never "now"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zpetl-store-'));
    dirs.push(dir);
    const path = join(dir, 'v3.db');
    const raw = new Database(path);
    for (const m of MIGRATIONS.slice(0, 3)) raw.exec(m.sql);
    raw.pragma('user_version = 3');
    raw.prepare("INSERT INTO records (step, key, state, op, attempts, updated_ms, payload_json) VALUES ('tasks', 'k', 'in-doubt', 'create', 1, 1, '{}')").run();
    raw.close();
    const cdb = openCheckpointDb(path);
    dbs.push(cdb);
    expect(cdb.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const store = createCheckpointStore(cdb.db);
    expect(store.getRecord('tasks', 'k')).toMatchObject({ state: 'in-doubt', sentMs: null });
  });
});
