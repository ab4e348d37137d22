import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createScaledClock } from '../../src/core/clock.js';
import { executeRun } from '../../src/pipeline/run/run-engine.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandboxClientFactory } from '../helpers/sandbox-client.js';
import { generateMigration, migrationPlan } from '../helpers/synthetic-plan.js';
import { verifyMigration } from '../helpers/verify-migration.js';

// Virtual time at 100×: a settle time of 150 virtual seconds is 1.5 real seconds.
it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
let scaled: Sandbox;
let dir: string;

it.beforeEach(({ sandbox: s, tmp }) => {
  scaled = s;
  dir = tmp;
});

describe('the settle loop at the end of a step', () => {
  it('records left in doubt at different moments are all judged after one wait and re-sent in one pass, not one pass each', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), { users: 2, tasklists: 2, tasks: 12, subtaskEvery: 4, timelogs: 4 });
    const clock = createScaledClock(100, scaled.clock.now());
    // Four task creates cut before Zoho committed (in doubt, absent), one per batch of 2; the other create of
    // each batch answers slowly (committed; the client gives up after 200 ms), so the batches' in-doubt outcomes
    // are recorded ~200 real ms apart and each record matures ~20 virtual seconds after the one before. Waiting only for the earliest and re-sending it
    // used one of the 3 settle passes per record and left the 4th in doubt (exit 1) though it could be judged.
    scaled.admin.setFaults([
      { id: 'reset', kind: 'reset-before', endpoint: 'POST /projects/{project}/tasks', nth: [1, 3, 5, 7] },
      { id: 'slow', kind: 'slow', endpoint: 'POST /projects/{project}/tasks', nth: [2, 4, 6, 8], delayMs: 300 },
    ]);
    const dbPath = join(dir, 'cp.db');
    const started = Date.now();
    const res = await executeRun(migrationPlan(files, { batchSize: 2 }), {
      dbPath,
      clock,
      client: sandboxClientFactory(scaled, { clock, timeoutMs: 200, backoffBaseMs: 1000, maxRetries: 0 }),
      inDoubtSettleMs: 150_000,
    });
    expect(scaled.admin.faults().find((f) => f.id === 'reset')?.fired).toBe(4);
    expect(res.counts.tasks).toMatchObject({ inDoubt: 0 });
    expect(res.exitCode).toBe(0);
    expect(verifyMigration(scaled, dbPath, expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
    // The four absent creates were sent once more each, the slow (committed) ones never again.
    expect(scaled.admin.counters().endpoints['POST /projects/{project}/tasks']!.calls).toBe(expected.tasks + expected.subtasks + 4);
    expect(res.figures.reconciled).toMatchObject({ found: 4, notFound: 4 });
    // Bounded: one settle wait (1.5 real s) for all four, not one per record.
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
