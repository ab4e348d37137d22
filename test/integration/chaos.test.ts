/**
 * Chaos: a multi-step migration (users, task lists, tasks with subtasks, time logs) in a child process,
 * SIGKILLed at random instants and resumed each time; then the same migration under a fault profile.
 * The sandbox lives in this (parent) process, on port 0 with a file database, so nothing it holds dies
 * with the child. Afterwards the sandbox's admin API must show exactly the expected entities.
 *
 * `npm run test:chaos` (ZPETL_CHAOS=full): ≥ 2,000 records and ≥ 30 kills. Otherwise (npm test) a
 * ~200-record slice with 5 kills. Figures are printed for the closing note.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/model.js';
import { createSandbox, type FaultSpec, type Sandbox } from '../../src/sandbox/index.js';
import type { ChildConfig } from './helpers/chaos-child.js';
import { prng, runToCompletion, sleep, startChild } from './helpers/chaos-harness.js';
import { generateMigration, type MigrationSize } from './helpers/synthetic-plan.js';
import { verifyMigration } from './helpers/verify-migration.js';

const FULL = process.env.ZPETL_CHAOS === 'full';
const SIZE: MigrationSize = FULL
  ? { users: 40, tasklists: 20, tasks: 1000, subtaskEvery: 3, timelogs: 640 }
  : { users: 8, tasklists: 4, tasks: 100, subtaskEvery: 4, timelogs: 60 };
const KILLS = FULL ? 32 : 5;
/** Each kill lands at a random instant this many ms (real) after the run inside the child began. */
const KILL_WITHIN_MS = FULL ? 600 : 200;
const SEED = Number(process.env.ZPETL_CHAOS_SEED ?? 20261128);
/** Virtual time runs this much faster: the 2-minute window is 1.2 s, a 10-minute lock-out 6 s. */
const TIME_SCALE = 100;
const CLIENT_TIMEOUT_MS = 1500;

