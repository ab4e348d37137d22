/**
 * The example pipelines users copy (pipelines/*.yaml): every one validates and rehearses (dry run)
 * through the CLI against a sandbox holding the people, projects and task lists the examples refer
 * to; and migrate-tasks-from-csv.yaml, whose two steps read one export split by `where:`, loads for
 * real with the filtered rows counted as skipped (read = loaded + skipped + rejected in both modes).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { test } from '../helpers/fixtures.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { CONTROL_CHARS, ROOT, ensureBuilt, runZpetl, seedExamples } from '../helpers/cli-helpers.js';

const PIPELINES = readdirSync(join(ROOT, 'pipelines')).filter((f) => f.endsWith('.yaml')).sort();
const TASKS = join(ROOT, 'pipelines/migrate-tasks-from-csv.yaml');
test.override({ fileSandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;

interface Counts {
  read: number;
  valid: number;
  created: number;
  skipped: number;
  rejected: number;
  inDoubt: number;
  filtered?: number;
}

beforeAll(() => ensureBuilt(), 120_000);
test.beforeAll(async ({ fileSandbox, fileTmp }) => {
  sandbox = fileSandbox;
  await seedExamples(sandbox);
  dir = fileTmp;
});

describe('every pipeline in pipelines/ (e2e)', () => {
  it('includes the four examples the README promises, and the demo', () => {
    expect(PIPELINES).toEqual(expect.arrayContaining(['demo-migration.yaml', 'migrate-tasks-from-csv.yaml', 'provision-users-from-hr.yaml', 'import-zoho-timesheet-export.yaml', 'nightly-payroll-export.yaml']));
  });

  // `zpetl validate` over every file: cli-run.test.ts.
  it.each(PIPELINES)('%s: zpetl run --dry-run writes reports where every step reads = valid + skipped + rejected', async (file) => {
    const out = join(dir, `dry-${file}`);
    const r = await runZpetl(['run', join(ROOT, 'pipelines', file), '--dry-run', '--out', out], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    // 3: the examples carry deliberately bad rows.
    expect([0, 3], r.stderr).toContain(r.code);
    for (const line of r.stdout.split('\n')) expect(line).not.toMatch(CONTROL_CHARS);
    for (const f of ['report.json', 'report.html', 'rejects.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { exitCode: number; steps: { name: string; counts: Counts }[]; totals: Counts };
    expect(report.exitCode).toBe(r.code);
    for (const s of report.steps) expect(s.counts.read, s.name).toBe(s.counts.valid + s.counts.skipped + s.counts.rejected);
    const rejectRows = readFileSync(join(out, 'rejects.csv'), 'utf8').trim().split('\n').length - 1;
    expect(Math.max(0, rejectRows)).toBeGreaterThanOrEqual(report.totals.rejected > 0 ? 1 : 0);
  }, 90_000);
});

describe('migrate-tasks-from-csv.yaml: one export, tasks and subtasks split by where: (e2e)', () => {
  it('dry run: the rows each step leaves out are skipped (filtered), the two bad rows are rejects with their line', async () => {
    const out = join(dir, 'tasks-dry');
    const r = await runZpetl(['run', TASKS, '--dry-run', '--out', out, '--json'], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { steps: { name: string; counts: Counts; rejectsByCode: Record<string, number> }[] };
    const [tasks, subtasks] = report.steps;
    // 20 rows: 13 without a parent (4019 has no name), 7 with one (4020's parent 3999 is absent).
    expect(tasks).toMatchObject({ name: 'tasks', counts: { read: 20, valid: 12, skipped: 7, filtered: 7, rejected: 1 }, rejectsByCode: { ROW_REQUIRED: 1 } });
    expect(subtasks).toMatchObject({ name: 'subtasks', counts: { read: 20, valid: 6, skipped: 13, filtered: 13, rejected: 1 }, rejectsByCode: { ROW_MISSING_PARENT: 1 } });
    const rejects = readFileSync(join(out, 'rejects.csv'), 'utf8');
    expect(rejects).toMatch(/^4019,,Website relaunch,Build,,.*,26,tasks,ROW_REQUIRED,name,/m);
    expect(rejects).toMatch(/^4020,3999,.*,27,subtasks,ROW_MISSING_PARENT,parent,/m);
  }, 60_000);

  it('real run on the sandbox: 12 tasks and 6 subtasks under the right parents, filtered rows skipped, exit 3 for the two rejects', async () => {
    const db = join(dir, 'tasks.db');
    const r = await runZpetl(['run', TASKS, '--db', db], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(3);
    // step  read  created  updated  skipped  rejected  inDoubt
    expect(r.stdout).toMatch(/^tasks\s+20\s+12\s+0\s+7\s+1\s+0$/m);
    expect(r.stdout).toMatch(/^subtasks\s+20\s+6\s+0\s+13\s+1\s+0$/m);

    const tasks = (await (await fetch(`${sandbox.baseUrl}/__sandbox/entities/tasks`, { headers: { authorization: `Bearer ${sandbox.adminToken}` } })).json()) as { id: string; name: string; parental_info?: { parent_task_id?: string } }[];
    const byName = new Map(tasks.map((t) => [t.name, t]));
    expect(tasks).toHaveLength(18);
    // 4002 is "Sub-step of 4001", whose task is "Review design item 1".
    expect(byName.get('Sub-step of 4001')?.parental_info?.parent_task_id).toBe(byName.get('Review design item 1')?.id);
    expect(byName.has('Orphan sub-step')).toBe(false);

    // Again: every key is in the crosswalk now; the filtered rows are skipped again and nothing is created.
    const again = await runZpetl(['run', TASKS, '--db', db], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    expect(again.stdout).toMatch(/^tasks\s+20\s+0\s+0\s+19\s+1\s+0$/m);
    expect(again.stdout).toMatch(/^subtasks\s+20\s+0\s+0\s+19\s+1\s+0$/m);
    expect(((await (await fetch(`${sandbox.baseUrl}/__sandbox/entities/tasks`, { headers: { authorization: `Bearer ${sandbox.adminToken}` } })).json()) as unknown[]).length).toBe(18);
  }, 90_000);
});
