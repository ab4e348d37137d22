/**
 * The scratch store's buffer of minutes per (user, day) read or changed since its last flush
 * (scratch-store.ts): fixed typed arrays indexed by open addressing (no Map: its tables grew into old-generation garbage, see scratch-store.ts), and the
 * numeric day key that packs the date and an in-memory user number.
 */
import type Database from 'better-sqlite3';
import { ZpetlError } from '../../core/errors.js';

/** A fixed-size buffer of day totals by day key. */
export interface DayBuffer {
  /** Per slot: the day key, its minutes, and 1 when in use. Read and written by the store directly (hot path). */
  readonly keys: Float64Array;
  readonly minutes: Int32Array;
  readonly used: Uint8Array;
  /** Slots in use. */
  readonly count: number;
  /**
   * Date-major day key (yyyymmdd × maxUsers + user number; `date` is `YYYY-MM-DD`): inputs sorted by
   * date, the usual order of a timesheet, then write in ascending key order. INTERNAL past maxUsers users.
   */
  dayKey(user: string, date: string): number;
  /** The slot of day key `k` (hash `h`): in use when `used[slot]` is 1, else where it would go. */
  slot(k: number, h: number): number;
  /** Puts day key `k` with `minutes` in a free `slot`. */
  track(slot: number, k: number, minutes: number): void;
  /** Writes the totals in key order: `many` takes `rowsPerInsert` rows at once, `one` the rest. */
  write(many: Database.Statement, one: Database.Statement, rowsPerInsert: number): void;
  /** Frees every slot (user numbers stay: they are the keys' meaning). */
  clear(): void;
}

/** A buffer of `entries` day totals over `slots` hash slots (a power of two, a few times `entries`). */
export function createDayBuffer(entries: number, slots: number, maxUsers: number): DayBuffer {
  const mask = slots - 1;
  const keys = new Float64Array(slots);
  const minutes = new Int32Array(slots);
  const used = new Uint8Array(slots);
  /** The slots in use, in insertion order. */
  const inUse = new Int32Array(entries);
  let count = 0;
  const users = new Map<string, number>();
  return {
    keys,
    minutes,
    used,
    get count() {
      return count;
    },
    dayKey(user, date) {
      let u = users.get(user);
      if (u === undefined) {
        if (users.size >= maxUsers) throw new ZpetlError('INTERNAL', `more than ${maxUsers} distinct users in one run`);
        users.set(user, (u = users.size));
      }
      const d = (date.charCodeAt(0) - 48) * 10_000_000 + (date.charCodeAt(1) - 48) * 1_000_000 + (date.charCodeAt(2) - 48) * 100_000 + (date.charCodeAt(3) - 48) * 10_000
        + (date.charCodeAt(5) - 48) * 1000 + (date.charCodeAt(6) - 48) * 100 + (date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48);
      return d * maxUsers + u;
    },
    slot(k, h) {
      let i = h & mask;
      while (used[i] === 1 && keys[i] !== k) i = (i + 1) & mask;
      return i;
    },
    track(slot, k, m) {
      used[slot] = 1;
      keys[slot] = k;
      minutes[slot] = m;
      inUse[count++] = slot;
    },
    write(many, one, rowsPerInsert) {
      const params: unknown[] = new Array(2 * rowsPerInsert);
      // A plain array, not the Int32Array itself: a typed array's sort with a comparator is ~2× slower (claim-buffer.ts).
      const order: number[] = new Array<number>(count);
      for (let d = 0; d < count; d++) order[d] = inUse[d]!;
      order.sort((a, b) => keys[a]! - keys[b]!);
      let i = 0;
      for (; i + rowsPerInsert <= order.length; i += rowsPerInsert) {
        for (let j = 0; j < rowsPerInsert; j++) {
          params[2 * j] = keys[order[i + j]!];
          params[2 * j + 1] = minutes[order[i + j]!];
        }
        many.run(params);
      }
      for (; i < order.length; i++) one.run(keys[order[i]!], minutes[order[i]!]);
    },
    clear() {
      for (let d = 0; d < count; d++) used[inUse[d]!] = 0;
      count = 0;
    },
  };
}
