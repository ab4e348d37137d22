import { describe, expect, it } from 'vitest';
import { createRejectStore, createRejectWriter } from '../../../src/checkpoint/reject-store.js';
import { createStoreContext } from '../../../src/checkpoint/store-context.js';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import { createManualClock } from '../../../src/core/clock.js';
import { pos, tempCheckpoints } from '../../helpers/temp-checkpoint.js';

const files = tempCheckpoints();
const error = (i: number, value: unknown = 'x') => ({ code: 'ROW_INVALID_DATE' as const, message: 'bad date', field: 'start_date', value, pos: pos(i) });

describe('reject store', () => {
  it('prepare-stage rejects are recorded once per row per run', () => {
    const store = createCheckpointStore(files.open().cdb.db);
    const run = store.startRun('demo');
    const e = { code: 'ROW_INVALID_DATE' as const, message: 'bad date', field: 'start_date', value: '31/02', pos: pos(4) };
    expect(store.recordReject(run.id, 's', { error: e, data: { a: '1' } })).toBe(true);
    expect(store.recordReject(run.id, 's', { error: e, data: { a: '1' } })).toBe(false);
    expect(store.counts(run.id, 's')).toMatchObject({ rejected: 1, rejectedPrepare: 1, read: 1 });
  });

  it('keeps the position, columns in order, and the value as text cut to 200 characters; listed by step, then source order', () => {
    const ctx = createStoreContext(files.open().cdb.db, createManualClock(1_000.4));
    const store = createRejectStore(ctx);
    store.recordReject(1, 'tasks', { error: error(5, 'y'.repeat(250)), key: 'k5', data: { B: '2', A: '1' } });
    store.recordReject(1, 'tasks', { error: error(2, { n: 1 }) });
    store.recordReject(1, 'logs', { error: error(9, null), stage: 'load' });
    store.recordReject(2, 'tasks', { error: error(1) });
    const rows = [...store.rejects(1)];
    expect(rows.map((r) => `${r.step}:${r.index}`)).toEqual(['logs:9', 'tasks:2', 'tasks:5']);
    expect(rows[0]).toMatchObject({ stage: 'load', value: null, key: null, columns: [] });
    expect(rows[1]).toMatchObject({ stage: 'prepare', value: '{"n":1}', source: 'in.csv', line: 4 });
    expect(rows[2]).toMatchObject({ runId: 1, key: 'k5', code: 'ROW_INVALID_DATE', field: 'start_date', message: 'bad date', columns: [['B', '2'], ['A', '1']] });
    expect(rows[2]?.value).toBe(`${'y'.repeat(200)}…(250 chars)`);
    expect([...store.rejects(1, 'tasks')].map((r) => r.index)).toEqual([2, 5]);
    expect([...store.rejects(2)].map((r) => r.index)).toEqual([1]);
  });

  it('the writer is the one the record store uses: a row already rejected in this run by either path is not stored twice', () => {
    const ctx = createStoreContext(files.open().cdb.db, createManualClock(1_000));
    const writer = createRejectWriter(ctx);
    const store = createRejectStore(ctx, writer);
    expect(writer.insert(1, 's', { error: error(3), stage: 'load' }, 7)).toBe(true);
    expect(store.recordReject(1, 's', { error: error(3) })).toBe(false);
    expect([...store.rejects(1)]).toHaveLength(1);
    expect([...store.rejects(1)][0]?.stage).toBe('load');
  });
});