let sandbox: Sandbox;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zpetl-chaos-'));
  sandbox = await createSandbox({ port: 0, seed: 'empty', db: join(dir, 'sandbox.db'), timeScale: TIME_SCALE });
});
afterEach(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function childConfig(files: Record<string, string>): ChildConfig {
  // The generated pipeline.yaml over CSVs, as a user would run it (lookups by name and by key).
  return {
    sandbox: { env: sandbox.env },
    files,
    dbPath: join(dir, 'checkpoint.db'),
    timeScale: TIME_SCALE,
    timeoutMs: CLIENT_TIMEOUT_MS,
    batchSize: 25,
    viaPipelineFile: true,
    reportDir: join(dir, 'report'),
  };
}

/** The final run's report.json: counts per step reconcile and add up to every record of the migration. */
function checkReport(cfg: ChildConfig, total: number): RunReport {
  const report = JSON.parse(readFileSync(join(cfg.reportDir!, 'report.json'), 'utf8')) as RunReport;
  expect(report.kind).toBe('run');
  for (const s of report.steps) expect(s.counts.read, s.name).toBe(s.counts.created + s.counts.updated + s.counts.skipped + s.counts.rejected + s.counts.inDoubt);
  expect(report.totals.read).toBe(total);
  expect(report.totals.inDoubt).toBe(0);
  return report;
}

const apiFigures = (r: RunReport) => {
  const eps = Object.values(r.api ?? {});
  return `calls ${eps.reduce((n, e) => n + e.calls, 0)}, 429s ${eps.reduce((n, e) => n + e.rateLimited, 0)}, retries ${r.retries}, errors ${eps.reduce((n, e) => n + e.errors, 0)}`;
};

describe(`chaos (${FULL ? 'full' : 'slice'})`, () => {
  it(
    `survives ${KILLS} SIGKILLs at random instants: exactly the expected entities, crosswalk agrees`,
    async () => {
      const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
      const cfg = childConfig(files);
      const rand = prng(SEED);
      let killed = 0;
      let finishedEarly = false;
      for (let i = 0; i < KILLS; i++) {
        const child = startChild(cfg);
        if (!(await child.started)) {
          const { code } = await child.exited;
          throw new Error(`child ended before starting (exit ${code}): ${child.stderr().slice(-2000)}`);
        }
        // An instant anywhere in the next stretch of work: before, during or after a request or a commit.
        await sleep(Math.floor(rand() * KILL_WITHIN_MS));
        if (child.proc.exitCode === null && child.proc.signalCode === null) {
          child.proc.kill('SIGKILL');
          const { signal } = await child.exited;
          if (signal === 'SIGKILL') killed++;
        } else {
          finishedEarly = true;
          break;
        }
      }
      const { result, runs } = await runToCompletion(cfg);
      const v = verifyMigration(sandbox, cfg.dbPath, expected);
      const counters = sandbox.admin.counters();
      const report = checkReport(cfg, expected.total);
      const creates = Object.entries(counters.endpoints)
        .filter(([k]) => k.startsWith('POST') && !k.includes('/oauth/'))
        .reduce((n, [, c]) => n + c.ok, 0);
      console.log(
        `[chaos figures] kills survived: ${killed} of ${KILLS} (finished early: ${finishedEarly}); final runs: ${runs}; records: ${expected.total}; ` +
          `duplicates: ${v.duplicates.length}; missing: ${v.missing.length}; extra: ${v.extra.length}; crosswalk mismatches: ${v.crosswalkMismatches.length}; ` +
          `successful POSTs on the sandbox: ${creates}; reconciled in the last run: ${JSON.stringify(result.figures.reconciled)}; last run's report: ${apiFigures(report)}; seed ${SEED}`,
      );
      expect(v.duplicates).toEqual([]);
      expect(v.missing).toEqual([]);
      expect(v.extra).toEqual([]);
      expect(v.crosswalkMismatches).toEqual([]);
      expect(killed).toBeGreaterThanOrEqual(FULL ? 30 : 3);
      expect(result.exitCode).toBe(0);
      for (const c of Object.values(result.counts)) {
        expect(c.read).toBe(c.created + c.updated + c.skipped + c.rejected + c.inDoubt);
        expect(c.inDoubt).toBe(0);
      }
      // Across all the runs of this one logical run, every record was read and settled once.
      const read = Object.values(result.counts).reduce((n, c) => n + c.read, 0);
      expect(read).toBe(expected.total);
    },
    FULL ? 900_000 : 60_000,
  );

  it(
    'completes under faults (500/503, resets incl. after commit, slow answers, revoked token, lock-out) with exactly the expected result',
    async () => {
      const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
      const cfg = childConfig(files);
      // Scripted faults first: the sandbox applies one fault per request, the first that fires.
      const faults: FaultSpec[] = [
        { id: 'lockout', kind: 'lockout', endpoint: 'POST /projects/{project}/tasks', nth: FULL ? 400 : 40, lockoutS: 600 },
        { id: 'revoke', kind: 'revoke', nth: FULL ? 900 : 150, refreshTokens: true, restoreAfterMs: 30_000 },
        { id: '500', kind: 'status', status: 500, probability: 0.025 },
        { id: '503', kind: 'status', status: 503, probability: 0.025 },
        { id: 'reset-before', kind: 'reset-before', probability: 0.01 },
        { id: 'reset-after', kind: 'reset-after', probability: 0.01 },
        { id: 'slow', kind: 'slow', probability: 0.01, delayMs: CLIENT_TIMEOUT_MS + 500 },
      ];
      sandbox.admin.setFaults(faults);
      const { result, runs, exits } = await runToCompletion(cfg, 10);
      const fired = Object.fromEntries(sandbox.admin.faults().map((f) => [f.id ?? f.kind, f.fired]));
      const v = verifyMigration(sandbox, cfg.dbPath, expected);
      const rateLimited = Object.values(sandbox.admin.counters().endpoints).reduce((n, c) => n + c.rateLimited, 0);
      const report = checkReport(cfg, expected.total);
      console.log(
        `[chaos figures] faults met: ${JSON.stringify(fired)}; 429/throttled answers: ${rateLimited}; runs: ${runs} (exits ${exits.join(',')}); ` +
          `duplicates: ${v.duplicates.length}; missing: ${v.missing.length}; extra: ${v.extra.length}; crosswalk mismatches: ${v.crosswalkMismatches.length}; ` +
          `reconciled in the last run: ${JSON.stringify(result.figures.reconciled)}; last run's report: ${apiFigures(report)}, in-doubt reconciled ${report.inDoubtReconciled}; seed ${SEED}`,
      );
      expect(v.duplicates).toEqual([]);
      expect(v.missing).toEqual([]);
      expect(v.extra).toEqual([]);
      expect(v.crosswalkMismatches).toEqual([]);
      expect(result.exitCode).toBe(0);
      for (const c of Object.values(result.counts)) expect(c.read).toBe(c.created + c.updated + c.skipped + c.rejected + c.inDoubt);
      expect(Object.values(result.counts).reduce((n, c) => n + c.read, 0)).toBe(expected.total);
      // every kind of fault was really met
      for (const id of ['500', '503', 'reset-after', 'revoke', 'lockout']) expect(fired[id], id).toBeGreaterThan(0);
    },
    FULL ? 900_000 : 60_000,
  );
});
