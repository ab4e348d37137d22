/**
 * Drives chaos-child.ts processes: start one, wait until its run has begun, then let it finish, kill it
 * (SIGKILL) or interrupt it (SIGINT) at a chosen instant.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScaledClock } from '../../src/core/clock.js';
import { executeRun, type RunEngineOptions } from '../../src/pipeline/run/run-engine.js';
import type { RunResult } from '../../src/pipeline/run-result.js';
import type { RunPlan } from '../../src/pipeline/run/run-plan.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { ChildConfig } from './chaos-child.js';
import { sandboxClientFactory } from './sandbox-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'chaos-child.ts');

export interface ChildRun {
  proc: ChildProcess;
  /** Resolves when the run inside has started (or the process ended first: false). */
  started: Promise<boolean>;
  /** With `waitForGo`: resolves when the child is ready to begin (or ended first: false); go() begins the run. */
  ready: Promise<boolean>;
  go(): void;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** The parsed RESULT line, when the run finished. */
  result(): ChildResult | undefined;
}

export interface ChildResult {
  exitCode: number;
  status: string;
  message: string;
  counts: Record<string, { read: number; created: number; updated: number; skipped: number; rejected: number; inDoubt: number }>;
  figures: { retries: number; reconciled: { found: number; notFound: number; unresolved: number }; endpoints: Record<string, { calls: number; rateLimited: number; retries: number; errors: number }> };
  runId: number | null;
}

export function startChild(config: ChildConfig): ChildRun {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ZPETL_CHAOS_CHILD: JSON.stringify(config) },
    stdio: [config.waitForGo ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let resolveStarted: (v: boolean) => void = () => {};
  const started = new Promise<boolean>((r) => (resolveStarted = r));
  let resolveReady: (v: boolean) => void = () => {};
  const ready = new Promise<boolean>((r) => (resolveReady = r));
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('READY\n')) resolveReady(true);
    if (out.includes('STARTED\n')) resolveStarted(true);
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => {
      resolveStarted(false);
      resolveReady(false);
      resolve({ code, signal });
    });
  });
  return {
    proc,
    started,
    ready,
    go: () => proc.stdin?.write('GO\n'),
    exited,
    stdout: () => out,
    stderr: () => err,
    result() {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      return line ? (JSON.parse(line.slice(7)) as ChildResult) : undefined;
    },
  };
}

/** A small seeded PRNG (mulberry32) so a failing chaos run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs children until one finishes with an exit code in `done` (a fatal exit, e.g. a revoked token,
 * is followed by another run, as an operator or a scheduler would). Returns the last result and
 * how many runs it took.
 */
export async function runToCompletion(config: ChildConfig, maxRuns = 10, done: number[] = [0, 3]): Promise<{ result: ChildResult; runs: number; exits: number[]; messages: string[] }> {
  const exits: number[] = [];
  const messages: string[] = [];
  for (let i = 1; i <= maxRuns; i++) {
    const c = startChild(config);
    const { code } = await c.exited;
    exits.push(code ?? -1);
    const r = c.result();
    messages.push(r?.message ?? c.stderr().slice(-500));
    if (code !== null && done.includes(code) && r) return { result: r, runs: i, exits, messages };
    if (code !== 1) throw new Error(`chaos child exited ${code}: ${c.stderr().slice(-2000)} ${c.stdout().slice(-2000)}`);
  }
  throw new Error(`migration did not complete in ${maxRuns} runs (exits ${exits.join(',')}): ${messages.join(' | ')}`);
}

/**
 * What a (dead) child left in its checkpoint: crosswalk entries, records still 'sent' / 'in-doubt' (by
 * step), and the steps of the latest run not done yet (in the order the run created them).
 */
export function checkpointSnapshot(dbPath: string): { crosswalk: number; sent: number; sentBySteps: Record<string, number>; stepsNotDone: string[] } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const crosswalk = (db.prepare('SELECT count(*) AS n FROM crosswalk').get() as { n: number }).n;
    const rows = db.prepare("SELECT step, count(*) AS n FROM records WHERE state IN ('sent', 'in-doubt') GROUP BY step").all() as { step: string; n: number }[];
    const sentBySteps = Object.fromEntries(rows.map((r) => [r.step, r.n]));
    const stepsNotDone = (
      db.prepare("SELECT name FROM steps WHERE run_id = (SELECT max(id) FROM runs) AND status <> 'done' ORDER BY rowid").all() as { name: string }[]
    ).map((r) => r.name);
    return { crosswalk, sent: rows.reduce((n, r) => n + r.n, 0), sentBySteps, stepsNotDone };
  } finally {
    db.close();
  }
}

