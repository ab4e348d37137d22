/**
 * One user row, several projects, against the sandbox through the real client: the memberships already
 * there are skipped, a bulk add whose answer is lost is reconciled (found when it committed, completed
 * when it did not), and every person ends up a member of each project exactly once.
 */
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { openCheckpointDb, type CheckpointDb } from '../../src/checkpoint/db.js';
import { createCheckpointStore, type CheckpointStore } from '../../src/checkpoint/store.js';
import { createStepLoader } from '../../src/load/exactly-once/step-loader.js';
import type { LoadItem } from '../../src/load/types.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { ZohoClient } from '../../src/zoho/types.js';
import { sandboxClient } from '../helpers/sandbox-client.js';
import { join } from 'node:path';
import { createScaledClock } from '../../src/core/clock.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { runPipeline } from '../../src/pipeline/run/run.js';

it.override({ sandboxOptions: { seed: 'empty' } });
let sandbox: Sandbox;
let client: ZohoClient;
let cdb: CheckpointDb;
let store: CheckpointStore;

it.beforeEach(({ sandbox: s }) => {
  sandbox = s;
  client = sandboxClient(sandbox, { timeoutMs: 2000, backoffBaseMs: 5, backoffCapMs: 20 });
  cdb = openCheckpointDb(':memory:');
  store = createCheckpointStore(cdb.db);
});
it.afterEach(async () => {
  cdb.close();
  await client.close();
});

const pos = (i: number) => ({ source: 'users.csv', line: i + 2, index: i });
const ADD = 'POST /projects/{project}/projectusers';
const adds = () => sandbox.admin.counters().endpoints[ADD]?.calls ?? 0;

async function threeProjects(run: number): Promise<string[]> {
  await createStepLoader({ api: client, store, runId: run, step: { name: 'projects', entity: 'project' } }).load(
    ['Website', 'Mobile', 'Intranet'].map((n, i) => ({ key: n, values: { name: n }, pos: pos(i) })),
  );
  return ['Website', 'Mobile', 'Intranet'].map((k) => store.crosswalkGet('projects', k)!.zohoId);
}

/** How many times `email` is a member of `project` (exactly once is the rule). */
const memberships = (project: string, email: string) =>
  (sandbox.admin.entities('project-users', { project }) as { email: string }[]).filter((u) => u.email === email).length;

