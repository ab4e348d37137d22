/**
 * After a lost checkpoint, a rerun of the demo over a portal that already holds it: every count says
 * what Zoho did. The sandbox's own counters (entities per kind) are the referee: what a step reports
 * created is exactly what the portal gained.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { loadPipeline, type LoadedPipeline } from '../../src/pipeline/file/load-pipeline.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import type { LoadMode } from '../../src/core/load-mode.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandboxClient } from '../helpers/sandbox-client.js';

it.override({ sandboxOptions: { seed: 'empty', timeScale: 60 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

/** The demo pipeline with each load step in `mode` (or the step's own `modes[step]`). */
function demo(mode: LoadMode, modes: Record<string, LoadMode> = {}): LoadedPipeline {
  const p = loadPipeline('pipelines/demo-migration.yaml', sandbox.env);
  for (const s of p.config.steps) if ('entity' in s) s.mode = modes[s.name] ?? mode;
  return p;
}

/** The sandbox entity kind each demo step creates (subtasks are tasks; a project user is a membership). */
const KIND: Record<string, string> = { projects: 'projects', users: 'project-users', milestones: 'milestones', tasklists: 'tasklists', tasks: 'tasks', subtasks: 'tasks', timelogs: 'timelogs' };

async function runAgainWithoutCheckpoint(pipeline: LoadedPipeline) {
  const db = join(dir, 'demo.db');
  const first = await runPipeline(pipeline, { env: sandbox.env, cwd: dir, db, outDir: false, clock: sandbox.clock });
  expect(first.exitCode, first.message).toBe(3); // the demo's planted bad rows
  // the checkpoint is lost
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const before = sandbox.admin.counters().entities;
  // the dry run of the rerun first: it predicts from the same decision, reading Zoho only
  const dry = await dryRun(pipeline, { api: sandboxClient(sandbox, { clock: sandbox.clock }), db, cwd: dir, outDir: join(dir, 'dry') });
  expect(sandbox.admin.counters().entities).toEqual(before);
  const again = await runPipeline(pipeline, { env: sandbox.env, cwd: dir, db, outDir: false, clock: sandbox.clock });
  const after = sandbox.admin.counters().entities;
  for (const s of dry.report.steps) {
    expect({ step: s.name, create: s.counts.wouldCreate, skip: s.counts.wouldSkip }).toEqual({ step: s.name, create: again.counts[s.name]!.created, skip: again.counts[s.name]!.skipped });
  }
  return { first, again, before, after };
}

describe('a rerun after a lost checkpoint', () => {
  it('skip-existing: every step counts as created exactly what the portal gained (nothing), the rest skipped', async () => {
    const { first, again, before, after } = await runAgainWithoutCheckpoint(demo('skip-existing'));
    expect(first.counts.users).toMatchObject({ created: 12, rejected: 1 });
    expect(again.exitCode, again.message).toBe(3);
    const gained: Record<string, number> = {};
    for (const [step, kind] of Object.entries(KIND)) gained[kind] = (gained[kind] ?? 0) + again.counts[step]!.created;
    for (const kind of new Set(Object.values(KIND))) expect(gained[kind], kind).toBe((after[kind] ?? 0) - (before[kind] ?? 0));
    expect(after).toEqual(before);
    // users in two projects (Ana, Ben, Dev, Farid) are found in each: skipped, not "created 4"
    expect(again.counts.users).toMatchObject({ valid: 12, created: 0, skipped: 12, rejected: 1 });
    for (const [step, c] of Object.entries(again.counts)) expect(c.skipped, step).toBe(c.valid);
  });

  it('project users in create mode (projects found by name): members already there are skipped, not re-counted as created', async () => {
    const { again, before, after } = await runAgainWithoutCheckpoint(demo('skip-existing', { users: 'create' }));
    expect(again.counts.users).toMatchObject({ valid: 12, created: 0, skipped: 12 });
    expect(after['project-users']).toBe(before['project-users']);
  });

  it('a new person in the source is the one user created, as the portal gained one membership', async () => {
    const pipeline = demo('skip-existing');
    const db = join(dir, 'demo.db');
    expect((await runPipeline(pipeline, { env: sandbox.env, cwd: dir, db, outDir: false, clock: sandbox.clock })).exitCode).toBe(3);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    const users = join(dir, 'users.csv');
    writeFileSync(users, `${readFileSync('fixtures/demo/users.csv', 'utf8').trimEnd()}\nnew.person@northwind.example,New,Person,employee,Mobile app v2\n`);
    const step = pipeline.config.steps.find((s) => s.name === 'users')!;
    (step.source as { path: string }).path = users;
    const before = sandbox.admin.counters().entities;
    const again = await runPipeline(pipeline, { env: sandbox.env, cwd: dir, db, outDir: false, clock: sandbox.clock });
    const after = sandbox.admin.counters().entities;
    expect(again.counts.users).toMatchObject({ valid: 13, created: 1, skipped: 12 });
    expect(after['project-users']! - before['project-users']!).toBe(1);
    expect(after['users']! - before['users']!).toBe(1);
  });
});