export interface KillWindowInput {
  /** The window the last kill was drawn from, and the progress rate seen so far (records per ms). */
  windowMs: number;
  rate: number | undefined;
  /** The last life: its length (ms from the run's start to the kill) and the records it settled. */
  delayMs: number;
  advanced: number;
  /** Records not settled yet, and kills still to land. */
  remaining: number;
  killsLeft: number;
  minMs: number;
  maxMs: number;
}

/**
 * The window for the next kill: a life of mean length (window / 2) should settle about
 * remaining / (killsLeft + 2) records, so every planned kill lands before the migration ends however
 * fast the machine is, and the kills spread over every step (the time logs too), not only the first. The rate is smoothed over lives (lives that settle nothing, spent in start-up
 * and reconciliation, still count: they slow the estimate down).
 */
export function nextKillWindow(k: KillWindowInput): { windowMs: number; rate: number | undefined } {
  let rate = k.rate;
  if (k.delayMs > 0) {
    const seen = Math.max(0, k.advanced) / k.delayMs;
    rate = rate === undefined ? seen : 0.5 * rate + 0.5 * seen;
  }
  if (k.killsLeft <= 0) return { windowMs: k.windowMs, rate };
  // A life that settled nothing (killed during start-up or reconciliation): give the next one longer.
  if (k.advanced <= 0 || rate === undefined || rate <= 0) return { windowMs: Math.round(Math.min(k.maxMs, k.windowMs * 1.5)), rate };
  const perLife = k.remaining / (k.killsLeft + 2);
  const windowMs = Math.round(Math.min(k.maxMs, Math.max(k.minMs, (2 * perLife) / rate)));
  return { windowMs, rate };
}

/** Crosswalk entries in a checkpoint a child may be writing (undefined while it cannot be read). */
function crosswalkCount(dbPath: string): number | undefined {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true, timeout: 50 });
    try {
      return (db.prepare('SELECT count(*) AS n FROM crosswalk').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Waits `ms` before a kill, or less: as soon as the checkpoint holds `crosswalkCap` entries (polled
 * every `pollMs`), or the child ends. The cap keeps one life from finishing the migration, so every
 * planned kill lands whatever the machine's speed; the instant stays unrelated to any request.
 */
export async function waitForKill(ms: number, dbPath: string, crosswalkCap: number, alive: () => boolean, pollMs = 20): Promise<'time' | 'progress' | 'exited'> {
  const end = Date.now() + ms;
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) return 'time';
    if (!alive()) return 'exited';
    await sleep(Math.min(pollMs, left));
    const n = crosswalkCount(dbPath);
    if (n !== undefined && n >= crosswalkCap) return 'progress';
  }
}


export interface LivesInput {
  sandbox: Sandbox;
  /** The sandbox's time scale (each life's clock runs at it). */
  timeScale: number;
  plan: () => RunPlan;
  dbPath: string;
  /** Each life is stopped this long after it began, virtual ms on the sandbox's clock. */
  lifeMs: number;
  maxLives: number;
  /** Client per-attempt timeout, real ms. */
  timeoutMs: number;
  engine?: Pick<RunEngineOptions, 'inDoubtSettleMs' | 'settleWaits'>;
}

export interface LifeRecord {
  exitCode: number;
  /** Records left 'sent' / 'in-doubt' in the checkpoint when the life ended. */
  leftInDoubt: number;
}

/**
 * In-process restarts: runs the plan again and again, each life on a clock at the sandbox's time scale
 * from the sandbox's virtual now, stopped (its AbortSignal, as a supervisor's stop would) `lifeMs`
 * virtual ms after it began, until a life exits 0 or `maxLives` have run. Returns every life.
 */
export async function runLives(k: LivesInput): Promise<{ lives: LifeRecord[]; last: RunResult }> {
  const lives: LifeRecord[] = [];
  for (let i = 0; ; i++) {
    const clock = createScaledClock(k.timeScale, k.sandbox.clock.now());
    const stop = new AbortController();
    const timer = new AbortController();
    clock.sleep(k.lifeMs, timer.signal).then(
      () => stop.abort(),
      () => {},
    );
    const client = sandboxClientFactory(k.sandbox, { clock, timeoutMs: k.timeoutMs, backoffBaseMs: 1000, maxRetries: 0 });
    const last = await executeRun(k.plan(), { dbPath: k.dbPath, clock, client, signal: stop.signal, ...k.engine });
    timer.abort();
    lives.push({ exitCode: last.exitCode, leftInDoubt: checkpointSnapshot(k.dbPath).sent });
    if (last.exitCode === 0 || i + 1 >= k.maxLives) return { lives, last };
  }
}