describe('a user row naming several projects', () => {
  it('adds the person to each project, one bulk call per project, and skips a membership already there', async () => {
    const run = store.startRun('multi').id;
    const [web, mob, intra] = await threeProjects(run);
    sandbox.admin.insert('users', [{ email: 'ana@acme.example' }]);
    sandbox.admin.insert('project-users', [{ project_id: web!, email: 'ana@acme.example' }]);
    const before = adds();
    const users = createStepLoader({ api: client, store, runId: run, step: { name: 'users', entity: 'user' } });
    const rows: LoadItem[] = [
      { key: 'ana', values: { email: 'ana@acme.example', project: web, projects: [mob, intra] }, pos: pos(0) },
      { key: 'ben', values: { email: 'ben@acme.example', projects: [mob, intra] }, pos: pos(1) },
    ];
    const out = await users.load(rows);
    expect(out.delta).toMatchObject({ created: 2, rejected: 0, inDoubt: 0 });
    // Website already had Ana: only Mobile and Intranet were asked, each once for both people.
    expect(adds() - before).toBe(2);
    for (const p of [web!, mob!, intra!]) expect(memberships(p, 'ana@acme.example')).toBe(1);
    for (const p of [mob!, intra!]) expect(memberships(p, 'ben@acme.example')).toBe(1);
    expect(memberships(web!, 'ben@acme.example')).toBe(0);
    // A second run of the same rows adds nothing: the person is matched in every project.
    const again = createStepLoader({ api: client, store, runId: store.startRun('multi').id, step: { name: 'users', entity: 'user' } });
    const calls = adds();
    expect((await again.load(rows)).delta.created).toBe(0);
    expect(adds()).toBe(calls);
  });

  it('a lost answer that Zoho committed: found in every project on reconciliation, nothing re-sent', async () => {
    const run = store.startRun('committed').id;
    const projects = await threeProjects(run);
    const users = createStepLoader({ api: client, store, runId: run, step: { name: 'users', entity: 'user' } });
    // The second project's bulk add commits, then its answer is lost.
    sandbox.admin.setFaults([{ kind: 'reset-after', endpoint: ADD, nth: 2 }]);
    expect((await users.load([{ key: 'ana', values: { email: 'ana@acme.example', projects }, pos: pos(0) }])).delta.inDoubt).toBe(1);
    sandbox.admin.clearFaults();
    const calls = adds();
    expect(await users.reconcile()).toEqual({ found: 1, notFound: 0, unresolved: 0 });
    await users.retryPlanned();
    expect(adds()).toBe(calls);
    for (const p of projects) expect(memberships(p, 'ana@acme.example')).toBe(1);
    expect(store.counts(run, 'users')).toMatchObject({ created: 1, inDoubt: 0 });
  });

  it('a bulk add lost before Zoho had it: the row is absent on reconciliation and completed with the missing membership only', async () => {
    const run = store.startRun('lost').id;
    const projects = await threeProjects(run);
    const users = createStepLoader({ api: client, store, runId: run, step: { name: 'users', entity: 'user' } });
    // The second project's request never reaches the handler; the first and third land.
    sandbox.admin.setFaults([{ kind: 'reset-before', endpoint: ADD, nth: 2 }]);
    expect((await users.load([{ key: 'ana', values: { email: 'ana@acme.example', projects }, pos: pos(0) }])).delta.inDoubt).toBe(1);
    sandbox.admin.clearFaults();
    expect(memberships(projects[1]!, 'ana@acme.example')).toBe(0);
    const calls = adds();
    expect(await users.reconcile()).toMatchObject({ found: 0, notFound: 1 });
    await users.retryPlanned();
    // One call: the missing Mobile membership; Website and Intranet are skipped as already there.
    expect(adds() - calls).toBe(1);
    for (const p of projects) expect(memberships(p, 'ana@acme.example')).toBe(1);
    expect(store.counts(run, 'users')).toMatchObject({ created: 1, inDoubt: 0 });
  });
});

describe('pipelines/add-people-to-projects.yaml', () => {
  it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
  it('the dry run predicts the run: one bulk call per project of the new memberships, members skipped, an unknown role rejected', async ({ tmp }) => {
    const { ids } = sandbox.admin.insert('projects', [{ name: 'Website relaunch' }, { name: 'Mobile app v2' }]);
    sandbox.admin.insert('users', [{ email: 'olivia.brown@acme.example' }]);
    sandbox.admin.insert('project-users', ids.map((id) => ({ project_id: id, email: 'olivia.brown@acme.example' })));
    const file = 'pipelines/add-people-to-projects.yaml';
    const clock = createScaledClock(100, sandbox.clock.now());
    const { report } = await dryRun(file, { api: sandboxClient(sandbox, { clock }), env: { ...sandbox.env }, cwd: tmp, outDir: join(tmp, 'dry'), now: () => sandbox.clock.now() });
    expect(report.steps[0]!.counts).toMatchObject({ read: 4, wouldCreate: 2, wouldSkip: 1, rejected: 1 });
    // Ethan joins both projects, Ava one: a call for each project, not one for the step.
    expect(report.estimate!.callsByEndpoint[ADD]).toBe(2);
    const before = adds();
    const res = await runPipeline(file, { env: { ...sandbox.env }, cwd: tmp, clock, outDir: false });
    expect(res.counts.members).toMatchObject({ read: 4, created: 2, skipped: 1, rejected: 1 });
    expect(adds() - before).toBe(2);
    for (const id of ids) expect(memberships(id, 'ethan.wong@acme.example')).toBe(1);
  });
});
