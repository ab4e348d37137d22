/**
 * What the checkpoint's stores share: the one database handle and the clock, plus the two small
 * helpers every store reads rows with. Each store (run-store.ts, record-store.ts, crosswalk-store.ts,
 * reject-store.ts, counts-store.ts) prepares its own statements on this handle; store.ts composes them.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../core/clock.js';
import type { Db } from './db-handle.js';

/** The database handle and clock the checkpoint's stores share. */
export interface StoreContext {
  readonly db: Db;
  /** The clock's now, rounded to whole ms (the tables hold integers). */
  now(): number;
}

/** One context per open checkpoint database: every store built on it shares the handle. */
export function createStoreContext(db: Db, clock: Clock): StoreContext {
  return { db, now: () => Math.round(clock.now()) };
}

/** Maps a (lazy) row iterator, so a caller streams rows instead of loading them all. */
export function* mapIter<A, B>(it: Iterable<A>, f: (a: A) => B): IterableIterator<B> {
  for (const a of it) yield f(a);
}

/** Largest number of keys one `IN (…)` list binds: well under SQLite's host-parameter limit. */
const CHUNK_SIZE = 500;

/**
 * Rows of a step by key, looked up `CHUNK_SIZE` keys at a time. `sql` builds the statement from its
 * `?, ?, …` list (the step is the first parameter, the keys follow); the statement of each list
 * length is prepared once and kept.
 */
export function createKeyLookup<R>(db: Db, sql: (marks: string) => string): (step: string, keys: readonly string[]) => R[] {
  const byCount = new Map<number, Database.Statement<unknown[], R>>();
  const statement = (count: number) => {
    let st = byCount.get(count);
    if (!st) {
      st = db.prepare<unknown[], R>(sql(Array.from({ length: count }, () => '?').join(', ')));
      byCount.set(count, st);
    }
    return st;
  };
  return (step, keys) => {
    const out: R[] = [];
    for (let i = 0; i < keys.length; i += CHUNK_SIZE) {
      const part = keys.slice(i, i + CHUNK_SIZE);
      out.push(...statement(part.length).all(step, ...part));
    }
    return out;
  };
}
