/**
 * The checkpoint database: one SQLite file per pipeline (default `.zpetl/<pipeline>.db`), WAL mode,
 * schema versioned by `PRAGMA user_version`. Each migration is owned by the module whose tables it
 * creates (runs/records, rate budget, payroll snapshots) and applied in order here.
 *
 * One process at a time: a lock file beside the database holds the owner's pid. A second process
 * refuses with CHECKPOINT_LOCKED; a lock left by a dead process (SIGKILL) is taken over.
 */
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ZpetlError } from '../core/errors.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Take the single-process lock (default true). Read-only tools (`zpetl status`) pass false. */
  lock?: boolean;
  readonly?: boolean;
}

export interface CheckpointDb {
  db: Db;
  path: string;
  close(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function acquireLock(lockPath: string, dbPath: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(lockPath, 'utf8'));
      } catch {
        continue; // removed between our open and read: try again
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
        throw new ZpetlError('CHECKPOINT_LOCKED', `checkpoint database ${dbPath} is in use by process ${owner}`, {
          hint: 'Another zpetl run on this pipeline is still going. Wait for it, or stop it (it resumes later).',
          details: { pid: owner },
        });
      }
      // Stale lock from a process that died (or our own pid reused): take it over.
      try {
        unlinkSync(lockPath);
      } catch {
        /* someone else took it over first; loop and see */
      }
    }
  }
  throw new ZpetlError('CHECKPOINT_LOCKED', `could not lock checkpoint database ${dbPath}`);
}

/** Applies every migration above the file's user_version, each in its own transaction. */
export function migrate(db: Db): void {
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
}

/** Opens (creating if needed) a checkpoint database. `:memory:` is allowed for tests. */
export function openCheckpointDb(path: string, options: OpenOptions = {}): CheckpointDb {
  const memory = path === ':memory:';
  let release = () => {};
  if (!memory) {
    mkdirSync(dirname(path), { recursive: true });
    if (options.lock !== false && !options.readonly) release = acquireLock(`${path}.lock`, path);
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across process crashes (SIGKILL) in WAL mode; only power loss can drop the tail.
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
  } catch (e) {
    release();
    if (e instanceof ZpetlError) throw e;
    throw new ZpetlError('CHECKPOINT_CORRUPT', `cannot open checkpoint database ${path}: ${(e as Error).message}`, { cause: e });
  }
  return {
    db,
    path,
    close() {
      if (db.open) db.close();
      release();
    },
  };
}
