import { describe, expect, it, vi } from 'vitest';
import { openCheckpointDb } from '../../../src/checkpoint/db.js';
import { createCountsStore } from '../../../src/checkpoint/counts-store.js';
import { createCrosswalkStore } from '../../../src/checkpoint/crosswalk-store.js';
import { createRecordStore, type RecordStoreWrites } from '../../../src/checkpoint/record-store.js';
import { createRejectStore } from '../../../src/checkpoint/reject-store.js';
import { createRunStore } from '../../../src/checkpoint/run-store.js';
import { createStoreContext } from '../../../src/checkpoint/store-context.js';
import { createWarningStore } from '../../../src/checkpoint/warning-store.js';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import { systemClock } from '../../../src/core/clock.js';
import { pos } from '../../helpers/temp-checkpoint.js';

// The behaviour of each part is tested beside it (run-store, record-store, crosswalk-store,
// reject-store, counts-store .test.ts); here: that the composition is whole and shares one handle.
describe('checkpoint store (the composition)', () => {
  it('has every part\'s methods, none hidden by another part\'s, and the shared handle', () => {
    const cdb = openCheckpointDb(':memory:');
    const ctx = createStoreContext(cdb.db, systemClock);
    const noWrites = {} as RecordStoreWrites;
    const parts = [createRunStore(ctx), createRecordStore(ctx, noWrites), createCrosswalkStore(ctx), createRejectStore(ctx), createWarningStore(ctx), createCountsStore(ctx)].map((p) => Object.keys(p));
    const names = parts.flat();
    expect(new Set(names).size).toBe(names.length);
    const store = createCheckpointStore(cdb.db);
    expect(Object.keys(store).sort()).toEqual(['db', ...names].sort());
    expect(store.db).toBe(cdb.db);
    cdb.close();
  });

  it('prepares its statements once, when it is made: calls prepare nothing more', () => {
    const cdb = openCheckpointDb(':memory:');
    const prepare = vi.spyOn(cdb.db, 'prepare');
    const store = createCheckpointStore(cdb.db);
    const made = prepare.mock.calls.length;
    expect(made).toBeGreaterThan(30);
    for (let n = 0; n < 2; n++) {
      const run = store.startRun('demo').id;
      store.startStep(run, { name: 's', entity: 'task' });
      const batch = store.markSent(run, 's', [{ key: `a${n}`, values: {}, pos: pos(n), op: 'create' }]);
      store.recordResults(run, { name: 's', entity: 'task' }, [{ key: `a${n}`, status: 'created', zohoId: `Z${n}` }], { batchId: batch, highWater: { index: 1, line: 2 } });
      store.recordReject(run, 's', { error: { code: 'ROW_INVALID_DATE', message: 'bad', field: 'd', value: 'x', pos: pos(5) } });
      store.markInDoubt('s', ['a0']);
      store.revertToPlanned('s', ['none']);
      store.getRecord('s', 'a0');
      store.crosswalkByName('task', 'x');
      store.claimedIds('task', ['Z0']);
      store.counts(run, 's');
      [...store.rejects(run), ...store.crosswalkAll()];
      store.finishRun(run, 'ok');
      // Statements of a shape (an IN list's length, a set of states) are prepared the first time only.
      store.getRecords('s', ['a0', 'a1']);
      store.crosswalkGetMany('s', ['a0']);
      store.countPending('s');
      [...store.pending('s', ['planned'])];
    }
    expect(prepare.mock.calls.length - made).toBe(2 + 3 + 3);
    cdb.close();
  });
});
