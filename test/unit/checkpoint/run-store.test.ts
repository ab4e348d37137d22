import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunStore, scrubOptions } from '../../../src/checkpoint/run-store.js';
import { createStoreContext } from '../../../src/checkpoint/store-context.js';
import { createManualClock } from '../../../src/core/clock.js';
import { errorOf } from '../../helpers/thrown.js';
import { tempCheckpoints } from '../../helpers/temp-checkpoint.js';

const files = tempCheckpoints();
const T0 = Date.UTC(2026, 11, 1, 9);
function runStore() {
  const { cdb, dir } = files.open();
  const clock = createManualClock(T0);
  return { store: createRunStore(createStoreContext(cdb.db, clock)), clock, cdb, dir };
}

describe('run store: runs', () => {
  it('runs: start, find unfinished, resume, finish', () => {
    const { store } = runStore();
    const run = store.startRun('demo', { batchSize: 10 });
    expect(run.status).toBe('running');
    store.finishRun(run.id, 'interrupted');
    expect(store.unfinishedRun('demo')?.id).toBe(run.id);
    expect(store.resumeRun(run.id).status).toBe('running');
    store.finishRun(run.id, 'ok');
    expect(store.unfinishedRun('demo')).toBeUndefined();
    expect(() => store.resumeRun(run.id)).toThrow(/already finished/);
  });

  it('a finished run has its finish time; one that may go on (interrupted, outside its window) has none', async () => {
    const { store, clock } = runStore();
    const a = store.startRun('demo').id;
    expect(store.getRun(a)).toMatchObject({ pipeline: 'demo', startedMs: T0, finishedMs: null, options: {} });
    await clock.advance(1_500);
    store.finishRun(a, 'outside-window');
    expect(store.getRun(a)).toMatchObject({ status: 'outside-window', finishedMs: null });
    expect(store.unfinishedRun('demo')?.id).toBe(a);
    store.finishRun(a, 'rejects');
    expect(store.getRun(a)).toMatchObject({ status: 'rejects', finishedMs: T0 + 1_500 });
    expect(errorOf(() => store.resumeRun(a)).code).toBe('RUN_NOTHING_TO_RESUME');
  });

  it('latestRun is the newest run of that pipeline only; unknown run ids are RUN_NOTHING_TO_RESUME', () => {
    const { store } = runStore();
    const a = store.startRun('demo').id;
    const b = store.startRun('other').id;
    expect(store.latestRun('demo')?.id).toBe(a);
    expect(store.latestRun('other')?.id).toBe(b);
    expect(store.latestRun('none')).toBeUndefined();
    expect(store.getRun(999)).toBeUndefined();
    expect(errorOf(() => store.resumeRun(999)).code).toBe('RUN_NOTHING_TO_RESUME');
    expect(errorOf(() => store.finishRun(999, 'ok')).code).toBe('RUN_NOTHING_TO_RESUME');
  });

  it('never stores secrets from run options', () => {
    const { store, cdb, dir } = runStore();
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
});

describe('scrubOptions', () => {
  it('drops secret-named keys at any depth, functions and undefined; keeps the rest, arrays included', () => {
    const out = scrubOptions({ apiKey: 'x', api_key: 'x', Password: 'x', cookie: 'x', list: [{ authorization: 'x', n: 1 }], f: () => 1, u: undefined, db: 'p.db' });
    expect(out).toEqual({ list: [{ n: 1 }], db: 'p.db' });
  });
});

describe('run store: steps', () => {
  it('steps keep the source hash and high-water mark across a resume', () => {
    const { store } = runStore();
    const run = store.startRun('demo');
    store.startStep(run.id, { name: 'tasks', entity: 'task', sourcePath: 'tasks.csv', sourceSha256: 'abc' });
    store.setHighWater(run.id, 'tasks', { index: 7, line: 9, byteOffset: 123 });
    const again = store.startStep(run.id, { name: 'tasks', entity: 'task' });
    expect(again.sourceSha256).toBe('abc');
    expect(again.highWater).toEqual({ index: 7, line: 9, byteOffset: 123 });
  });

  it('a new step defaults to mode create; a resume keeps the mode unless given one', () => {
    const { store } = runStore();
    const run = store.startRun('demo').id;
    expect(store.startStep(run, { name: 'a', entity: 'task' })).toMatchObject({ mode: 'create', status: 'running', sourcePath: null, highWater: null, startedMs: T0 });
    expect(store.startStep(run, { name: 'b', entity: 'task', mode: 'upsert' }).mode).toBe('upsert');
    expect(store.startStep(run, { name: 'b', entity: 'task' }).mode).toBe('upsert');
    expect(store.startStep(run, { name: 'b', entity: 'task', mode: 'skip-existing', sourcePath: 'b.csv' })).toMatchObject({ mode: 'skip-existing', sourcePath: 'b.csv' });
  });

  it('a done step stays done when started again; others run again', async () => {
    const { store, clock } = runStore();
    const run = store.startRun('demo').id;
    store.startStep(run, { name: 'a', entity: 'task' });
    store.startStep(run, { name: 'b', entity: 'task' });
    await clock.advance(2_000);
    store.setStepStatus(run, 'a', 'done');
    store.setStepStatus(run, 'b', 'interrupted');
    expect(store.getStep(run, 'a')).toMatchObject({ status: 'done', finishedMs: T0 + 2_000 });
    expect(store.getStep(run, 'b')).toMatchObject({ status: 'interrupted', finishedMs: null });
    expect(store.startStep(run, { name: 'a', entity: 'task' }).status).toBe('done');
    expect(store.startStep(run, { name: 'b', entity: 'task' }).status).toBe('running');
    expect(store.listSteps(run).map((s) => s.name)).toEqual(['a', 'b']);
    expect(store.getStep(run, 'c')).toBeUndefined();
  });

  it('a high-water mark without a byte offset, and one cleared', () => {
    const { store } = runStore();
    const run = store.startRun('demo').id;
    store.startStep(run, { name: 'a', entity: 'task' });
    store.setHighWater(run, 'a', { index: 3, line: 4 });
    expect(store.getStep(run, 'a')?.highWater).toEqual({ index: 3, line: 4 });
    store.setHighWater(run, 'a', null);
    expect(store.getStep(run, 'a')?.highWater).toBeNull();
  });
});
