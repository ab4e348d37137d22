/**
 * Load modes against the sandbox: a second checkpoint database (a new machine, a lost .zpetl folder)
 * over a portal that already holds the migration.
 *  - create: trusts its own crosswalk only (documented: it would create again), so it is not used here;
 *  - skip-existing: finds every record by natural key, creates nothing, fills the crosswalk;
 *  - upsert: PATCHes what it finds (a changed description lands) and creates nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { systemClock } from '../../src/core/clock.js';
import { executeRun } from '../../src/pipeline/run/run-engine.js';
import type { Sandbox } from '../../src/sandbox/index.js';
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

const SIZE = { users: 4, tasklists: 2, tasks: 12, subtaskEvery: 4, timelogs: 6 };
const run = (files: Record<string, string>, dbPath: string, modes: Record<string, 'create' | 'skip-existing' | 'upsert'>) =>
  executeRun(migrationPlan(files, { modes }), { dbPath, clock: systemClock, client: sandboxClientFactory(sandbox) });

describe('load modes', () => {
  it('skip-existing finds what is already in Zoho by natural key and creates nothing', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    const first = await run(files, join(dir, 'a.db'), {});
    expect(first.exitCode).toBe(0);
    const postsBefore = sandbox.admin.counters().endpoints['POST /projects/{project}/tasks']?.ok ?? 0;
    const all = { projects: 'skip-existing', users: 'skip-existing', tasklists: 'skip-existing', tasks: 'skip-existing', subtasks: 'skip-existing', timelogs: 'skip-existing' } as const;
    const second = await run(files, join(dir, 'b.db'), all);
    expect(second.message).toMatch(/done/);
    expect(second.exitCode).toBe(0);
    for (const [step, c] of Object.entries(second.counts)) expect(c.created, step).toBe(0);
    expect(second.counts.tasks).toMatchObject({ skipped: 12, read: 12 });
    expect(sandbox.admin.counters().endpoints['POST /projects/{project}/tasks']?.ok ?? 0).toBe(postsBefore);
    // the new checkpoint's crosswalk points at the entities the first run created
    expect(verifyMigration(sandbox, join(dir, 'b.db'), expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
  });

  it('upsert PATCHes records it finds and creates nothing', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    expect((await run(files, join(dir, 'a.db'), {})).exitCode).toBe(0);
    // the source now carries a description for every task
    const lines = readFileSync(files.tasks!, 'utf8').trim().split('\n').map((l) => ({ ...JSON.parse(l), description: 'migrated from the old tool' }));
    writeFileSync(files.tasks!, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const modes = { projects: 'skip-existing', users: 'skip-existing', tasklists: 'skip-existing', tasks: 'upsert', subtasks: 'skip-existing', timelogs: 'skip-existing' } as const;
    const res = await run(files, join(dir, 'b.db'), modes);
    expect(res.exitCode).toBe(0);
    expect(res.counts.tasks).toMatchObject({ updated: 12, created: 0, read: 12 });
    const tasks = sandbox.admin.entities('tasks') as { description?: string; parental_info?: unknown }[];
    expect(tasks.filter((t) => !t.parental_info).every((t) => String(t.description).includes('migrated from the old tool'))).toBe(true);
    expect(verifyMigration(sandbox, join(dir, 'b.db'), expected)).toMatchObject({ duplicates: [], missing: [], extra: [] });
    // upsert of keys already in the crosswalk: PATCH again by id, no lookup needed
    const again = await run(files, join(dir, 'b.db'), modes);
    expect(again.counts.tasks).toMatchObject({ updated: 12, created: 0 });
  });

  it('create skips keys already in its crosswalk', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), SIZE);
    expect((await run(files, join(dir, 'a.db'), {})).exitCode).toBe(0);
    const again = await run(files, join(dir, 'a.db'), {});
    for (const c of Object.values(again.counts)) expect(c.created).toBe(0);
    expect(again.counts.timelogs).toMatchObject({ skipped: 6 });
    expect(verifyMigration(sandbox, join(dir, 'a.db'), expected).duplicates).toEqual([]);
  });
});
