import { describe, expect, it } from 'vitest';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import { createCountsStore } from '../../../src/checkpoint/counts-store.js';
import { createStoreContext } from '../../../src/checkpoint/store-context.js';
import { systemClock } from '../../../src/core/clock.js';
import { pos, tempCheckpoints } from '../../helpers/temp-checkpoint.js';

const files = tempCheckpoints();

describe('counts store', () => {
  it('counts each outcome of the run, filtered and folded rows as skipped, warned rows once, sent and in-doubt as in doubt, both reject stages', () => {
    const { cdb } = files.open();
    const store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    const step = { name: 's', entity: 'task' };
    const sent = (k: string, i: number) => ({ key: k, values: {}, pos: pos(i), op: 'create' as const });
    store.markSent(run, 's', ['c', 'u', 'd', 'left', 'r'].map(sent));
    store.recordResults(run, step, [
      { key: 'c', status: 'created', zohoId: '1' },
      { key: 'u', status: 'updated', zohoId: '2' },
      { key: 'k', status: 'skipped', zohoId: '3' },
      { key: 'd', status: 'in-doubt' },
      { key: 'r', status: 'rejected', error: { code: 'ROW_REJECTED_BY_ZOHO', message: 'no', field: 'name', value: null, pos: pos(4) } },
    ]);
    store.recordSkip(run, 's', pos(9), 'filtered');
    store.recordSkip(run, 's', pos(10), 'folded');
    store.recordSkip(run, 's', pos(11), 'folded');
    // Two warnings on one row count one warned row; a second row warned once more.
    const warn = (i: number, field: string) => ({ code: 'ROW_UNKNOWN_USER' as const, message: 'left empty', field, pos: pos(i) });
    expect(store.recordWarnings(run, 's', { warnings: [warn(0, 'owner'), warn(0, 'user')], key: 'c' })).toBe(2);
    expect(store.recordWarnings(run, 's', { warnings: [warn(11, 'owner')] })).toBe(1);
    store.recordReject(run, 's', { error: { code: 'ROW_INVALID_DATE', message: 'bad', field: 'd', value: 'x', pos: pos(8) } });
    const counts = createCountsStore(createStoreContext(cdb.db, systemClock));
    expect(counts.counts(run, 's')).toEqual({ created: 1, updated: 1, skipped: 4, rejected: 2, inDoubt: 2, rejectedPrepare: 1, filtered: 1, folded: 2, warned: 2, read: 10 });
    // Another step, another run: nothing.
    expect(counts.counts(run, 'other')).toEqual({ created: 0, updated: 0, skipped: 0, rejected: 0, inDoubt: 0, rejectedPrepare: 0, filtered: 0, folded: 0, warned: 0, read: 0 });
    const run2 = store.startRun('demo').id;
    expect(counts.counts(run2, 's').read).toBe(0);
    // A record reverted to planned (to be re-sent) is not counted at all.
    store.revertToPlanned('s', ['left']);
    expect(counts.counts(run, 's')).toMatchObject({ inDoubt: 1, read: 9 });
  });
});
