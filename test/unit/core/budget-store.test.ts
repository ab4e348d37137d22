/**
 * The BudgetStore port (src/core/budget-store.ts) has two implementations: the checkpoint's SQLite one
 * and the in-memory one. Both must keep the same contract, or a restarted run would burst (or stall).
 */
import { describe, expect, it } from 'vitest';
import type { BudgetStore } from '../../../src/core/budget-store.js';
import { createManualClock } from '../../../src/core/clock.js';
import { createMemoryBudgetStore, createSqliteBudgetStore } from '../../../src/checkpoint/budget-store.js';
import { openCheckpointDb } from '../../../src/checkpoint/db.js';
import { RateBudget } from '../../../src/zoho/rate-budget.js';

const KEY = '1|owner|POST /projects/{project}/tasks';

const implementations: [string, () => { store: BudgetStore; close(): void }][] = [
  ['memory', () => ({ store: createMemoryBudgetStore(), close: () => {} })],
  [
    'sqlite',
    () => {
      const cdb = openCheckpointDb(':memory:');
      return { store: createSqliteBudgetStore(cdb.db, () => 0), close: () => cdb.close() };
    },
  ],
];

describe.each(implementations)('BudgetStore (%s)', (_name, open) => {
  it('knows no state for a key never saved', () => {
    const { store, close } = open();
    expect(store.load(KEY)).toBeUndefined();
    close();
  });

  it('gives back what was saved, per key, the last save winning; learnedLimit only when set', () => {
    const { store, close } = open();
    store.save(KEY, { callsMs: [1000, 2000], lockedUntilMs: 0 });
    store.save(KEY, { callsMs: [3000], lockedUntilMs: 9000, learnedLimit: 100 });
    store.save('other', { callsMs: [5], lockedUntilMs: 0 });
    expect(store.load(KEY)).toStrictEqual({ callsMs: [3000], lockedUntilMs: 9000, learnedLimit: 100 });
    expect(store.load('other')).toStrictEqual({ callsMs: [5], lockedUntilMs: 0 });
    close();
  });

  it('lets a restarted budget find its calls still in the window', () => {
    const { store, close } = open();
    const clock = createManualClock();
    const first = new RateBudget({ clock, store, limit: 2, headroom: 0, marginMs: 0 });
    first.tryAcquire(KEY)!.complete();
    first.tryAcquire(KEY)!.complete();
    const restarted = new RateBudget({ clock, store, limit: 2, headroom: 0, marginMs: 0 });
    expect(restarted.tryAcquire(KEY)).toBeUndefined();
    expect(restarted.waitMs(KEY)).toBe(120_000);
    close();
  });
});
