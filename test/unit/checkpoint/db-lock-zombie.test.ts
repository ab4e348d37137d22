/**
 * A lock left by a killed process its parent has not reaped yet (a zombie) is stale: kill(pid, 0)
 * still succeeds for it, so the lock reads the process state in /proc (src/checkpoint/db.ts pidAlive).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { openCheckpointDb, pidAlive, procState, type CheckpointDb } from '../../../src/checkpoint/db.js';
import { ZpetlError } from '../../../src/core/errors.js';
import { it } from '../../helpers/fixtures.js';

let dir: string;
let path: string;
const open: CheckpointDb[] = [];
let parent: ChildProcess | undefined;
it.beforeEach(({ tmp }) => {
  dir = tmp;
  path = join(dir, 'p.db');
});
// Before the fixture removes the folder.
it.afterEach(() => {
  for (const c of open.splice(0)) c.close();
  parent?.kill('SIGKILL');
  parent = undefined;
});

/**
 * A zombie, deterministically: sh backgrounds `sleep 0`, prints its pid and execs `sleep 30`, which
 * never waits for children, so the exited `sleep 0` stays a zombie until `sleep 30` is killed.
 */
async function zombiePid(): Promise<number> {
  const child = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  parent = child;
  const pid = await new Promise<number>((res, rej) => {
    child.stdout!.once('data', (d: Buffer) => res(Number(d.toString().trim())));
    child.once('error', rej);
  });
  // `sleep 0` exits at once; wait (bounded) until the kernel shows it as a zombie.
  for (let i = 0; i < 200 && procState(pid) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
  return pid;
}

const hasProc = existsSync('/proc/self/stat');

describe('checkpoint lock and zombie owners', () => {
  it.runIf(hasProc)("a zombie owner's lock is taken over: kill(pid, 0) alone calls it alive", async () => {
    const z = await zombiePid();
    expect(procState(z)).toBe('Z');
    // What the lock used to ask: the zombie answers the signal probe.
    expect(() => process.kill(z, 0)).not.toThrow();
    expect(pidAlive(z)).toBe(false);
    const stale = openCheckpointDb(path, { pid: z });
    stale.db.close(); // killed: no release, the row and pid file stay
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(z));
    open.push(openCheckpointDb(path));
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
  });

  it.runIf(hasProc)("a live owner's lock is still refused (its state is S or R, not Z)", () => {
    const live = process.ppid;
    expect(['Z', 'X', 'x']).not.toContain(procState(live));
    expect(pidAlive(live)).toBe(true);
    open.push(openCheckpointDb(path, { pid: live }));
    let err: unknown;
    try {
      openCheckpointDb(path);
    } catch (e) {
      err = e;
    }
    expect((err as ZpetlError).code).toBe('CHECKPOINT_LOCKED');
  });

  it('reads the state after the LAST ")": a command name may hold spaces and parentheses', () => {
    const root = join(dir, 'proc');
    const stat = (pid: number, text: string) => {
      mkdirSync(join(root, String(pid)), { recursive: true });
      writeFileSync(join(root, String(pid), 'stat'), text);
    };
    stat(11, '11 (we(ird) Z) name) Z 1 11 11 0 -1 4194560');
    stat(12, '12 (sleep) S 1 12 12 0 -1');
    stat(13, 'garbage without parens');
    expect(procState(11, root)).toBe('Z');
    expect(procState(12, root)).toBe('S');
    expect(procState(13, root)).toBeUndefined();
    // no such process (or no /proc at all: macOS) → undefined, and pidAlive falls back to kill(pid, 0)
    expect(procState(14, root)).toBeUndefined();
  });
});
