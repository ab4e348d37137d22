/**
 * The created-time rule's input (README.md#the-created-time-rule): which created-time forms name an
 * instant, which are unknown (the candidate stays eligible), and the 5-minute allowance for our clock
 * and Zoho's disagreeing.
 */
import { describe, expect, it } from 'vitest';
import { openCheckpointDb } from '../../../../src/checkpoint/db.js';
import { createCheckpointStore } from '../../../../src/checkpoint/store.js';
import { createManualClock } from '../../../../src/core/clock.js';
import { candidateOf, createdMsOf } from '../../../../src/load/exactly-once/created-time.js';
import { DEFAULT_CLOCK_SKEW_MS, orderCandidates, reconcileRecords } from '../../../../src/load/exactly-once/reconcile.js';
import { createEntityLoader } from '../../../../src/load/loaders/index.js';
import { createFakeApi } from '../../../helpers/fake-api.js';

/** 2026-06-24 16:45:31.884 UTC. */
const MS = Date.UTC(2026, 5, 24, 16, 45, 31, 884);
const MIN = 60_000;

describe('createdMsOf: forms that name an instant', () => {
  it.each([
    ['Z', '2026-06-24T16:45:31.884Z', MS],
    ['lower-case z and a space for T', '2026-06-24 16:45:31.884z', MS],
    ['+HH:MM', '2026-06-24T22:15:31.884+05:30', MS],
    ['+HHMM', '2026-06-24T22:15:31.884+0530', MS],
    ['-HH (hours only)', '2026-06-24T08:45:31.884-08', MS],
    ['-HH:MM', '2026-06-24T08:45:31.884-08:00', MS],
    ['no fraction', '2026-06-24T16:45:31Z', MS - 884],
    ['no seconds', '2026-06-24T16:45Z', MS - 31_884],
    ['one fraction digit', '2026-06-24T16:45:31.8Z', MS - 84],
    ['nanoseconds, cut to ms (not rounded)', '2026-06-24T16:45:31.884999999Z', MS],
    ['13-digit epoch ms as a string', String(MS), MS],
    ['13-digit epoch ms with surrounding blanks', ` ${MS} `, MS],
  ])('created_time with %s', (_label, value, expected) => {
    expect(createdMsOf({ created_time: value })).toBe(expected);
  });

  it('reads epoch ms given as a number, and the older long fields and users added_time', () => {
    expect(createdMsOf({ created_time: MS })).toBe(MS);
    expect(createdMsOf({ created_time_long: MS })).toBe(MS);
    expect(createdMsOf({ created_time_long: String(MS) })).toBe(MS);
    expect(createdMsOf({ created_date_long: MS })).toBe(MS);
    expect(createdMsOf({ added_time: '2026-06-24T16:45:31.884Z' })).toBe(MS);
  });

  it('the first readable field wins, in the order created_time, created_time_long, created_date_long, added_time', () => {
    const [a, b, c, d] = [MS, MS + 1, MS + 2, MS + 3];
    expect(createdMsOf({ added_time: d, created_date_long: c, created_time_long: b, created_time: a })).toBe(a);
    expect(createdMsOf({ added_time: d, created_date_long: c, created_time_long: b })).toBe(b);
    expect(createdMsOf({ added_time: d, created_date_long: c })).toBe(c);
    // An unreadable created_time does not hide a readable long form.
    expect(createdMsOf({ created_time: '06-24-2026 04:45 PM', created_date_long: c })).toBe(c);
  });

  it('epoch ms from 2001-09-09 (1e12, included) to 2286-11-20 (1e13, excluded)', () => {
    expect(createdMsOf({ created_time_long: 1e12 })).toBe(1e12);
    expect(createdMsOf({ created_time_long: 1e12 - 1 })).toBeUndefined();
    expect(createdMsOf({ created_time_long: 1e13 - 1 })).toBe(1e13 - 1);
    expect(createdMsOf({ created_time_long: 1e13 })).toBeUndefined();
    // 13 digits with a leading zero are a small number, not a time.
    expect(createdMsOf({ created_time: '0999999999999' })).toBeUndefined();
  });
});

describe('createdMsOf: forms that are unknown (never guessed)', () => {
  it.each([
    ['ISO without an offset (the portal local time)', '2026-06-24T08:45:31.884'],
    ['V2 portal-local MM-dd-yyyy hh:mm AM', '05-13-2014 05:57 AM'],
    ['V2 portal-local MM-dd-yyyy hh:mm PM', '05-13-2014 05:57 PM'],
    ['a date only (ISO)', '2026-06-24'],
    ['a date only (V2)', '06-24-2026'],
    ['epoch seconds as a string', String(Math.floor(MS / 1000))],
    ['14 digits', `${MS}0`],
    ['12 digits', String(MS).slice(0, 12)],
    ['a JavaScript date string without a zone', 'Wed Jun 24 2026 08:45:31'],
    ['an RFC 2822 date (not read, though it has a zone)', 'Wed, 24 Jun 2026 16:45:31 GMT'],
    ['an impossible date with a zone', '2026-13-45T25:61Z'],
    ['an offset with a date-time missing its time', '2026-06-24Z'],
    ['empty', ''],
    ['text', 'soon'],
  ])('%s', (_label, value) => {
    expect(createdMsOf({ created_time: value })).toBeUndefined();
  });

  it('numbers that are no ms instant, and values that are no string or number', () => {
    expect(createdMsOf({ created_time_long: Math.floor(MS / 1000) })).toBeUndefined(); // epoch seconds: January 1970 as ms
    expect(createdMsOf({ created_time_long: -MS })).toBeUndefined();
    expect(createdMsOf({ created_time_long: Number.NaN })).toBeUndefined();
    expect(createdMsOf({ created_time_long: Number.POSITIVE_INFINITY })).toBeUndefined();
    expect(createdMsOf({ created_time: new Date(MS) })).toBeUndefined();
    expect(createdMsOf({ created_time: { ms: MS } })).toBeUndefined();
    expect(createdMsOf({ created_time: true })).toBeUndefined();
    expect(createdMsOf({ created_time: null, added_time: undefined })).toBeUndefined();
    expect(createdMsOf({})).toBeUndefined();
  });

  it('reads only the four named fields', () => {
    expect(createdMsOf({ last_updated_time: MS, modified_time: '2026-06-24T16:45:31.884Z', createdTime: MS })).toBeUndefined();
  });
});

