import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store, type TimelogRow } from '../../../src/sandbox/store.js';

let store: Store;
afterEach(() => store?.close());

function log(i: number, date: string): TimelogRow {
  return { id: `L${i}`, projectId: 'P', date, ownerZpuid: 'U', type: 'task', moduleId: 'T', minutes: 60, data: { id: `L${i}` } };
}

describe('sandbox store', () => {
  it('ids are 19-digit strings above 2^53, increasing, and reserveIds continues the sequence', () => {
    store = openStore(':memory:');
    const a = store.nextId();
    const block = store.reserveIds(3);
    const b = store.nextId();
    for (const id of [a, ...block, b]) expect(id).toMatch(/^\d{19}$/);
    expect(BigInt(a) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const all = [a, ...block, b].map(BigInt);
    expect([...all].sort((x, y) => (x < y ? -1 : 1))).toEqual(all);
  });

  it('paging time logs by number gives exactly the OFFSET rows (keyset continuation while nothing changes)', () => {
    store = openStore(':memory:');
    for (let i = 0; i < 500; i++) store.insertTimelog(log(i, `2026-01-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`));
    const q = (page: number, per = 7) =>
      store.queryTimelogs({ startDate: '2026-01-01', endDate: '2026-06-30', type: 'task', limit: per + 1, offset: (page - 1) * per });
    const expected = store.db
      .prepare<[], { id: string }>('SELECT id FROM timelogs ORDER BY date, seq')
      .all()
      .map((r) => r.id);
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const rows = q(page);
      seen.push(...rows.slice(0, 7).map((r) => r.id));
      if (rows.length <= 7) break;
    }
    expect(seen).toEqual(expected);
  });

  it('a write between pages falls back to OFFSET semantics (a row inserted earlier shifts the next page)', () => {
    store = openStore(':memory:');
    for (let i = 0; i < 10; i++) store.insertTimelog(log(i, '2026-02-01'));
    const q = (page: number) =>
      store.queryTimelogs({ startDate: '2026-01-01', endDate: '2026-06-30', limit: 6, offset: (page - 1) * 5 });
    const p1 = q(1).slice(0, 5).map((r) => r.id);
    store.insertTimelog(log(99, '2026-01-15')); // sorts before everything
    const p2 = q(2).map((r) => r.id);
    expect(p1).toEqual(['L0', 'L1', 'L2', 'L3', 'L4']);
    expect(p2[0]).toBe('L4'); // shifted by one, as OFFSET paging on the real service would
  });
});
