/**
 * The dry run's and prepare's disk-backed memory: keys already seen per step, minutes logged per user
 * per day, and what earlier steps would create (for lookups). A temporary SQLite file, so memory stays
 * flat whether the input has 1 000 or 4 000 000 rows.
 *
 * The two per-row rules (a key claimed once per step, minutes per user and day) do not touch SQLite
 * per row: that was most of a dry run's time when measured. Instead:
 * - a fixed-size Bloom filter (8 MiB) answers "certainly never seen" for most new keys and days, so
 *   they need no read at all (a "maybe" is checked exactly, in the buffer then in SQLite);
 * - claims and day totals are buffered in fixed typed-array tables (at most FLUSH_ENTRIES of each,
 *   no per-entry heap objects) and written in key order by multi-row INSERTs when a buffer fills
 *   (inside the caller's transaction when one is open).
 * Answers are exact either way: the filter only decides whether a read is needed.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZpetlError } from '../core/errors.js';

export interface ScratchStore {
  /** True when `key` was new for `step` (and records it). */
  claimKey(step: string, key: string): boolean;
  /**
   * Adds minutes to (user, date `YYYY-MM-DD`) unless the total would pass `max`; returns the total
   * before, and whether it was added.
   */
  addDayMinutes(user: string, date: string, minutes: number, max: number): { before: number; added: boolean };
  /** Records a name an earlier step would create: kind = 'user' | 'project' | 'milestone' | 'tasklist' | 'task'; scope '' when none. */
  putName(kind: string, scope: string, name: string, id: string): void;
  getName(kind: string, scope: string, name: string): string | undefined;
  /** Opens a transaction when none is open. Calls between begin() and commit() are one unit of work. */
  begin(): void;
  /**
   * Ends a unit of work. The file is throwaway scratch (no durability wanted, one connection sees its
   * own uncommitted rows), so the transaction is really committed every COMMIT_EVERY units and at
   * close(): each commit writes the dirty pages out, and per chunk that was thousands of writes per run.
   */
  commit(): void;
  close(): void;
}

/**
 * Buffered claims (and, separately, buffered day totals) written to SQLite in one go. Small on
 * purpose: a buffered key lives until its flush, and one that outlives two young-generation
 * collections is promoted to the old generation, where it becomes garbage only a full GC frees. With
 * 65 536 entries that was ~60 MB of promoted garbage per million rows and most of the heap's growth
 * (peak RSS 160-180 MB at 1M rows; ~130 MB with 512, at a few % more CPU). Statement calls
 * stay few either way (ROWS_PER_INSERT rows each).
 */
export const FLUSH_ENTRIES = 512;
/**
 * Rows per INSERT statement when flushing: one statement call per row was most of the flush's time
 * (each crosses from JS into SQLite and binds alone); multi-row VALUES cut it several-fold.
 */
const ROWS_PER_INSERT = 256;
/** Open-addressing slots of the in-memory buffers: a power of two, 4× FLUSH_ENTRIES (short probes). */
const TABLE_SLOTS = 4 * FLUSH_ENTRIES;
/** Units of work (begin … commit, one per chunk of rows) per real COMMIT. */
const COMMIT_EVERY = 64;
/** Bloom filter size: 2^26 bits = 8 MiB, 3 probes: ~1% false "maybe" at 6 million entries. */
const BLOOM_BITS_LOG2 = 26;
/** Users numbered in memory (one entry per distinct user) and packed into the day key with the date. */
const MAX_USERS = 10_000_000;

