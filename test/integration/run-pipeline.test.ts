/**
 * runPipeline on a real pipeline file (pipelines/demo-migration.yaml and its fixtures) against the
 * sandbox: the CSV extractor, mapping, lookups, validation, the engine, the store, the loaders and
 * the client together.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createScaledClock } from '../../src/core/clock.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import type { Sandbox } from '../../src/sandbox/index.js';

it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

describe('runPipeline', () => {
  it('runs the demo migration file: every row loaded, skipped or rejected with a code, nothing twice', async () => {
    const events: PipelineEvent[] = [];
    // the client's clock runs at the sandbox's time scale, from the sandbox's virtual now
    const clock = createScaledClock(100, sandbox.clock.now());
    const t0 = Date.now();
    const res = await runPipeline('pipelines/demo-migration.yaml', { env: { ...sandbox.env }, cwd: dir, clock, onEvent: (e) => events.push(e) });
    console.log(`demo migration: ${Date.now() - t0} ms real, ${JSON.stringify(res.counts)}`);
    expect(res.message).toMatch(/done/);
    expect([0, 3]).toContain(res.exitCode);
    expect(res.dbPath).toBe(join(dir, '.zpetl', 'demo-migration.db'));
    for (const [step, c] of Object.entries(res.counts)) {
      expect(c.read, step).toBe(c.created + c.updated + c.skipped + c.rejected);
      expect(c.inDoubt, step).toBe(0);
    }
    expect(res.counts.tasks!.created).toBeGreaterThan(0);
    expect(res.counts.timelogs!.created).toBeGreaterThan(0);
    // the report folder: figures that reconcile and the created ids
    expect(res.reportDir).toBeDefined();
    const report = JSON.parse(readFileSync(join(res.reportDir!, 'report.json'), 'utf8'));
    expect(report.kind).toBe('run');
    for (const st of report.steps as { counts: Record<string, number> }[]) {
      expect(st.counts.read).toBe(st.counts.created! + st.counts.updated! + st.counts.skipped! + st.counts.rejected! + st.counts.inDoubt!);
    }
    expect(report.totals.read).toBe(Object.values(res.counts).reduce((n, c) => n + c.read, 0));
    expect(report.api['POST /projects/{project}/tasks'].calls).toBeGreaterThanOrEqual(170);
    const crosswalk = readFileSync(join(res.reportDir!, 'crosswalk.csv'), 'utf8').trim().split('\n');
    expect(crosswalk.length - 1).toBe(Object.values(res.counts).reduce((n, c) => n + c.created + c.skipped + c.updated, 0));
    expect(crosswalk.some((l) => /^projects,NW-WEB,project,\d+,Website relaunch,/.test(l))).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', reportDir: res.reportDir });
    const rejects = events.filter((e) => e.type === 'reject');
    expect(rejects.length).toBe(Object.values(res.counts).reduce((n, c) => n + c.rejected, 0));
    // the same file again: nothing new is created
    const again = await runPipeline('pipelines/demo-migration.yaml', { env: { ...sandbox.env }, cwd: dir, clock });
    for (const [step, c] of Object.entries(again.counts)) expect(c.created, step).toBe(0);
  });

  it('exits 2 for an invalid environment, before touching any checkpoint', async () => {
    const res = await runPipeline('pipelines/demo-migration.yaml', { env: { ZOHO_CLIENT_ID: 'x' }, cwd: dir });
    expect(res.exitCode).toBe(2);
    expect(res.error?.code).toBe('CONFIG_INVALID');
  });

  it('exits 2 for a missing pipeline file', async () => {
    const res = await runPipeline(join(dir, 'nope.yaml'), { env: { ...sandbox.env }, cwd: dir });
    expect(res.exitCode).toBe(2);
    expect(res.error?.code).toBe('PIPELINE_NOT_FOUND');
  });
});
