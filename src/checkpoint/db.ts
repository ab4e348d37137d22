/**
 * The checkpoint database: one SQLite file per pipeline (default `.zpetl/<pipeline>.db`), WAL mode,
 * schema versioned by `PRAGMA user_version`. Each migration is owned by the module whose tables it
 * creates (runs/records, rate budget, payroll snapshots) and applied in order here.
 *
 * One process at a time. The owner's pid is recorded in a one-row side table (`process_lock`) inside
 * a `BEGIN IMMEDIATE` transaction: SQLite's write lock serializes every taker (and the kernel drops
 * it if the process dies), so two processes taking over a dead owner's lock at the same instant
 * cannot both win: the second one sees the first alive and refuses with CHECKPOINT_LOCKED. A lock
 * left by a dead process (SIGKILL) is taken over. The `<db>.lock` file beside the database repeats
 * the owner's pid for people and tools; it is written after the table says we own the database and
 * is not what decides.
 *
 * Our own pid in the table is a stale lock (a container's pid 1 is every run's pid) unless this very
 * process still holds the file open with the lock: then a second open (two library runs of the same
 * pipeline at once) is refused too, instead of taking the lock over and, on its close, freeing the
 * lock under the first.
 *
 * A checkpoint belongs to one pipeline (src/checkpoint/owner.ts): a writer given `owner` claims a file
 * without one and is refused (CHECKPOINT_OTHER_PIPELINE) on another pipeline's. A path that cannot be a
 * database file (a directory, a folder under a file, a folder we may not write) is CHECKPOINT_PATH.
 */
import Database from 'better-sqlite3';
import { accessSync, constants, mkdirSync, readFileSync, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { ZpetlError } from '../core/errors.js';
import { MIGRATIONS } from './migrations.js';
import { checkOwner, type CheckpointOwner } from './owner.js';

export type { Db } from './db-handle.js';
import type { Db } from './db-handle.js';

export interface OpenOptions {
  /** Take the single-process lock (default true). Read-only tools (`zpetl status`) pass false. */
  lock?: boolean;
  readonly?: boolean;
  /** Tests: act as this pid (another process) when taking the lock. */
  pid?: number;
  /** Tests: called inside the lock transaction once the current owner has been read. */
  onLockRead?: () => void;
  /** Tests: SQLite busy timeout in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * The pipeline opening it (src/checkpoint/owner.ts): a writable open claims a file without an owner
   * and refuses another pipeline's. Every writable open in src/ passes one (test/unit/checkpoint/
   * owner-required.test.ts checks); read-only openers check with checkOwner() themselves.
   */
  owner?: CheckpointOwner;
  /** Take over a checkpoint of another pipeline name or file (`--adopt-checkpoint`); never another portal's. */
  adopt?: boolean;
  /** Epoch ms recorded when the owner is claimed (default Date.now()): the caller's clock. */
  nowMs?: number;
}

export interface CheckpointDb {
  db: Db;
  path: string;
  /** Set when this open adopted a file made by an older zpetl (no owner yet): say so to the user. */
  notice?: string;
  close(): void;
}

/**
 * The state letter of a process from `/proc/<pid>/stat`, undefined without /proc (macOS) or once the
 * process is gone. The line is `pid (comm) state …` and comm may hold spaces and parentheses, so the
 * state is the first field after the LAST ')'.
 */
export function procState(pid: number, procRoot = '/proc'): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  return stat.slice(close + 1).trimStart()[0];
}

/**
 * Whether the process holding a lock can still be using it. kill(pid, 0) also succeeds for a zombie (a
 * killed process its parent has not reaped yet: state Z) and a dying one (X, x on older kernels), which
 * hold no file and write nothing, so on Linux the state in /proc decides; elsewhere kill(pid, 0) does.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = procState(pid);
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

const checkpointPathError = (path: string, message: string, hint: string, cause?: unknown) =>
  new ZpetlError('CHECKPOINT_PATH', `checkpoint database ${path} ${message}`, { field: 'db', value: path, hint, ...(cause === undefined ? {} : { cause }) });

/**
 * A directory is no database file: say so (SQLite itself reports a "disk I/O error"). Nor is a path
 * ending in a separator (`newdir/`), which would otherwise create a FILE named `newdir`.
 */
function checkNotDirectory(path: string): void {
  if (/[\\/]$/.test(path)) {
    const folder = path.replace(/[\\/]+$/, '');
    throw checkpointPathError(path, 'names a folder (it ends in a separator), not a file', `Pass a file path such as --db ${join(folder || sep, 'pipeline.db')}.`);
  }
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return;
  }
  if (isDir) throw checkpointPathError(path, 'is a directory, not a file', `Pass the path of a database file, e.g. --db ${join(path, 'pipeline.db')} (created when missing).`);
}

/** Creates the database's folder, or says why it cannot be. */
function makeFolder(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? `cannot be created: part of its folder ${dirname(path)} is a file` : `cannot be created: its folder ${dirname(path)} cannot be made (${code ?? (e as Error).message})`;
    throw checkpointPathError(path, why, 'Pass --db a file path in a folder you can write.', e);
  }
}

