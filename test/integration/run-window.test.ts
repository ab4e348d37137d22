/**
 * The off-peak window end to end, with an injected (manual) clock for the engine and the client:
 * outside → exit 4 naming the next opening, nothing sent; --wait → sleeps until the opening, then
 * runs; near the close → no batch starts that cannot finish, the run stops (4) and continues the next
 * night exactly where it stopped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createManualClock } from '../../src/core/clock.js';
import { zonedToEpoch } from '../../src/core/local-date.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { executeRun } from '../../src/pipeline/run/run-engine.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import { parseWindow } from '../../src/pipeline/window.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandboxClientFactory } from '../helpers/sandbox-client.js';
import { generateMigration, migrationPlan } from '../helpers/synthetic-plan.js';
import { verifyMigration } from '../helpers/verify-migration.js';

const at = (date: string, h: number, m = 0, s = 0) => zonedToEpoch(date, h * 60 + m, 'Europe/Berlin') + s * 1000;
const window = parseWindow('22:00-06:00', 'Europe/Berlin');
const SIZE = { users: 3, tasklists: 2, tasks: 10, subtaskEvery: 5, timelogs: 4 };

it.override({ sandboxOptions: { seed: 'empty' } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

const posts = () => Object.entries(sandbox.admin.counters().endpoints).filter(([k]) => k.startsWith('POST /projects')).reduce((n, [, c]) => n + c.calls, 0);

describe('off-peak window', () => {
  it('outside the window without --wait: exit 4, the next opening named, nothing sent', async () => {
    const { files } = generateMigration(join(dir, 'src'), SIZE);
    const clock = createManualClock(at('2026-11-28', 12));
    const res = await executeRun(migrationPlan(files), { dbPath: join(dir, 'cp.db'), clock, client: sandboxClientFactory(sandbox, { clock }), window });
    expect(res.exitCode).toBe(4);
    expect(res.status).toBe('outside-window');
    expect(res.message).toContain('2026-11-28 22:00 Europe/Berlin');
    expect(res.nextOpeningMs).toBe(at('2026-11-28', 22));
    expect(posts()).toBe(0);
  });

  it('with --wait: sleeps until the window opens, then loads everything', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    const clock = createManualClock(at('2026-11-28', 21));
    const events: PipelineEvent[] = [];
    const dbPath = join(dir, 'cp.db');
    const done = executeRun(migrationPlan(files), { dbPath, clock, client: sandboxClientFactory(sandbox, { clock }), window, wait: true, onEvent: (e) => events.push(e) });
    // wait until the engine is asleep on the window
    for (let i = 0; i < 200 && !events.some((e) => e.type === 'step-state' && e.state.kind === 'waiting-window'); i++) await new Promise((r) => setTimeout(r, 10));
    const waiting = events.find((e) => e.type === 'step-state' && e.state.kind === 'waiting-window');
    expect(waiting).toMatchObject({ state: { kind: 'waiting-window', untilMs: at('2026-11-28', 22) } });
    expect(posts()).toBe(0);
    await clock.set(at('2026-11-28', 22));
    const res = await done;
    expect(res.exitCode).toBe(0);
    expect(res.figures.windowsUsed).toEqual([at('2026-11-28', 22)]);
    expect(verifyMigration(sandbox, dbPath, expected)).toMatchObject({ duplicates: [], missing: [], extra: [] });
  });

  it('near the close no batch starts that cannot finish; the next night continues where it stopped', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    const clock = createManualClock(at('2026-11-29', 5));
    const dbPath = join(dir, 'cp.db');
    const onEvent = (e: PipelineEvent) => {
      // the project is in; now it is 05:59:59.99 and a call is assumed to take at least 50 ms: no batch may start
      if (e.type === 'step-end' && e.step === 'projects') void clock.set(at('2026-11-29', 5, 59, 59) + 990);
    };
    const first = await executeRun(migrationPlan(files), { dbPath, clock, client: sandboxClientFactory(sandbox, { clock }), window, onEvent });
    expect(first.exitCode).toBe(4);
    expect(first.status).toBe('outside-window');
    expect(first.message).toContain('2026-11-29 22:00 Europe/Berlin');
    expect(first.counts.projects).toMatchObject({ created: 1 });
    expect(first.counts.users).toMatchObject({ read: 0, created: 0 });
    expect(first.counts.tasks).toMatchObject({ read: 0 });
    await clock.set(at('2026-11-29', 22, 30));
    const second = await executeRun(migrationPlan(files), { dbPath, clock, client: sandboxClientFactory(sandbox, { clock }), window });
    expect(second.exitCode).toBe(0);
    expect(second.runId).toBe(first.runId);
    expect(second.counts.projects).toMatchObject({ created: 1, read: 1 });
    expect(verifyMigration(sandbox, dbPath, expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
  });

  it('a daylight-saving night with --wait: opens at 22:00 CET, drains before 06:00 CEST (7 h later), sleeps until 22:00 CEST', async () => {
    // Europe/Berlin springs forward at 02:00 on 2026-03-29: that night's window is 7 hours long.
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    const open = Date.UTC(2026, 2, 28, 21); // 22:00 CET
    const close = Date.UTC(2026, 2, 29, 4); // 06:00 CEST
    const nextOpen = Date.UTC(2026, 2, 29, 20); // 22:00 CEST
    expect([at('2026-03-28', 22), at('2026-03-29', 6), at('2026-03-29', 22)]).toEqual([open, close, nextOpen]);
    const clock = createManualClock(at('2026-03-28', 21, 30));
    const events: PipelineEvent[] = [];
    const dbPath = join(dir, 'cp.db');
    const onEvent = (e: PipelineEvent) => {
      events.push(e);
      // once the projects are in, jump to just before the close (a naive +8 h would still think it open)
      if (e.type === 'step-end' && e.step === 'projects') void clock.set(close - 10);
    };
    const waits = () => events.filter((e): e is Extract<PipelineEvent, { type: 'step-state' }> => e.type === 'step-state' && e.state.kind === 'waiting-window').map((e) => (e.state as { untilMs: number }).untilMs);
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(pred()).toBe(true);
    };
    const done = executeRun(migrationPlan(files), { dbPath, clock, client: sandboxClientFactory(sandbox, { clock }), window, wait: true, onEvent });
    await until(() => waits().length > 0);
    expect(waits()[0]).toBe(open);
    await clock.set(open);
    // drained before the close: asleep again, until the next evening's opening in summer time
    await until(() => waits().some((u) => u !== open));
    expect(waits().filter((u) => u !== open)[0]).toBe(nextOpen);
    const counts = events.filter((e) => e.type === 'step-end').map((e) => (e as { step: string }).step);
    expect(counts).toEqual(['projects']);
    expect(posts()).toBe(1);
    await clock.set(nextOpen);
    const res = await done;
    expect(res.exitCode).toBe(0);
    expect(res.figures.windowsUsed).toEqual([open, nextOpen]);
    expect(verifyMigration(sandbox, dbPath, expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
  });

  it('the window of the pipeline file (options.window) applies without any flag; --window overrides it', async () => {
    const { files } = generateMigration(join(dir, 'src'), SIZE);
    const yaml = readFileSync(files.pipeline!, 'utf8').replace(
      'options: { batchSize: 25, concurrency: 4 }',
      "options: { batchSize: 25, concurrency: 4, window: { start: '22:00', end: '06:00', tz: Europe/Berlin } }",
    );
    expect(yaml).toContain('Europe/Berlin');
    writeFileSync(files.pipeline!, yaml);
    const clock = createManualClock(at('2026-11-28', 12));
    const res = await runPipeline(files.pipeline!, { env: { ...sandbox.env }, cwd: dir, clock, db: join(dir, 'cp.db'), outDir: false });
    expect(res.exitCode).toBe(4);
    expect(res.message).toContain('2026-11-28 22:00 Europe/Berlin');
    expect(posts()).toBe(0);
    // the flag's window (open at noon UTC) wins over the file's
    const flag = await runPipeline(files.pipeline!, { env: { ...sandbox.env }, cwd: dir, clock, db: join(dir, 'cp2.db'), outDir: false, window: { spec: '10:00-14:00', tz: 'UTC' } });
    expect(flag.exitCode).toBe(0);
  });
});
