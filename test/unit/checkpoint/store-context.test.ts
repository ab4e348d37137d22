import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { createKeyLookup, createStoreContext, mapIter } from '../../../src/checkpoint/store-context.js';
import { createManualClock } from '../../../src/core/clock.js';

describe('store context', () => {
  it('now is the clock rounded to whole ms', () => {
    const db = new Database(':memory:');
    const ctx = createStoreContext(db, createManualClock(1_000.6));
    expect(ctx.db).toBe(db);
    expect(ctx.now()).toBe(1_001);
    db.close();
  });

  it('mapIter maps lazily', () => {
    const seen: number[] = [];
    const it = mapIter([1, 2, 3], (n) => (seen.push(n), n * 10));
    expect(it.next().value).toBe(10);
    expect(seen).toEqual([1]);
    expect([...it]).toEqual([20, 30]);
  });

  it('createKeyLookup reads in chunks of 500 keys and prepares each list length once', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (step TEXT, key TEXT, PRIMARY KEY (step, key))');
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    for (let i = 0; i < 1_200; i++) insert.run('s', `k${i}`);
    const prepare = vi.spyOn(db, 'prepare');
    const lookup = createKeyLookup<{ key: string }>(db, (marks) => `SELECT key FROM t WHERE step = ? AND key IN (${marks})`);
    const keys = Array.from({ length: 1_200 }, (_, i) => `k${i}`);
    expect(lookup('s', keys)).toHaveLength(1_200);
    expect(lookup('s', keys)).toHaveLength(1_200);
    expect(lookup('s', ['k1', 'nope'])).toEqual([{ key: 'k1' }]);
    expect(lookup('s', [])).toEqual([]);
    // 500 + 500 + 200, twice, then 2: three statements.
    expect(prepare.mock.calls.map((c) => (String(c[0]).match(/\?/g) ?? []).length - 1)).toEqual([500, 200, 2]);
    db.close();
  });
});
