/**
 * Loader hygiene in the run engine (two slips a review found): the user step's checkpoint batch is never
 * smaller than the bulk add's userBatchSize, and the end-of-step settle only counts this run's
 * 'planned' records (an older run's leftovers neither trigger settle passes nor inflate the gate's cost).
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { systemClock } from '../../src/core/clock.js';
import { openCheckpointDb } from '../../src/checkpoint/db.js';
import { createCheckpointStore } from '../../src/checkpoint/store.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { executeRun } from '../../src/pipeline/run/run-engine.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ENDPOINTS } from '../../src/zoho/types.js';
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

describe('run engine hygiene', () => {
  it('sends users in bulk adds of userBatchSize even when the checkpoint batchSize is smaller', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), { users: 20, tasklists: 1, tasks: 2, subtaskEvery: 2, timelogs: 2 });
    const dbPath = join(dir, 'cp.db');
    // batchSize 4 for every step; the users step's bulk add takes 10 (synthetic-plan's userBatchSize)
    const res = await executeRun(migrationPlan(files, { batchSize: 4 }), { dbPath, clock: systemClock, client: sandboxClientFactory(sandbox) });
    expect(res.exitCode).toBe(0);
    expect(res.counts.users).toMatchObject({ read: 20, created: 20 });
    // 20 users of one project in bulk adds of 10: 2 calls (batches of 4 would have made 5)
    expect(res.figures.endpoints[ENDPOINTS.projectUsersAdd]?.calls).toBe(2);
    expect(verifyMigration(sandbox, dbPath, expected)).toMatchObject({ duplicates: [], missing: [] });
  });

  it("settles only this run's planned records: an older run's leftover neither triggers settle passes nor is sent", async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), { users: 2, tasklists: 1, tasks: 12, subtaskEvery: 4, timelogs: 4 });
    const plan = migrationPlan(files, { batchSize: 5 });
    const progressOf = (events: PipelineEvent[], step: string) => events.filter((e) => e.type === 'step-progress' && e.step === step).length;

    // Baseline: the same plan on a clean checkpoint, against a second sandbox.
    const other = await createSandbox({ port: 0, seed: 'empty' });
    const clean: PipelineEvent[] = [];
    try {
      const r = await executeRun(migrationPlan(files, { batchSize: 5 }), { dbPath: join(dir, 'clean.db'), clock: systemClock, client: sandboxClientFactory(other), onEvent: (e) => clean.push(e) });
      expect(r.exitCode).toBe(0);
    } finally {
      await other.close();
    }

    // An older, finished run left a 'planned' tasks record (a key no longer in the source).
    const dbPath = join(dir, 'cp.db');
    const cdb = openCheckpointDb(dbPath);
    try {
      const store = createCheckpointStore(cdb.db);
      const old = store.startRun(plan.pipeline);
      store.startStep(old.id, { name: 'tasks', entity: 'task', mode: 'create', sourcePath: 'tasks.ndjson', sourceSha256: 'x' });
      store.markSent(old.id, 'tasks', [{ key: 'GONE', values: { name: 'gone', project: '1' }, pos: { source: 'tasks.ndjson', line: 1, index: 0 }, op: 'create' }]);
      store.revertToPlanned('tasks', ['GONE']);
      store.finishRun(old.id, 'rejects');
    } finally {
      cdb.close();
    }
    const events: PipelineEvent[] = [];
    const res = await executeRun(plan, { dbPath, clock: systemClock, client: sandboxClientFactory(sandbox), onEvent: (e) => events.push(e) });
    expect(res.exitCode).toBe(0);
    expect(res.counts.tasks).toMatchObject({ read: 12, created: 12 });
    // the same progress as the clean run: no settle pass ran for the leftover
    expect(progressOf(events, 'tasks')).toBe(progressOf(clean, 'tasks'));
    expect(res.figures.endpoints[ENDPOINTS.taskCreate]?.calls).toBe(12 + 3);
    expect(verifyMigration(sandbox, dbPath, expected)).toMatchObject({ duplicates: [], missing: [] });
  });
});
