/**
 * The scratch store's buffer of key claims since its last flush (scratch-store.ts): fixed arrays
 * indexed by open addressing, not a Map/Set, so no table is reallocated and the buffered strings are
 * dropped at each flush instead of being promoted to the old generation, as bench:local measured.
 */
import type Database from 'better-sqlite3';

/** A step's two INSERT statements: `many` with rowsPerInsert (key, value hash) rows, `one` with one. */
export interface ClaimInserts {
  many: Database.Statement;
  one: Database.Statement;
}

/** A fixed-size buffer of (step, key) claims with their 32-bit hash and the claiming row's value hash. */
export interface ClaimBuffer {
  /** Entries buffered. */
  readonly count: number;
  /** Whether (step, key) with hash `h` is buffered. */
  has(step: string, key: string, h: number): boolean;
  /** The value hash buffered with (step, key), or undefined when it is not buffered. */
  valueOf(step: string, key: string, h: number): number | undefined;
  /** Buffers a claim that is not buffered yet, with its row's value hash; returns the new count (the caller flushes at capacity). */
  add(step: string, key: string, h: number, valueHash: number): number;
  /**
   * Writes the claims in (step, key) order (B-tree neighbours together) as (key, value hash) rows of
   * their step's table: `insert(step).many` takes `rowsPerInsert` rows at once, `.one` the rest of the
   * step's run. `bind` converts a key for SQLite.
   */
  write(insert: (step: string) => ClaimInserts, rowsPerInsert: number, bind: (s: string) => string | Buffer): void;
  /** Empties the buffer and drops its strings. */
  clear(): void;
}

/** A buffer of `entries` claims over `slots` hash slots (a power of two, a few times `entries`). */
export function createClaimBuffer(entries: number, slots: number): ClaimBuffer {
  const mask = slots - 1;
  const pkStep: (string | undefined)[] = new Array<string | undefined>(entries).fill(undefined);
  const pkKey: (string | undefined)[] = new Array<string | undefined>(entries).fill(undefined);
  const pkHash = new Int32Array(entries);
  const pkValue = new Int32Array(entries);
  const keySlots = new Int32Array(slots).fill(-1);
  let count = 0;
  /** The entry index of (step, key) with hash `h`, or -1. */
  const find = (step: string, key: string, h: number): number => {
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = keySlots[i]!;
      if (e === -1) return -1;
      if (pkHash[e] === (h | 0) && pkKey[e] === key && pkStep[e] === step) return e;
    }
  };
  return {
    get count() {
      return count;
    },
    has(step, key, h) {
      return find(step, key, h) !== -1;
    },
    valueOf(step, key, h) {
      const e = find(step, key, h);
      return e === -1 ? undefined : pkValue[e];
    },
    add(step, key, h, valueHash) {
      let i = h & mask;
      while (keySlots[i] !== -1) i = (i + 1) & mask;
      keySlots[i] = count;
      pkStep[count] = step;
      pkKey[count] = key;
      pkHash[count] = h | 0;
      pkValue[count] = valueHash | 0;
      return ++count;
    },
    write(insert, rowsPerInsert, bind) {
      const params: unknown[] = new Array(2 * rowsPerInsert);
      // A plain array, not an Int32Array: a typed array's sort with a comparator took ~2× as long
      // (512 keys per flush: ~25 vs ~50 ms per 300k rows, measured in isolation).
      const order: number[] = new Array<number>(count);
      for (let e = 0; e < count; e++) order[e] = e;
      order.sort((a, b) => (pkStep[a]! < pkStep[b]! ? -1 : pkStep[a]! > pkStep[b]! ? 1 : pkKey[a]! < pkKey[b]! ? -1 : pkKey[a]! > pkKey[b]! ? 1 : 0));
      // One run of entries per step (usually the whole buffer), each into its step's table.
      for (let start = 0; start < order.length; ) {
        const step = pkStep[order[start]!]!;
        let end = start + 1;
        while (end < order.length && pkStep[order[end]!] === step) end++;
        const { many, one } = insert(step);
        let i = start;
        for (; i + rowsPerInsert <= end; i += rowsPerInsert) {
          for (let j = 0; j < rowsPerInsert; j++) {
            const e = order[i + j]!;
            params[2 * j] = bind(pkKey[e]!);
            params[2 * j + 1] = pkValue[e];
          }
          many.run(params);
        }
        for (; i < end; i++) one.run(bind(pkKey[order[i]!]!), pkValue[order[i]!]);
        start = end;
      }
    },
    clear() {
      // Drop the buffered strings now (not when overwritten): held longer, they would be promoted.
      for (let e = 0; e < count; e++) {
        pkStep[e] = undefined;
        pkKey[e] = undefined;
      }
      keySlots.fill(-1);
      count = 0;
    },
  };
}