describe('candidateOf', () => {
  it('carries the id, marker only when asked, createdMs only when known', () => {
    expect(candidateOf({ id: '7', created_time: '2026-06-24T16:45:31.884Z' } as never)).toEqual({ id: '7', createdMs: MS });
    expect(candidateOf({ id: '7', created_time: '06-24-2026 04:45 PM' } as never, true)).toEqual({ id: '7', marker: true });
    const plain = candidateOf({ id: '7' });
    expect(plain).toEqual({ id: '7' });
    expect('marker' in plain || 'createdMs' in plain).toBe(false);
  });
});

describe('the 5-minute clock-skew allowance', () => {
  it('is 5 minutes', () => {
    expect(DEFAULT_CLOCK_SKEW_MS).toBe(5 * MIN);
  });

  it('a candidate Zoho dates up to 5 minutes before our send is eligible; earlier, it existed before us', () => {
    const sentMs = MS;
    const floor = sentMs - DEFAULT_CLOCK_SKEW_MS;
    const at = (id: string, ms: number) => candidateOf({ id, created_time: new Date(ms).toISOString() } as never);
    const ids = orderCandidates([at('1000000000000000001', floor - 1), at('1000000000000000002', floor), at('1000000000000000003', sentMs - 4 * MIN)], floor);
    expect(ids).toEqual(['1000000000000000002', '1000000000000000003']);
  });

  it('an unknown created time stays eligible below any floor; a marker match whatever its time', () => {
    const floor = MS;
    const v2 = candidateOf({ id: '1000000000000000004', created_time: '05-13-2014 05:57 PM' } as never);
    const oldMarked = candidateOf({ id: '1000000000000000005', created_time: '2014-05-13T17:57:00Z' } as never, true);
    const oldUnmarked = candidateOf({ id: '1000000000000000006', created_time: '2014-05-13T17:57:00Z' } as never);
    expect(orderCandidates([v2, oldMarked, oldUnmarked], floor)).toEqual(['1000000000000000005', '1000000000000000004']);
  });

  it('reconciliation applies it by default: found 4 minutes before the send, not found at 6', async () => {
    const clock = createManualClock(MS);
    const cdb = openCheckpointDb(':memory:');
    try {
      const store = createCheckpointStore(cdb.db, clock);
      const run = store.startRun('demo').id;
      const api = createFakeApi();
      const task = (id: string, name: string, createdMs: number) => ({ id, name, project: { id: 'P1' }, tasklist: { id: 'TL1' }, created_time: new Date(createdMs).toISOString() });
      // Zoho's clock behind ours: the entity we created reads a few minutes before we marked it sent.
      api.tasks_.push(task('1000000000000000007', 'Four', MS - 4 * MIN) as never, task('1000000000000000008', 'Six', MS - 6 * MIN) as never);
      const values = (name: string) => ({ project: 'P1', tasklist: 'TL1', name });
      const pos = (i: number) => ({ source: 'tasks.csv', line: i + 2, index: i });
      store.markSent(run, 'tasks', [
        { key: 't-four', values: values('Four'), pos: pos(0), op: 'create' as const },
        { key: 't-six', values: values('Six'), pos: pos(1), op: 'create' as const },
      ]);
      const loader = createEntityLoader('task', api);
      const counts = await reconcileRecords({ store, loader, runId: run, step: { name: 'tasks', entity: 'task' }, timing: { clock } });
      expect(counts).toMatchObject({ found: 1, notFound: 1 });
      expect(store.crosswalkGet('tasks', 't-four')?.zohoId).toBe('1000000000000000007');
      expect(store.crosswalkGet('tasks', 't-six')).toBeUndefined();
      // A wider allowance takes the 6-minute one too.
      const cdb2 = openCheckpointDb(':memory:');
      try {
        const store2 = createCheckpointStore(cdb2.db, clock);
        const run2 = store2.startRun('demo').id;
        store2.markSent(run2, 'tasks', [{ key: 't-six', values: values('Six'), pos: pos(1), op: 'create' as const }]);
        const wide = await reconcileRecords({ store: store2, loader, runId: run2, step: { name: 'tasks', entity: 'task' }, timing: { clock, skewMs: 7 * MIN } });
        expect(wide).toMatchObject({ found: 1, notFound: 0 });
      } finally {
        cdb2.close();
      }
    } finally {
      cdb.close();
    }
  });
});
