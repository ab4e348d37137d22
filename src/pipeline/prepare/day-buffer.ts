/**
 * The scratch store's buffer of minutes per (user, day) read or changed since its last flush
 * (scratch-store.ts), in blocks: one block holds one day's minutes of DAY_BLOCK_USERS consecutive
 * user numbers (users are numbered in memory as they first appear), and is one SQLite row, a BLOB.
 * A timesheet logs many people on the same day, so a block gathers what were DAY_BLOCK_USERS rows:
 * bench:local measured the day table's inserts as the second cost of the store after the claims.
 * Fixed typed arrays indexed by open addressing (no Map: its tables grew into old-generation garbage,
 * see scratch-store.ts).
 */
import type Database from 'better-sqlite3';
import { ZpetlError } from '../../core/errors.js';

/**
 * Users per block: a power of two. 16 keeps a sparse file's blocks small (32 bytes of minutes each,
 * one person's one log per block at worst) and a timesheet's 500 people on one day 32 rows, not 500.
 */
export const DAY_BLOCK_USERS = 16;
/** A day's minutes are an Int16 (a day holds at most 24 h = 1440 min; totals never pass the maximum asked). */
export const DAY_MAX_MINUTES = 32_767;

/** A fixed-size buffer of day blocks by block key. */
export interface DayBuffer {
  /** Per slot: 1 when in use. Read by the store directly (hot path). */
  readonly used: Uint8Array;
  /** Per slot, DAY_BLOCK_USERS minutes: user `u`'s minutes of a block in `slot` are at `slot * DAY_BLOCK_USERS + (u % DAY_BLOCK_USERS)`. */
  readonly minutes: Int16Array;
  /** Blocks in use. */
  readonly count: number;
  /** The user's number (given as users first appear). INTERNAL past maxUsers users. */
  userOf(user: string): number;
  /**
   * Date-major block key of user number `u` on `date` (`YYYY-MM-DD`): yyyymmdd × blocks per date +
   * u / DAY_BLOCK_USERS. Inputs sorted by date, the usual order of a timesheet, then write in ascending key order.
   */
  blockKey(u: number, date: string): number;
  /** The slot of block key `k` (hash `h`): in use when `used[slot]` is 1, else where it would go. */
  slot(k: number, h: number): number;
  /** Puts block `k` in a free `slot`: its minutes from `stored` (the BLOB SQLite holds), else zeros. */
  load(slot: number, k: number, stored: Buffer | undefined): void;
  /** Writes the blocks in key order as (key, BLOB): `many` takes `rowsPerInsert` rows at once, `one` the rest. */
  write(many: Database.Statement, one: Database.Statement, rowsPerInsert: number): void;
  /** Frees every slot (user numbers stay: they are the keys' meaning). */
  clear(): void;
}

const BLOCK_BYTES = DAY_BLOCK_USERS * Int16Array.BYTES_PER_ELEMENT;

/** A buffer of `entries` day blocks over `slots` hash slots (a power of two, a few times `entries`). */
export function createDayBuffer(entries: number, slots: number, maxUsers: number): DayBuffer {
  const mask = slots - 1;
  const keys = new Float64Array(slots);
  const minutes = new Int16Array(slots * DAY_BLOCK_USERS);
  const bytes = new Uint8Array(minutes.buffer);
  const used = new Uint8Array(slots);
  /** The slots in use, in insertion order. */
  const inUse = new Int32Array(entries);
  const blocksPerDate = Math.ceil(maxUsers / DAY_BLOCK_USERS);
  let count = 0;
  const users = new Map<string, number>();
  return {
    used,
    minutes,
    get count() {
      return count;
    },
    userOf(user) {
      let u = users.get(user);
      if (u === undefined) {
        if (users.size >= maxUsers) throw new ZpetlError('INTERNAL', `more than ${maxUsers} distinct users in one run`);
        users.set(user, (u = users.size));
      }
      return u;
    },
    blockKey(u, date) {
      const d = (date.charCodeAt(0) - 48) * 10_000_000 + (date.charCodeAt(1) - 48) * 1_000_000 + (date.charCodeAt(2) - 48) * 100_000 + (date.charCodeAt(3) - 48) * 10_000
        + (date.charCodeAt(5) - 48) * 1000 + (date.charCodeAt(6) - 48) * 100 + (date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48);
      return d * blocksPerDate + Math.floor(u / DAY_BLOCK_USERS);
    },
    slot(k, h) {
      let i = h & mask;
      while (used[i] === 1 && keys[i] !== k) i = (i + 1) & mask;
      return i;
    },
    load(slot, k, stored) {
      used[slot] = 1;
      keys[slot] = k;
      const at = slot * BLOCK_BYTES;
      if (stored === undefined) bytes.fill(0, at, at + BLOCK_BYTES);
      else bytes.set(stored.subarray(0, BLOCK_BYTES), at);
      inUse[count++] = slot;
    },
    write(many, one, rowsPerInsert) {
      const params: unknown[] = new Array(2 * rowsPerInsert);
      // A plain array, not the Int32Array itself: a typed array's sort with a comparator is ~2× slower (claim-buffer.ts).
      const order: number[] = new Array<number>(count);
      for (let d = 0; d < count; d++) order[d] = inUse[d]!;
      order.sort((a, b) => keys[a]! - keys[b]!);
      // Each block's bytes as a view (better-sqlite3 copies a bound BLOB): no copy here.
      const blob = (slot: number): Buffer => Buffer.from(minutes.buffer, slot * BLOCK_BYTES, BLOCK_BYTES);
      let i = 0;
      for (; i + rowsPerInsert <= order.length; i += rowsPerInsert) {
        for (let j = 0; j < rowsPerInsert; j++) {
          params[2 * j] = keys[order[i + j]!];
          params[2 * j + 1] = blob(order[i + j]!);
        }
        many.run(params);
      }
      for (; i < order.length; i++) one.run(keys[order[i]!], blob(order[i]!));
    },
    clear() {
      for (let d = 0; d < count; d++) used[inUse[d]!] = 0;
      count = 0;
    },
  };
}
