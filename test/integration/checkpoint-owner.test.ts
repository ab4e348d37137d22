/**
 * A checkpoint belongs to one pipeline (src/checkpoint/owner.ts). Records and the crosswalk are keyed
 * by step + source key only, so a second pipeline run on the first one's file (`--db`) used to take
 * the first one's keys for its own: "read 10, created 0, skipped 10", exit 0, and none of its rows in
 * Zoho. It is refused now, and nothing of the owner's checkpoint changes.
 */
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createScaledClock } from '../../src/core/clock.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import { runTimesheetExport } from '../../src/pipeline/export/timesheet-export.js';
import { listRejects, readPipelineStatus } from '../../src/pipeline/status/status.js';
import type { Sandbox } from '../../src/sandbox/index.js';

it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

/** A pipeline `name` creating 10 projects keyed P1..P10, named `<prefix> n`. */
function writePipeline(name: string, prefix: string): string {
  mkdirSync(join(dir, name), { recursive: true });
  const rows = Array.from({ length: 10 }, (_, i) => `P${i + 1},${prefix} ${i + 1}`);
  writeFileSync(join(dir, name, 'projects.csv'), ['Code,Name', ...rows, ''].join('\n'));
  const file = join(dir, name, 'pipeline.yaml');
  writeFileSync(
    file,
    [
      'version: 1',
      `name: ${name}`,
      'steps:',
      '  - name: projects',
      '    entity: project',
      '    source: { type: csv, path: projects.csv }',
      '    key: [Code]',
      '    fields:',
      '      name: { from: Name, required: true }',
      '',
    ].join('\n'),
  );
  return file;
}

/** Every row of every table, for "nothing changed". */
function dump(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    return JSON.stringify([db.pragma('user_version', { simple: true }), ...tables.map((t) => [t.name, db.prepare(`SELECT * FROM "${t.name}"`).all()])]);
  } finally {
    db.close();
  }
}

const projectNames = () => (sandbox.admin.entities('projects') as { name: string }[]).map((p) => p.name).sort();

describe('a checkpoint shared by two pipelines', () => {
  it('refuses the second pipeline (exit 2, nothing skipped) and leaves the first one’s checkpoint as it was', async () => {
    const clock = createScaledClock(100, sandbox.clock.now());
    const a = writePipeline('conc', 'Alpha');
    const b = writePipeline('concB', 'Beta');
    const first = await runPipeline(a, { env: { ...sandbox.env }, cwd: dir, clock, outDir: false });
    expect(first.exitCode).toBe(0);
    expect(first.counts.projects).toMatchObject({ read: 10, created: 10 });
    const dbA = join(dir, '.zpetl', 'conc.db');
    expect(first.dbPath).toBe(dbA);
    const before = dump(dbA);

    const second = await runPipeline(b, { env: { ...sandbox.env }, cwd: dir, clock, db: dbA, outDir: false });
    expect(second.exitCode).toBe(2);
    expect(second.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(second.message).toContain(dbA);
    expect(second.message).toContain('pipeline "conc"');
    expect(second.message).toContain('pipeline "concB"');
    expect(second.error?.hint).toMatch(/--db/);
    expect(second.counts).toEqual({});
    // nothing of B skipped into A's crosswalk, nothing of A's checkpoint changed, nothing sent
    expect(dump(dbA)).toBe(before);
    expect(projectNames()).toEqual(Array.from({ length: 10 }, (_, i) => `Alpha ${i + 1}`).sort());

    // resume too, and the read-only openers: the dry run would have predicted 10 skips
    const resumed = await runPipeline(b, { env: { ...sandbox.env }, cwd: dir, clock, db: dbA, resume: true, outDir: false });
    expect(resumed.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    const dry = await dryRun(b, { env: { ...sandbox.env }, cwd: dir, db: dbA, outDir: join(dir, 'dry') });
    expect(dry.exitCode).toBe(2);
    expect(dry.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(() => readPipelineStatus(dbA, 'concB')).toThrow(/belongs to pipeline "conc"/);
    expect(() => listRejects(dbA, 'concB')).toThrow(/belongs to pipeline "conc"/);
    expect(dump(dbA)).toBe(before);

    // its own pipeline still opens it, and B on its own default file loads its 10 projects
    expect(readPipelineStatus(dbA, 'conc').run?.status).toBe('ok');
    const own = await runPipeline(b, { env: { ...sandbox.env }, cwd: dir, clock, outDir: false });
    expect(own.counts.projects).toMatchObject({ read: 10, created: 10, skipped: 0 });
  });

  it('refuses the same pipeline aimed at another portal: the crosswalk holds the first portal’s ids', async () => {
    const clock = createScaledClock(100, sandbox.clock.now());
    const a = writePipeline('conc', 'Alpha');
    const first = await runPipeline(a, { env: { ...sandbox.env }, cwd: dir, clock, outDir: false });
    expect(first.exitCode).toBe(0);
    const before = dump(first.dbPath);
    const other = await runPipeline(a, { env: { ...sandbox.env, ZOHO_PORTAL_ID: '60099999999' }, cwd: dir, clock, outDir: false });
    expect(other.exitCode).toBe(2);
    expect(other.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(other.message).toContain(`portal ${sandbox.portalId}`);
    expect(other.message).toContain('portal 60099999999');
    expect(dump(first.dbPath)).toBe(before);
  });

  it('a --db naming a directory exits 2 with CHECKPOINT_PATH, not CHECKPOINT_CORRUPT "disk I/O error"', async () => {
    const a = writePipeline('conc', 'Alpha');
    const res = await runPipeline(a, { env: { ...sandbox.env }, cwd: dir, db: dir, outDir: false });
    expect(res.exitCode).toBe(2);
    expect(res.error?.code).toBe('CHECKPOINT_PATH');
    expect(res.message).toBe(`CHECKPOINT_PATH: checkpoint database ${dir} is a directory, not a file`);
    expect(projectNames()).toEqual([]);
  });

  it('payroll exports given no pipeline share .zpetl/payroll.db for one portal; another portal, or a pipeline’s file, is refused', async () => {
    const base = { period: '2026-11-01..2026-11-15', tz: 'UTC', cwd: dir, dotenv: false };
    const first = await runTimesheetExport({ ...base, out: join(dir, 'p1.csv'), env: { ...sandbox.env } });
    expect(first.exitCode).toBe(0);
    const shared = join(dir, '.zpetl', 'payroll.db');
    const before = dump(shared);
    await expect(runTimesheetExport({ ...base, out: join(dir, 'p2.csv'), env: { ...sandbox.env, ZOHO_PORTAL_ID: '60099999999' } })).rejects.toMatchObject({
      code: 'CHECKPOINT_OTHER_PIPELINE',
      message: expect.stringContaining(`belongs to pipeline "payroll" (portal ${sandbox.portalId}), not to pipeline "payroll" (portal 60099999999)`),
    });
    expect(dump(shared)).toBe(before);
    // a load pipeline's checkpoint is not the shared payroll one
    const a = writePipeline('conc', 'Alpha');
    const run = await runPipeline(a, { env: { ...sandbox.env }, cwd: dir, clock: createScaledClock(100, sandbox.clock.now()), outDir: false });
    await expect(runTimesheetExport({ ...base, out: join(dir, 'p3.csv'), env: { ...sandbox.env }, db: run.dbPath })).rejects.toMatchObject({ code: 'CHECKPOINT_OTHER_PIPELINE' });
  });
});
