import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import Database from 'better-sqlite3';
import { createScaledClock, systemClock, type Clock } from '../../src/core/clock.js';
import { executeRun } from '../../src/pipeline/run/run-engine.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { sandboxClientFactory } from '../helpers/sandbox-client.js';
import { generateMigration, migrationPlan } from '../helpers/synthetic-plan.js';
import { verifyMigration } from '../helpers/verify-migration.js';

it.override({ sandboxOptions: { seed: 'empty' } });
let sandbox: Sandbox;
let dir: string;

it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

const clientFor = (s: Sandbox) => sandboxClientFactory(s);

describe('a real run (engine + store + loaders + client + sandbox)', () => {
  it('loads a multi-step migration exactly once, with counts that reconcile', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), { users: 6, tasklists: 3, tasks: 30, subtaskEvery: 3, timelogs: 20, badRows: 1 });
    const events: PipelineEvent[] = [];
    const dbPath = join(dir, 'cp.db');
    const res = await executeRun(migrationPlan(files), { dbPath, clock: systemClock, client: clientFor(sandbox), onEvent: (e) => events.push(e) });
    expect(res.message).toMatch(/done/);
    expect(res.exitCode).toBe(3); // the deliberately bad rows
    expect(res.status).toBe('rejects');
    const v = verifyMigration(sandbox, dbPath, expected);
    expect(v).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
    for (const [step, c] of Object.entries(res.counts)) {
      expect(c.read, step).toBe(c.created + c.updated + c.skipped + c.rejected + c.inDoubt);
      expect(c.inDoubt, step).toBe(0);
    }
    expect(res.counts.tasks).toMatchObject({ created: 30, rejected: 1 });
    expect(res.counts.timelogs).toMatchObject({ created: 20, rejected: 1 });
    const readTotal = Object.values(res.counts).reduce((n, c) => n + c.read, 0);
    expect(readTotal).toBe(expected.total);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', exitCode: 3 });
    expect(res.figures.endpoints['POST /projects/{project}/tasks']?.calls).toBeGreaterThanOrEqual(40);

    // A second run creates nothing: every key is in the crosswalk.
    const again = await executeRun(migrationPlan(files), { dbPath, clock: systemClock, client: clientFor(sandbox) });
    expect(again.counts.tasks).toMatchObject({ created: 0, skipped: 30, rejected: 1 });
    expect(verifyMigration(sandbox, dbPath, expected).duplicates).toEqual([]);
  });

  it('stops at the reject limit with exit 3 and RUN_REJECT_LIMIT, leaving later steps unstarted', async () => {
    const { files } = generateMigration(join(dir, 'src'), { users: 2, tasklists: 2, tasks: 40, subtaskEvery: 10, timelogs: 10, badRows: 3 });
    const dbPath = join(dir, 'cp.db');
    const res = await executeRun(migrationPlan(files, { rejectLimits: { count: 2 } }), { dbPath, clock: systemClock, client: clientFor(sandbox) });
    expect(res.exitCode).toBe(3);
    expect(res.status).toBe('rejects');
    expect(res.error?.code).toBe('RUN_REJECT_LIMIT');
    expect(res.message).toMatch(/3 rows rejected, over the limit of 2/);
    expect(res.counts.tasks!.rejected).toBe(3);
    expect(res.counts.timelogs!.read).toBe(0);
    // a ratio limit: 3 bad of 43 task rows is 7%, over 5% once 20 rows are read
    const ratio = await executeRun(migrationPlan(files, { pipeline: 'ratio', rejectLimits: { ratio: 0.05, minRows: 20 } }), { dbPath: join(dir, 'r.db'), clock: systemClock, client: clientFor(sandbox) });
    expect(ratio.error?.code).toBe('RUN_REJECT_LIMIT');
  });
});

