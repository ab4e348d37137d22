/**
 * The single-process lock of the checkpoint database: a live owner refuses others, a dead owner's
 * lock is taken over, and two processes taking over the same dead owner's lock at the same instant
 * cannot both get it (check and take are one SQLite IMMEDIATE transaction).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { openCheckpointDb, type CheckpointDb } from '../../../src/checkpoint/db.js';
import { ZpetlError } from '../../../src/core/errors.js';
import { it } from '../../helpers/fixtures.js';

let dir: string;
let path: string;
const open: CheckpointDb[] = [];
it.beforeEach(({ tmp }) => {
  dir = tmp;
  path = join(dir, 'p.db');
});
// Before the fixture removes the folder.
it.afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

/** A pid that was alive a moment ago and is dead now (a finished child). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

/** A run killed with SIGKILL: its lock row and pid file stay behind. */
function leaveStaleLock(pid: number): void {
  const c = openCheckpointDb(path, { pid });
  c.db.close(); // no release: the process "died"
  expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(pid));
}

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof ZpetlError ? e.code : String(e);
  }
};

describe('checkpoint lock', () => {
  it('a live owner refuses a second process with a clear message; closing frees it', () => {
    const a = openCheckpointDb(path, { pid: process.ppid });
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.ppid));
    let err: ZpetlError | undefined;
    try {
      openCheckpointDb(path);
    } catch (e) {
      err = e as ZpetlError;
    }
    expect(err?.code).toBe('CHECKPOINT_LOCKED');
    expect(err?.message).toBe(`checkpoint database ${path} is in use by process ${process.ppid}`);
    expect(err?.hint).toMatch(/Another zpetl run/);
    a.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
    open.push(openCheckpointDb(path));
  });

  it('a dead owner\'s lock (SIGKILL) is taken over', () => {
    leaveStaleLock(deadPid());
    open.push(openCheckpointDb(path));
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
  });

  it('two processes taking over the same dead lock at the same instant: exactly one gets it', () => {
    leaveStaleLock(deadPid());
    // B tries while A is between reading the dead owner and writing itself: the interleaving in which
    // a check-then-unlink of a pid file let both win.
    let b: string | undefined = 'not tried';
    const a = openCheckpointDb(path, {
      pid: process.ppid,
      onLockRead: () => {
        b = codeOf(() => open.push(openCheckpointDb(path, { pid: process.pid, busyTimeoutMs: 50 })));
      },
    });
    open.push(a);
    expect(b).toBe('CHECKPOINT_LOCKED');
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.ppid));
    // And after A holds it, a late taker sees A alive.
    expect(codeOf(() => openCheckpointDb(path, { pid: process.pid }))).toBe('CHECKPOINT_LOCKED');
  });
});

describe('checkpoint lock within one process, and read-only opens', () => {
  it('a second open in the same process while the first is open is refused (two library runs at once); closing frees it', () => {
    const a = openCheckpointDb(path);
    open.push(a);
    expect(codeOf(() => open.push(openCheckpointDb(path)))).toBe('CHECKPOINT_LOCKED');
    // The refused open did not free the lock under the first: another process is still refused.
    expect(codeOf(() => open.push(openCheckpointDb(path, { pid: process.ppid })))).toBe('CHECKPOINT_LOCKED');
    a.close();
    open.push(openCheckpointDb(path));
  });

  it('our own pid left by a dead process (a container\'s pid 1 every run) or a handle closed without release is taken over', () => {
    leaveStaleLock(process.pid);
    open.push(openCheckpointDb(path));
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
  });

  it('the same file through another path spelling is the same lock', () => {
    open.push(openCheckpointDb(path));
    expect(codeOf(() => open.push(openCheckpointDb(join(dir, '.', 'p.db'))))).toBe('CHECKPOINT_LOCKED');
  });

  it('a read-only open (dry run, report) is neither blocked by a live owner nor blocks one; WAL stays on', () => {
    const owner = openCheckpointDb(path, { pid: process.ppid });
    open.push(owner);
    expect(owner.db.pragma('journal_mode', { simple: true })).toBe('wal');
    owner.db.exec('CREATE TABLE IF NOT EXISTS t (x INTEGER)');
    owner.db.prepare('INSERT INTO t VALUES (1)').run();
    const ro = openCheckpointDb(path, { readonly: true, lock: false });
    open.push(ro);
    expect(ro.db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    // The owner keeps writing while the reader is open, and the lock row is still the owner's.
    owner.db.prepare('INSERT INTO t VALUES (2)').run();
    expect(ro.db.prepare('SELECT pid FROM process_lock').pluck().get()).toBe(process.ppid);
    owner.close();
    // A new owner takes the lock while the read-only handle is still open.
    const next = openCheckpointDb(path);
    open.push(next);
    expect(next.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ro.db.prepare('SELECT pid FROM process_lock').pluck().get()).toBe(process.pid);
  });
});
