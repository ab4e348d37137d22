/**
 * Stopping and refusing: SIGINT → 130 → resume completes; a second process on the same checkpoint
 * refuses; a changed source is refused on resume unless allowed.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createScaledClock, systemClock } from '../../src/core/clock.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { loadPipeline } from '../../src/pipeline/file/load-pipeline.js';
import { buildRunPlan } from '../../src/pipeline/run/run-build-plan.js';
import { executeRun } from '../../src/pipeline/run/run-engine.js';
import type { PrepareContext, RunPlan } from '../../src/pipeline/run/run-plan.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { ChildConfig } from '../helpers/chaos-child.js';
import { runToCompletion, sleep, startChild } from '../helpers/chaos-harness.js';
import { sandboxClientFactory } from '../helpers/sandbox-client.js';
import { generateMigration, migrationPlan } from '../helpers/synthetic-plan.js';
import { verifyMigration } from '../helpers/verify-migration.js';

it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  dir = tmp;
  sandbox = s;
});

const SIZE = { users: 4, tasklists: 2, tasks: 60, subtaskEvery: 4, timelogs: 20 };

/** Runs `plan` in-process and aborts it (as Ctrl-C would) once its tasks step has read 20 records. */
function runStoppedInTasks(plan: RunPlan, dbPath: string) {
  const ac = new AbortController();
  const onEvent = (e: PipelineEvent) => {
    if (e.type === 'step-progress' && e.step === 'tasks' && e.counts.read >= 20) ac.abort();
  };
  return executeRun(plan, { dbPath, clock: systemClock, client: sandboxClientFactory(sandbox), signal: ac.signal, onEvent });
}