/** FNV-1a over `step`, a separator and `key`: 32 bits (exported for tests that plant collisions). */
export function hashKey(step: string, key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < step.length; i++) h = Math.imul(h ^ step.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0xff, 0x01000193);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 32-bit mix of a safe integer (murmur3 finalizer over its two halves), seeded apart from hashKey. */
function hashInt(n: number): number {
  let h = Math.imul((n % 0x1_0000_0000) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.floor(n / 0x1_0000_0000);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A Bloom filter with double hashing (h1 + i·h2) from one 32-bit hash. */
function createBloom(log2Bits: number) {
  const bits = new Uint32Array(1 << (log2Bits - 5));
  const mask = (1 << log2Bits) - 1;
  const probes = (h: number, f: (bit: number) => boolean): boolean => {
    const h2 = (Math.imul(h, 0x5bd1e995) >>> 15) | 1;
    for (let i = 0, b = h; i < 3; i++, b = (b + h2) | 0) if (!f(b & mask)) return false;
    return true;
  };
  const has = (bit: number) => (bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  const set = (bit: number) => {
    bits[bit >>> 5]! |= 1 << (bit & 31);
    return true;
  };
  return {
    /** False when `h` was certainly never added. */
    maybe: (h: number) => probes(h, has),
    add: (h: number) => void probes(h, set),
  };
}

/**
 * A string as SQLite gets it, losslessly: one with a surrogate code unit (a lone one is legal in a
 * JSON source) goes as a UTF-16LE BLOB. better-sqlite3 writes strings as UTF-8, and on Node 24 a lone
 * surrogate becomes U+FFFD there (Node 20 and 22 keep it as WTF-8), which would make "a\ud800" and
 * "a\ufffd" one key. A BLOB never equals a TEXT value, so the two encodings cannot collide.
 */
const SURROGATE = /[\ud800-\udfff]/;
const lossless = (s: string): string | Buffer => (SURROGATE.test(s) ? Buffer.from(s, 'utf16le') : s);

export function createScratchStore(dir?: string): ScratchStore {
  const tmp = dir ?? mkdtempSync(join(tmpdir(), 'zpetl-scratch-'));
  const db = new Database(join(tmp, 'scratch.db'));
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -16000'); // 16 MB page cache: bounded, whatever the row count
  db.pragma('temp_store = FILE');
  db.exec(`CREATE TABLE keys (step TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (step, key)) WITHOUT ROWID;
    CREATE TABLE day_minutes (k INTEGER PRIMARY KEY, minutes INTEGER NOT NULL);
    CREATE TABLE names (kind TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, scope, name)) WITHOUT ROWID;`);
  const insKey = db.prepare('INSERT OR IGNORE INTO keys (step, key) VALUES (?, ?)');
  const insKeys = db.prepare(`INSERT OR IGNORE INTO keys (step, key) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?)').join(', ')}`);
  const putDays = db.prepare(`INSERT OR REPLACE INTO day_minutes (k, minutes) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?)').join(', ')}`);
  const hasKey = db.prepare<[string, string | Buffer], number>('SELECT 1 FROM keys WHERE step = ? AND key = ?').pluck();
  const getDay = db.prepare<[number], number>('SELECT minutes FROM day_minutes WHERE k = ?').pluck();
  const putDay = db.prepare('INSERT OR REPLACE INTO day_minutes (k, minutes) VALUES (?, ?)');
  const insName = db.prepare('INSERT OR IGNORE INTO names (kind, scope, name, id) VALUES (?, ?, ?, ?)');
  const selName = db.prepare<[string, string | Buffer, string | Buffer], string>('SELECT id FROM names WHERE kind = ? AND scope = ? AND name = ?').pluck();

  const bloom = createBloom(BLOOM_BITS_LOG2);
  // The buffers below are fixed typed arrays and two fixed string arrays, not Map/Set: a Map's table
  // is reallocated as it grows and replaced by clear(), and in some runs those tables, their number
  // keys and the buffered key strings were promoted by the thousand (~130 MB of old-generation
  // garbage per 1M rows, peak RSS 160 instead of 130 MB). Slots are found by open addressing.
  const mask = TABLE_SLOTS - 1;
  /** Claimed since the last flush: step, key and hash per entry; `keySlots` indexes them by hash. */
  const pkStep: (string | undefined)[] = new Array<string | undefined>(FLUSH_ENTRIES).fill(undefined);
  const pkKey: (string | undefined)[] = new Array<string | undefined>(FLUSH_ENTRIES).fill(undefined);
  const pkHash = new Int32Array(FLUSH_ENTRIES);
  const keySlots = new Int32Array(TABLE_SLOTS).fill(-1);
  let pendingCount = 0;
  const pendingHas = (step: string, key: string, h: number): boolean => {
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = keySlots[i]!;
      if (e === -1) return false;
      if (pkHash[e] === (h | 0) && pkKey[e] === key && pkStep[e] === step) return true;
    }
  };
  const pendingAdd = (step: string, key: string, h: number): void => {
    let i = h & mask;
    while (keySlots[i] !== -1) i = (i + 1) & mask;
    keySlots[i] = pendingCount;
    pkStep[pendingCount] = step;
    pkKey[pendingCount] = key;
    pkHash[pendingCount] = h | 0;
    pendingCount++;
  };
  /** Day totals read or changed since the last flush (all written back by flush): key, minutes, in use. */
  const dayKeys = new Float64Array(TABLE_SLOTS);
  const dayMinutes = new Int32Array(TABLE_SLOTS);
  const dayUsed = new Uint8Array(TABLE_SLOTS);
  /** The slots in use, in insertion order. */
  const daySlots = new Int32Array(FLUSH_ENTRIES);
  let dayCount = 0;
  /** The slot of day key `k`: in use when dayUsed[slot] is 1, else where it would go. */
  const daySlot = (k: number, h: number): number => {
    let i = h & mask;
    while (dayUsed[i] === 1 && dayKeys[i] !== k) i = (i + 1) & mask;
    return i;
  };
  // Date-major day key (yyyymmdd × 10^7 + user number): inputs sorted by date, the usual order of a
  // timesheet, then write in ascending key order. User numbers live in memory: one per distinct user.
  const users = new Map<string, number>();
  const dayKey = (user: string, date: string): number => {
    let u = users.get(user);
    if (u === undefined) {
      if (users.size >= MAX_USERS) throw new ZpetlError('INTERNAL', `more than ${MAX_USERS} distinct users in one run`);
      users.set(user, (u = users.size));
    }
    const d = (date.charCodeAt(0) - 48) * 10_000_000 + (date.charCodeAt(1) - 48) * 1_000_000 + (date.charCodeAt(2) - 48) * 100_000 + (date.charCodeAt(3) - 48) * 10_000
      + (date.charCodeAt(5) - 48) * 1000 + (date.charCodeAt(6) - 48) * 100 + (date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48);
    return d * MAX_USERS + u;
  };

  let open = false;
  let units = 0;
  const flush = () => {
    if (pendingCount === 0 && dayCount === 0) return;
    const own = !open;
    if (own) db.exec('BEGIN');
    try {
      const params: unknown[] = new Array(2 * ROWS_PER_INSERT);
      // Claims in (step, key) order, day totals in key order: neighbours in the B-tree go in together.
      const order = new Int32Array(pendingCount);
      for (let e = 0; e < pendingCount; e++) order[e] = e;
      order.sort((a, b) => (pkStep[a]! < pkStep[b]! ? -1 : pkStep[a]! > pkStep[b]! ? 1 : pkKey[a]! < pkKey[b]! ? -1 : pkKey[a]! > pkKey[b]! ? 1 : 0));
      let i = 0;
      for (; i + ROWS_PER_INSERT <= order.length; i += ROWS_PER_INSERT) {
        for (let j = 0; j < ROWS_PER_INSERT; j++) {
          params[2 * j] = pkStep[order[i + j]!];
          params[2 * j + 1] = lossless(pkKey[order[i + j]!]!);
        }
        insKeys.run(params);
      }
      for (; i < order.length; i++) insKey.run(pkStep[order[i]!], lossless(pkKey[order[i]!]!));
      const slots = daySlots.subarray(0, dayCount).sort((a, b) => dayKeys[a]! - dayKeys[b]!);
      i = 0;
      for (; i + ROWS_PER_INSERT <= slots.length; i += ROWS_PER_INSERT) {
        for (let j = 0; j < ROWS_PER_INSERT; j++) {
          params[2 * j] = dayKeys[slots[i + j]!];
          params[2 * j + 1] = dayMinutes[slots[i + j]!];
        }
        putDays.run(params);
      }
      for (; i < slots.length; i++) putDay.run(dayKeys[slots[i]!], dayMinutes[slots[i]!]);
    } finally {
      if (own) db.exec('COMMIT');
    }
    // Drop the buffered strings now (not when overwritten): held longer, they would be promoted.
    for (let e = 0; e < pendingCount; e++) {
      pkStep[e] = undefined;
      pkKey[e] = undefined;
    }
    keySlots.fill(-1);
    pendingCount = 0;
    for (let d = 0; d < dayCount; d++) dayUsed[daySlots[d]!] = 0;
    dayCount = 0;
  };

  return {
    claimKey(step, key) {
      const h = hashKey(step, key);
      if (bloom.maybe(h)) {
        if (pendingHas(step, key, h) || hasKey.get(step, lossless(key)) !== undefined) return false;
      } else bloom.add(h);
      pendingAdd(step, key, h);
      if (pendingCount >= FLUSH_ENTRIES) flush();
      return true;
    },
    addDayMinutes(user, date, minutes, max) {
      const k = dayKey(user, date);
      const h = hashInt(k);
      const slot = daySlot(k, h);
      let before: number;
      if (dayUsed[slot] === 1) before = dayMinutes[slot]!;
      else {
        if (bloom.maybe(h)) before = getDay.get(k) ?? 0;
        else {
          before = 0;
          bloom.add(h);
        }
        dayUsed[slot] = 1;
        dayKeys[slot] = k;
        dayMinutes[slot] = before;
        daySlots[dayCount++] = slot;
      }
      const added = minutes <= max && before + minutes <= max;
      if (added) dayMinutes[slot] = before + minutes;
      if (dayCount >= FLUSH_ENTRIES) flush();
      return { before, added };
    },
    putName: (kind, scope, name, id) => void insName.run(kind, lossless(scope), lossless(name), id),
    getName: (kind, scope, name) => selName.get(kind, lossless(scope), lossless(name)),
    begin() {
      if (!open) db.exec('BEGIN');
      open = true;
    },
    commit() {
      if (!open || ++units < COMMIT_EVERY) return;
      db.exec('COMMIT');
      open = false;
      units = 0;
    },
    close() {
      flush();
      if (open) db.exec('COMMIT');
      db.close();
      if (dir === undefined) rmSync(tmp, { recursive: true, force: true });
    },
  };
}
