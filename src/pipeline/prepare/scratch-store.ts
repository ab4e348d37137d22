/**
 * The dry run's and prepare's disk-backed memory: keys already seen per step, minutes logged per user
 * per day, and what earlier steps would create (for lookups). A temporary SQLite file, so memory stays
 * flat whether the input has 1 000 or 4 000 000 rows.
 *
 * The two per-row rules (a key claimed once per step, minutes per user and day) do not touch SQLite
 * per row: that was most of a dry run's time when measured. Instead:
 * - a fixed-size Bloom filter (8 MiB) answers "certainly never seen" for most new keys and days, so
 *   they need no read at all (a "maybe" is checked exactly, in the buffer then in SQLite);
 * - claims and day totals (in blocks of DAY_BLOCK_USERS people's day, day-buffer.ts) are buffered
 *   in fixed typed-array tables (at most FLUSH_ENTRIES of each, no per-entry heap objects) and written in key order by multi-row INSERTs when a buffer fills
 *   (inside the caller's transaction when one is open).
 * Answers are exact either way: the filter only decides whether a read is needed.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClaimBuffer, type ClaimInserts } from './claim-buffer.js';
import { createDayBuffer, DAY_BLOCK_USERS, DAY_MAX_MINUTES } from './day-buffer.js';
import { ZpetlError } from '../../core/errors.js';

export interface ScratchStore {
  /**
   * True when `key` was new for `step` (and records it, with `valueHash`: a 32-bit hash of the claiming
   * row's values, default 0, for `claimedValueHash`).
   */
  claimKey(step: string, key: string, valueHash?: number): boolean;
  /** The value hash a claimed key was recorded with (undefined when unclaimed). Asked for repeats only. */
  claimedValueHash(step: string, key: string): number | undefined;
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

/** A step's table of claimed keys and its statements (ClaimInserts for the buffer's flush). */
interface KeyTable extends ClaimInserts {
  has: Database.Statement<[string | Buffer], number>;
  value: Database.Statement<[string | Buffer], number>;
}

/**
 * Table `keys_<n>` (n: the store's n-th step): one table per step keyed by the key alone, not one
 * table keyed by (step, key). Without the step name repeated in every row the B-tree is about half
 * the size, so at a million rows more of it stays in the page cache: bench:local measured the
 * flush of claims at ~1.5 µs per key with the shared table at 1M rows.
 */
function createKeyTable(db: Database.Database, n: number): KeyTable {
  const t = `keys_${n}`;
  db.exec(`CREATE TABLE ${t} (key TEXT NOT NULL PRIMARY KEY, vh INTEGER NOT NULL) WITHOUT ROWID`);
  return {
    many: db.prepare(`INSERT OR IGNORE INTO ${t} (key, vh) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?)').join(', ')}`),
    one: db.prepare(`INSERT OR IGNORE INTO ${t} (key, vh) VALUES (?, ?)`),
    has: db.prepare<[string | Buffer], number>(`SELECT 1 FROM ${t} WHERE key = ?`).pluck(),
    value: db.prepare<[string | Buffer], number>(`SELECT vh FROM ${t} WHERE key = ?`).pluck(),
  };
}

/** Opens a scratch store in `dir` (a new temporary folder when omitted, removed at close). */
export function createScratchStore(dir?: string): ScratchStore {
  const tmp = dir ?? mkdtempSync(join(tmpdir(), 'zpetl-scratch-'));
  const db = new Database(join(tmp, 'scratch.db'));
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -16000'); // 16 MB page cache: bounded, whatever the row count
  db.pragma('temp_store = FILE');
  db.exec(`CREATE TABLE day_minutes (k INTEGER PRIMARY KEY, minutes BLOB NOT NULL);
    CREATE TABLE names (kind TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, scope, name)) WITHOUT ROWID;`);
  const putDays = db.prepare(`INSERT OR REPLACE INTO day_minutes (k, minutes) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?)').join(', ')}`);
  const keyTables = new Map<string, KeyTable>();
  /** The step's own table of claimed keys, made at its first claim. */
  const keyTable = (step: string): KeyTable => {
    let t = keyTables.get(step);
    if (t === undefined) keyTables.set(step, (t = createKeyTable(db, keyTables.size)));
    return t;
  };
  const getDay = db.prepare<[number], Buffer>('SELECT minutes FROM day_minutes WHERE k = ?').pluck();
  const putDay = db.prepare('INSERT OR REPLACE INTO day_minutes (k, minutes) VALUES (?, ?)');
  const insName = db.prepare('INSERT OR IGNORE INTO names (kind, scope, name, id) VALUES (?, ?, ?, ?)');
  const selName = db.prepare<[string, string | Buffer, string | Buffer], string>('SELECT id FROM names WHERE kind = ? AND scope = ? AND name = ?').pluck();

  const bloom = createBloom(BLOOM_BITS_LOG2);
  // The buffers are fixed typed arrays and fixed string arrays, not Map/Set: a Map's table is
  // reallocated as it grows and replaced by clear(), and in some runs those tables, their number keys
  // and the buffered key strings were promoted by the thousand (~130 MB of old-generation garbage per
  // 1M rows, peak RSS 160 instead of 130 MB, measured by bench:local).
  const claims = createClaimBuffer(FLUSH_ENTRIES, TABLE_SLOTS);
  const days = createDayBuffer(FLUSH_ENTRIES, TABLE_SLOTS, MAX_USERS);

  let open = false;
  let units = 0;
  const flush = () => {
    if (claims.count === 0 && days.count === 0) return;
    const own = !open;
    if (own) db.exec('BEGIN');
    try {
      claims.write(keyTable, ROWS_PER_INSERT, lossless);
      days.write(putDays, putDay, ROWS_PER_INSERT);
    } finally {
      if (own) db.exec('COMMIT');
    }
    claims.clear();
    days.clear();
  };

  return {
    claimKey(step, key, valueHash = 0) {
      const h = hashKey(step, key);
      if (bloom.maybe(h)) {
        if (claims.has(step, key, h) || keyTable(step).has.get(lossless(key)) !== undefined) return false;
      } else bloom.add(h);
      if (claims.add(step, key, h, valueHash) >= FLUSH_ENTRIES) flush();
      return true;
    },
    claimedValueHash(step, key) {
      return claims.valueOf(step, key, hashKey(step, key)) ?? keyTable(step).value.get(lossless(key));
    },
    addDayMinutes(user, date, minutes, max) {
      if (max > DAY_MAX_MINUTES) throw new ZpetlError('INTERNAL', `a day's maximum of ${max} min does not fit the scratch store's ${DAY_MAX_MINUTES}`);
      const u = days.userOf(user);
      const k = days.blockKey(u, date);
      const h = hashInt(k);
      const slot = days.slot(k, h);
      if (days.used[slot] !== 1) {
        let stored: Buffer | undefined;
        if (bloom.maybe(h)) stored = getDay.get(k);
        else bloom.add(h);
        days.load(slot, k, stored);
      }
      const at = slot * DAY_BLOCK_USERS + (u % DAY_BLOCK_USERS);
      const before = days.minutes[at]!;
      const added = minutes <= max && before + minutes <= max;
      if (added) days.minutes[at] = before + minutes;
      if (days.count >= FLUSH_ENTRIES) flush();
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
