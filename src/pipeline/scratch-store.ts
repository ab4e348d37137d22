/**
 * The dry run's and prepare's disk-backed memory: keys already seen per step, minutes logged per user
 * per day, and what earlier steps would create (for lookups). A temporary SQLite file, written in
 * batched transactions, so memory stays flat whether the input has 1 000 or 4 000 000 rows.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchStore {
  /** True when `key` was new for `step` (and records it). */
  claimKey(step: string, key: string): boolean;
  /** Adds minutes to (user, date) unless the total would pass `max`; returns the total before, and whether it was added. */
  addDayMinutes(user: string, date: string, minutes: number, max: number): { before: number; added: boolean };
  /** Records a name an earlier step would create: kind = 'user' | 'project' | 'milestone' | 'tasklist' | 'task'; scope '' when none. */
  putName(kind: string, scope: string, name: string, id: string): void;
  getName(kind: string, scope: string, name: string): string | undefined;
  /** Opens a transaction when none is open (commit() ends it). Calls between are one disk write. */
  begin(): void;
  commit(): void;
  close(): void;
}

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
  const getDay = db.prepare<[number], { minutes: number }>('SELECT minutes FROM day_minutes WHERE k = ?');
  // One statement per log: adds unless the day's total would pass the max (then no row comes back).
  // Keyed by one integer (user number × 10^8 + yyyymmdd): an integer rowid B-tree is several times
  // faster than a text key. User numbers live in memory: one entry per distinct user, not per row.
  const addDay = db.prepare<[number, number, number], { minutes: number }>(
    'INSERT INTO day_minutes (k, minutes) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET minutes = minutes + excluded.minutes WHERE minutes + excluded.minutes <= ? RETURNING minutes',
  );
  const users = new Map<string, number>();
  const dayKey = (user: string, date: string): number => {
    let u = users.get(user);
    if (u === undefined) users.set(user, (u = users.size));
    const d = Number(date.slice(0, 4)) * 10_000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
    return u * 100_000_000 + d;
  };
  const insName = db.prepare('INSERT OR IGNORE INTO names (kind, scope, name, id) VALUES (?, ?, ?, ?)');
  const selName = db.prepare<[string, string, string], { id: string }>('SELECT id FROM names WHERE kind = ? AND scope = ? AND name = ?');
  let open = false;
  return {
    claimKey: (step, key) => insKey.run(step, key).changes === 1,
    addDayMinutes(user, date, minutes, max) {
      const k = dayKey(user, date);
      if (minutes > max) return { before: getDay.get(k)?.minutes ?? 0, added: false };
      const after = addDay.get(k, minutes, max);
      if (after !== undefined) return { before: after.minutes - minutes, added: true };
      return { before: getDay.get(k)?.minutes ?? 0, added: false };
    },
    putName: (kind, scope, name, id) => void insName.run(kind, scope, name, id),
    getName: (kind, scope, name) => selName.get(kind, scope, name)?.id,
    begin() {
      if (!open) db.exec('BEGIN');
      open = true;
    },
    commit() {
      if (open) db.exec('COMMIT');
      open = false;
    },
    close() {
      if (open) db.exec('COMMIT');
      db.close();
      if (dir === undefined) rmSync(tmp, { recursive: true, force: true });
    },
  };
}