describe('a late commit during a real run', () => {
  it('SIGINT during the settle wait stops promptly (exit 130, step interrupted, nothing re-sent); the resume finds the late create', async () => {
    const scaled = await createSandbox({ port: 0, seed: 'empty', timeScale: 100 });
    try {
      const { files, expected } = generateMigration(join(dir, 'late-int'), { users: 2, tasklists: 2, tasks: 12, subtaskEvery: 4, timelogs: 4 });
      const base = createScaledClock(100, scaled.clock.now());
      const ac = new AbortController();
      // The settle wait is the only sleep of an hour: the stop request lands while it sleeps.
      let settleWaits = 0;
      const clock: Clock = {
        now: () => base.now(),
        sleep: (ms, signal) => {
          if (ms >= 1_000_000) {
            settleWaits++;
            setTimeout(() => ac.abort(), 50);
          }
          return base.sleep(ms, signal);
        },
      };
      scaled.admin.setFaults([{ id: 'late', kind: 'late-commit', endpoint: 'POST /projects/{project}/tasks', nth: 5, delayMs: 600 }]);
      const dbPath = join(dir, 'late-int.db');
      const started = Date.now();
      const res = await executeRun(migrationPlan(files, { batchSize: 4 }), {
        dbPath,
        clock,
        client: sandboxClientFactory(scaled, { clock, timeoutMs: 200, backoffBaseMs: 1000 }),
        // An hour of virtual time (36 real seconds): without the abort the test would time out.
        inDoubtSettleMs: 3_600_000,
        signal: ac.signal,
      });
      expect(settleWaits).toBe(1);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(res.exitCode).toBe(130);
      expect(res.status).toBe('interrupted');
      expect(res.counts.tasks).toMatchObject({ inDoubt: 1 });
      const db = new Database(dbPath, { readonly: true });
      try {
        expect(db.prepare("SELECT status FROM steps WHERE name = 'tasks' ORDER BY run_id DESC LIMIT 1").pluck().get()).toBe('interrupted');
        expect(db.prepare("SELECT count(*) FROM records WHERE step = 'tasks' AND state = 'in-doubt' AND sent_ms IS NOT NULL").pluck().get()).toBe(1);
      } finally {
        db.close();
      }
      // The late create lands (600 real ms after it was sent); the resume finds it and sends nothing twice.
      await new Promise((r) => setTimeout(r, 700));
      const again = await executeRun(migrationPlan(files, { batchSize: 4 }), {
        dbPath,
        clock: base,
        client: sandboxClientFactory(scaled, { clock: base, timeoutMs: 2000 }),
        inDoubtSettleMs: 150_000,
      });
      expect(again.exitCode).toBe(0);
      expect(verifyMigration(scaled, dbPath, expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
      expect(scaled.admin.counters().endpoints['POST /projects/{project}/tasks']!.calls).toBe(expected.tasks + expected.subtasks);
    } finally {
      await scaled.close();
    }
  });
  it('a clock stepped back after the send never stalls the settle wait: each wait is at most one settle time, then the record stays in doubt', async () => {
    const scaled = await createSandbox({ port: 0, seed: 'empty', timeScale: 100 });
    try {
      const { files } = generateMigration(join(dir, 'late-back'), { users: 2, tasklists: 2, tasks: 12, subtaskEvery: 4, timelogs: 4 });
      const base = createScaledClock(100, scaled.clock.now());
      // Once the step settles, our clock reads an hour earlier (an NTP step): the in-doubt record looks an hour younger.
      let shiftMs = 0;
      const clock: Clock = { now: () => base.now() - shiftMs, sleep: (ms, signal) => base.sleep(ms, signal) };
      // Committed 5 real seconds late: still absent while the step settles.
      scaled.admin.setFaults([{ id: 'late', kind: 'late-commit', endpoint: 'POST /projects/{project}/tasks', nth: 5, delayMs: 5000 }]);
      const started = Date.now();
      const res = await executeRun(migrationPlan(files, { batchSize: 4 }), {
        dbPath: join(dir, 'late-back.db'),
        clock,
        client: sandboxClientFactory(scaled, { clock, timeoutMs: 200, backoffBaseMs: 1000 }),
        inDoubtSettleMs: 50_000,
        settleWaits: 2,
        onEvent: (e) => {
          if (e.type === 'step-state' && e.step === 'tasks' && e.state.kind === 'reconciling') shiftMs = 3_600_000;
        },
      });
      // Uncapped, the first wait alone would be an hour of virtual time (36 real seconds).
      expect(Date.now() - started).toBeLessThan(15_000);
      // Never judged absent while it looks young: not re-sent, left in doubt for the next run.
      expect(res.counts.tasks).toMatchObject({ inDoubt: 1 });
      expect(res.exitCode).toBe(1);
    } finally {
      await scaled.close();
    }
  });
  it.each([
    ['ISO UTC (the default, as every real V3 dump)', {}],
    ['the portal\'s local time without an offset (UTC-8)', { createdTimeForm: 'local' as const, portalUtcOffsetMin: -480 }],
    ['the portal\'s local time without an offset (UTC+14)', { createdTimeForm: 'local' as const, portalUtcOffsetMin: 840 }],
    ['ISO with an offset (+05:30)', { createdTimeForm: 'iso-offset' as const, portalUtcOffsetMin: 330 }],
    ['epoch ms digits', { createdTimeForm: 'epoch-ms' as const }],
  ])('a late create whose created_time is %s is waited for at the end of the step, found, and never sent twice', async (_label, config) => {
    // Virtual time at 100×: the settle wait of 150 virtual seconds is 1.5 real seconds.
    const scaled = await createSandbox({ port: 0, seed: 'empty', timeScale: 100, config });
    try {
      const { files, expected } = generateMigration(join(dir, 'late-tz'), { users: 2, tasklists: 2, tasks: 12, subtaskEvery: 4, timelogs: 4 });
      const clock = createScaledClock(100, scaled.clock.now());
      // The 5th task create is held 600 real ms, then committed; the client gives up after 200 ms.
      scaled.admin.setFaults([{ id: 'late', kind: 'late-commit', endpoint: 'POST /projects/{project}/tasks', nth: 5, delayMs: 600 }]);
      const dbPath = join(dir, 'late-tz.db');
      const res = await executeRun(migrationPlan(files, { batchSize: 4 }), {
        dbPath,
        clock,
        client: sandboxClientFactory(scaled, { clock, timeoutMs: 200, backoffBaseMs: 1000 }),
        inDoubtSettleMs: 150_000,
      });
      expect(scaled.admin.faults().find((f) => f.id === 'late')?.fired).toBe(1);
      expect(res.exitCode).toBe(0);
      expect(verifyMigration(scaled, dbPath, expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
      // One create call per task: the late one was neither retried by the client nor re-sent by the step.
      expect(scaled.admin.counters().endpoints['POST /projects/{project}/tasks']!.calls).toBe(expected.tasks + expected.subtasks);
      expect(res.figures.reconciled).toMatchObject({ found: 1, notFound: 0 });
      expect(res.counts.tasks).toMatchObject({ inDoubt: 0 });
    } finally {
      await scaled.close();
    }
  });
});