describe('stopping', () => {
  it('SIGINT stops new work, checkpoints, exits 130 saying how to resume; resume completes exactly once', async () => {
    // More tasks than one endpoint's 200-call budget, so the run is still paced (seconds of real time at
    // scale 100) when the signal lands, however fast or loaded the machine is.
    const { files, expected } = generateMigration(join(dir, 'src'), { ...SIZE, tasks: 240 });
    const cfg: ChildConfig = { sandbox: { env: sandbox.env }, files, dbPath: join(dir, 'cp.db'), timeScale: 100, timeoutMs: 5000, batchSize: 10 };
    const child = startChild(cfg);
    expect(await child.started).toBe(true);
    // let some task batches land (not a fixed sleep: on a loaded machine that raced the run), then interrupt as Ctrl-C would
    for (let waited = 0; !/^PROGRESS tasks \d+$/m.test(child.stdout()); waited += 20) {
      if (waited > 60_000 || child.proc.exitCode !== null) throw new Error(`no task progress before the signal: ${child.stdout()}${child.stderr()}`);
      await sleep(20);
    }
    child.proc.kill('SIGINT');
    const { code } = await child.exited;
    expect(code).toBe(130);
    const r = child.result()!;
    expect(r.status).toBe('interrupted');
    expect(r.message).toMatch(/zpetl resume chaos/);
    // nothing left in flight: every request that was sent got recorded
    for (const c of Object.values(r.counts)) expect(c.inDoubt).toBe(0);
    const { result } = await runToCompletion(cfg);
    expect(result.exitCode).toBe(0);
    expect(verifyMigration(sandbox, cfg.dbPath, expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
    expect(Object.values(result.counts).reduce((n, c) => n + c.read, 0)).toBe(expected.total);
  });

  it('an AbortSignal in-process gives 130, and `resume` continues the same run', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    const dbPath = join(dir, 'cp.db');
    const first = await runStoppedInTasks(migrationPlan(files, { batchSize: 10 }), dbPath);
    expect(first.exitCode).toBe(130);
    expect(first.counts.tasks!.read).toBeLessThan(60);
    const second = await executeRun(migrationPlan(files, { batchSize: 10 }), { dbPath, clock: systemClock, client: sandboxClientFactory(sandbox), resume: true });
    expect(second.exitCode).toBe(0);
    expect(second.runId).toBe(first.runId);
    expect(second.counts.tasks).toMatchObject({ read: 60, created: 60 });
    expect(verifyMigration(sandbox, dbPath, expected).duplicates).toEqual([]);
    // nothing left to resume
    const third = await executeRun(migrationPlan(files), { dbPath, clock: systemClock, client: sandboxClientFactory(sandbox), resume: true });
    expect(third.error?.code).toBe('RUN_NOTHING_TO_RESUME');
  });
});

describe('resuming', () => {
  it('seeks a CSV source to the byte offset of the first unfinished record instead of re-reading it', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    const dbPath = join(dir, 'cp.db');
    const plan = (): RunPlan => {
      const { config, baseDir } = loadPipeline(files.pipeline!);
      return buildRunPlan(config, baseDir, files.pipeline);
    };
    const first = await runStoppedInTasks(plan(), dbPath);
    expect(first.exitCode).toBe(130);
    const doneBefore = first.counts.tasks!.read;
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(60);

    // The resumed run's tasks step: where it was told to start, and what it read.
    const resumed = plan();
    let startAt: PrepareContext['startAt'];
    const indexes: number[] = [];
    for (const step of resumed.groups.flat()) {
      if (step.name !== 'tasks') continue;
      const prepare = step.prepare.bind(step);
      step.prepare = async function* (ctx) {
        startAt = ctx.startAt;
        for await (const item of prepare(ctx)) {
          indexes.push(item.pos.index);
          yield item;
        }
      };
    }
    const second = await executeRun(resumed, { dbPath, clock: systemClock, client: sandboxClientFactory(sandbox), resume: true });
    expect(second.exitCode).toBe(0);
    expect(startAt?.byteOffset).toBeGreaterThan(0);
    // The offset is the start of the CSV line of the first unfinished row (row i has key Ti), and
    // reading begins there: the rows before it are not parsed again.
    const csv = readFileSync(join(dir, 'src', 'tasks.csv'));
    expect(csv.subarray(startAt!.byteOffset!, startAt!.byteOffset! + 8).toString()).toMatch(new RegExp(`^T${startAt!.index},`));
    expect(csv[startAt!.byteOffset! - 1]).toBe(0x0a);
    expect(startAt!.index).toBeGreaterThan(0);
    expect(indexes[0]).toBe(startAt!.index);
    expect(indexes.length).toBe(60 - startAt!.index);
    expect(second.counts.tasks).toMatchObject({ read: 60, created: 60 });
    expect(verifyMigration(sandbox, dbPath, expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
  });
});

describe('stopping while an endpoint is locked', () => {
  it('does not wait out a 10-minute lock: after the grace the waiting create is cut, 130, and resume settles it', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    const dbPath = join(dir, 'cp.db');
    const ac = new AbortController();
    let locked = false;
    const onEvent = (e: PipelineEvent) => {
      if (e.type === 'step-start' && e.step === 'tasks' && !locked) {
        locked = true;
        sandbox.admin.lockout('POST /projects/{project}/tasks', 600);
      }
      if (e.type === 'step-state' && e.state.kind === 'rate-limited') ac.abort();
    };
    const t0 = Date.now();
    const first = await executeRun(migrationPlan(files, { batchSize: 10 }), {
      dbPath,
      clock: systemClock,
      client: sandboxClientFactory(sandbox),
      signal: ac.signal,
      onEvent,
      stopGraceMs: 300,
    });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(first.exitCode).toBe(130);
    expect(first.counts.tasks!.created).toBe(0);
    // eleven minutes later (for the sandbox's lock and the client's persisted budget alike)
    sandbox.admin.advanceTime(11 * 60_000);
    const later = createScaledClock(1, Date.now() + 11 * 60_000);
    const second = await executeRun(migrationPlan(files, { batchSize: 10 }), { dbPath, clock: later, client: sandboxClientFactory(sandbox, { clock: later }) });
    expect(second.exitCode).toBe(0);
    expect(verifyMigration(sandbox, dbPath, expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
  });
});

describe('refusing', () => {
  it('a second process on the same checkpoint database refuses with CHECKPOINT_LOCKED', async () => {
    const { files } = generateMigration(join(dir, 'src'), SIZE);
    const cfg: ChildConfig = { sandbox: { env: sandbox.env }, files, dbPath: join(dir, 'cp.db'), timeScale: 100, timeoutMs: 5000, batchSize: 10 };
    const child = startChild(cfg);
    try {
      expect(await child.started).toBe(true);
      const res = await executeRun(migrationPlan(files), { dbPath: cfg.dbPath, clock: systemClock, client: sandboxClientFactory(sandbox) });
      expect(res.exitCode).toBe(1);
      expect(res.error?.code).toBe('CHECKPOINT_LOCKED');
      expect(res.message).toMatch(/in use by process \d+/);
    } finally {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
  });

  it('a changed source is refused on resume; --allow-changed-source reads it again without duplicates', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    const dbPath = join(dir, 'cp.db');
    const plan = () => migrationPlan(files, { batchSize: 10 });
    const first = await runStoppedInTasks(plan(), dbPath);
    expect(first.exitCode).toBe(130);
    appendFileSync(files.tasks!, JSON.stringify({ key: 'T-new', name: 'Task added later', tasklist: 'L0', project: 'P1' }) + '\n');
    const refused = await executeRun(plan(), { dbPath, clock: systemClock, client: sandboxClientFactory(sandbox) });
    expect(refused.exitCode).toBe(1);
    expect(refused.error?.code).toBe('SOURCE_CHANGED');
    expect(refused.message).toMatch(/tasks\.ndjson.*changed/);
    expect(refused.error?.hint).toMatch(/--allow-changed-source/);
    const allowed = await executeRun(plan(), { dbPath, clock: systemClock, client: sandboxClientFactory(sandbox), allowChangedSource: true });
    expect(allowed.exitCode).toBe(0);
    expect(allowed.counts.tasks).toMatchObject({ read: 61, created: 61 });
    const v = verifyMigration(sandbox, dbPath, expected);
    expect(v.duplicates).toEqual([]);
    expect(v.missing).toEqual([]);
    expect(v.extra).toEqual(['task Task added later']);
  });
});