/** After SQLite failed to open a writable file: a folder we may not write is the likely reason. */
function unwritableFolder(path: string, cause: unknown): ZpetlError | undefined {
  try {
    accessSync(dirname(path), constants.W_OK);
    return undefined;
  } catch {
    return checkpointPathError(path, `cannot be created or written: its folder ${dirname(path)} is not writable`, 'Pass --db a file path in a folder you can write.', cause);
  }
}

/** The owner table: not a migration (it must exist before migrations run, under the lock it gives). */
const LOCK_TABLE = 'CREATE TABLE IF NOT EXISTS process_lock (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL)';

const lockedError = (dbPath: string, owner?: number) =>
  new ZpetlError('CHECKPOINT_LOCKED', `checkpoint database ${dbPath} is in use by ${owner === undefined ? 'another process' : `process ${owner}`}`, {
    hint: 'Another zpetl run on this pipeline is still going. Wait for it, or stop it (it resumes later).',
    ...(owner === undefined ? {} : { details: { pid: owner } }),
  });

/** Databases this process holds the lock of (real path → the open handle holding it). */
const heldHere = new Map<string, Db>();

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function acquireLock(db: Db, lockPath: string, dbPath: string, o: OpenOptions): () => void {
  const pid = o.pid ?? process.pid;
  const key = realPath(dbPath);
  // A handle closed without release (a test's simulated kill) holds nothing.
  const holder = heldHere.get(key);
  const heldByUs = pid === process.pid && holder !== undefined && holder.open;
  const take = db.transaction((): number | undefined => {
    db.exec(LOCK_TABLE);
    const row = db.prepare<[], { pid: number }>('SELECT pid FROM process_lock WHERE id = 1').get();
    o.onLockRead?.();
    // Our own pid is a stale lock (a reused pid) unless this process still holds it open.
    if (row && row.pid === pid && heldByUs) return row.pid;
    if (row && row.pid !== pid && pidAlive(row.pid)) return row.pid;
    db.prepare('INSERT INTO process_lock (id, pid) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid').run(pid);
    return undefined;
  });
  let owner: number | undefined;
  try {
    // IMMEDIATE: the write lock is taken before the owner is read, so check and take are one step.
    owner = take.immediate();
  } catch (e) {
    // Another process holds the write lock past the busy timeout: it is taking the lock (or writing).
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw lockedError(dbPath);
    throw e;
  }
  if (owner !== undefined) throw lockedError(dbPath, owner);
  if (pid === process.pid) heldHere.set(key, db);
  try {
    writeFileSync(lockPath, String(pid));
  } catch {
    /* informational only */
  }
  return () => {
    if (heldHere.get(key) === db) heldHere.delete(key);
    try {
      if (db.open) db.prepare('DELETE FROM process_lock WHERE id = 1 AND pid = ?').run(pid);
    } catch {
      /* the next taker sees a dead pid and takes over */
    }
    try {
      if (readFileSync(lockPath, 'utf8') === String(pid)) unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  };
}

/** Applies every migration above the file's user_version, each in its own transaction; returns the version it found. */
export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = MIGRATIONS.length;
  if (current > latest) {
    throw new ZpetlError('CHECKPOINT_SCHEMA', `checkpoint schema version ${current} is newer than this zpetl (${latest})`, {
      hint: 'Upgrade zoho-projects-etl, or use --db to start a new checkpoint.',
    });
  }
  for (let v = current; v < latest; v++) {
    const m = MIGRATIONS[v]!;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return current;
}

/** Opens (creating if needed) a checkpoint database. `:memory:` is allowed for tests. */
export function openCheckpointDb(path: string, options: OpenOptions = {}): CheckpointDb {
  const memory = path === ':memory:';
  let release = () => {};
  if (!memory) {
    checkNotDirectory(path);
    if (!options.readonly) makeFolder(path);
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
  } catch (e) {
    const folder = memory || options.readonly ? undefined : unwritableFolder(path, e);
    if (folder) throw folder;
    throw new ZpetlError('CHECKPOINT_CORRUPT', `cannot open checkpoint database ${path}: ${(e as Error).message}`, { cause: e });
  }
  let notice: string | undefined;
  try {
    if (!options.readonly) {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across process crashes (SIGKILL) in WAL mode; only power loss can drop the tail.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // The lock comes before migrations: two processes never migrate the same file at once.
      if (!memory && options.lock !== false) release = acquireLock(db, `${path}.lock`, path, options);
      const found = migrate(db);
      if (options.owner) notice = checkOwner(db, path, options.owner, { write: true, existed: found > 0, adopt: options.adopt === true, ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }) });
    }
  } catch (e) {
    release();
    if (db.open) db.close();
    if (e instanceof ZpetlError) throw e;
    throw new ZpetlError('CHECKPOINT_CORRUPT', `cannot open checkpoint database ${path}: ${(e as Error).message}`, { cause: e });
  }
  return {
    db,
    path,
    ...(notice === undefined ? {} : { notice }),
    close() {
      release();
      if (db.open) db.close();
    },
  };
}
