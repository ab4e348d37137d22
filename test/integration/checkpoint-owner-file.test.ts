/**
 * A checkpoint belongs to one pipeline FILE, not just a name (src/checkpoint/owner.ts): pipeline files
 * are copied with their `name:`, and two copies share `.zpetl/<name>.db` with no `--db` at all, so the
 * second used to print "0 loaded, 10 skipped" with exit 0. Now it is refused naming both files, unless
 * `adoptCheckpoint` takes the file over (the same pipeline moved, or renamed), never across portals.
 * The dry run, status and rejects work out the owner (portal from `.env` too) and path as the run does.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createScaledClock } from '../../src/core/clock.js';
import { checkpointOwnerOf } from '../../src/pipeline/checkpoint-owner.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { loadPipeline } from '../../src/pipeline/file/load-pipeline.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import { listRejects, readPipelineStatus } from '../../src/pipeline/status/status.js';
import type { Sandbox } from '../../src/sandbox/index.js';

it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

/** `file` (in `dir`): pipeline `name` creating 10 projects keyed P1..P10 from `csv`, named `<prefix> n`. */
function writePipeline(file: string, name: string, csv: string, prefix: string): string {
  const rows = Array.from({ length: 10 }, (_, i) => `P${i + 1},${prefix} ${i + 1}`);
  writeFileSync(join(dir, csv), ['Code,Name', ...rows, ''].join('\n'));
  const path = join(dir, file);
  writeFileSync(
    path,
    ['version: 1', `name: ${name}`, 'steps:', '  - name: projects', '    entity: project', `    source: { type: csv, path: ${csv} }`, '    key: [Code]', '    fields:', '      name: { from: Name, required: true }', ''].join('\n'),
  );
  return path;
}

const ownerRow = (db: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT pipeline, portal_id, pipeline_file, adopted FROM checkpoint_owner').get();
  } finally {
    d.close();
  }
};
const clock = () => createScaledClock(100, sandbox.clock.now());
const projects = () => sandbox.admin.entities('projects').length;

describe('a checkpoint belongs to one pipeline file', () => {
  it('a copy of the file with the same name is refused on the default checkpoint, naming both files; editing the file in place goes on', async () => {
    const p1 = writePipeline('p1.yaml', 'conc', 'a.csv', 'Alpha');
    const copy = writePipeline('pcopy.yaml', 'conc', 'b.csv', 'Beta');
    const first = await runPipeline(p1, { env: { ...sandbox.env }, cwd: dir, clock: clock(), outDir: false });
    expect(first.counts.projects).toMatchObject({ created: 10 });
    expect(ownerRow(first.dbPath)).toEqual({ pipeline: 'conc', portal_id: sandbox.portalId, pipeline_file: p1, adopted: 0 });

    const second = await runPipeline(copy, { env: { ...sandbox.env }, cwd: dir, clock: clock(), outDir: false });
    expect(second.exitCode).toBe(2);
    expect(second.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(second.message).toContain(`belongs to pipeline "conc" of another file, ${p1}, not to pipeline "conc" (file ${copy}, portal ${sandbox.portalId})`);
    expect(second.error?.hint).toContain('--adopt-checkpoint');
    expect(second.counts).toEqual({});
    // the readers refuse it too, and say the run could take it over
    const dry = await dryRun(copy, { env: { ...sandbox.env }, cwd: dir, outDir: join(dir, 'dry') });
    expect(dry.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(dry.error?.hint).toContain('`zpetl run --adopt-checkpoint` takes the checkpoint over');
    const owner = checkpointOwnerOf(loadPipeline(copy, sandbox.env), { env: sandbox.env, cwd: dir });
    expect(() => readPipelineStatus(first.dbPath, 'conc', { owner })).toThrow(/of another file/);
    expect(() => listRejects(first.dbPath, 'conc', { owner })).toThrow(/of another file/);
    expect(projects()).toBe(10);

    // the documented workflow: the step re-pointed at another file, in place: same pipeline
    writeFileSync(p1, readFileSync(p1, 'utf8').replace('path: a.csv', 'path: b.csv'));
    const edited = await runPipeline(p1, { env: { ...sandbox.env }, cwd: dir, clock: clock(), outDir: false });
    expect(edited.exitCode).toBe(0);
    expect(edited.counts.projects).toMatchObject({ read: 10, skipped: 10 });
  });

  it('adoptCheckpoint takes it over for a moved file or a renamed pipeline, with a warning from what to what; the old one is then refused', async () => {
    const p1 = writePipeline('p1.yaml', 'conc', 'a.csv', 'Alpha');
    const db = join(dir, '.zpetl', 'conc.db');
    expect((await runPipeline(p1, { env: { ...sandbox.env }, cwd: dir, clock: clock(), outDir: false })).exitCode).toBe(0);
    mkdirSync(join(dir, 'moved'));
    const renamed = writePipeline(join('moved', 'renamed.yaml'), 'conc-renamed', join('moved', 'a.csv'), 'Alpha');
    writeFileSync(renamed, readFileSync(renamed, 'utf8').replace('path: moved/a.csv', 'path: a.csv'));

    const refused = await runPipeline(renamed, { env: { ...sandbox.env }, cwd: dir, db: '.zpetl/conc.db', clock: clock(), outDir: false });
    expect(refused.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(refused.error?.hint).toContain('--adopt-checkpoint');

    const events: PipelineEvent[] = [];
    const adopted = await runPipeline(renamed, { env: { ...sandbox.env }, cwd: dir, db: '.zpetl/conc.db', adoptCheckpoint: true, clock: clock(), outDir: false, onEvent: (e) => events.push(e) });
    expect(adopted.exitCode, adopted.message).toBe(0);
    expect(adopted.counts.projects).toMatchObject({ read: 10, created: 0, skipped: 10 });
    const warn = events.find((e) => e.type === 'log' && e.level === 'warn');
    expect(warn).toMatchObject({
      message: `checkpoint ${db} adopted (--adopt-checkpoint): it belonged to pipeline "conc" (file ${p1}, portal ${sandbox.portalId}) and now belongs to pipeline "conc-renamed" (file ${renamed}, portal ${sandbox.portalId}); its keys count as this pipeline's`,
    });
    expect(ownerRow(db)).toEqual({ pipeline: 'conc-renamed', portal_id: sandbox.portalId, pipeline_file: renamed, adopted: 1 });
    // its history came along: status of the renamed pipeline shows both runs' latest
    expect(readPipelineStatus(db, 'conc-renamed', { owner: checkpointOwnerOf(loadPipeline(renamed, sandbox.env), { env: sandbox.env, cwd: dir }) }).run?.status).toBe('ok');
    const old = await runPipeline(p1, { env: { ...sandbox.env }, cwd: dir, clock: clock(), outDir: false });
    expect(old.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(projects()).toBe(10);
  });

  it('adoptCheckpoint never crosses portals: refused, saying why', async () => {
    const p1 = writePipeline('p1.yaml', 'conc', 'a.csv', 'Alpha');
    const first = await runPipeline(p1, { env: { ...sandbox.env }, cwd: dir, clock: clock(), outDir: false });
    const other = await runPipeline(p1, { env: { ...sandbox.env, ZOHO_PORTAL_ID: '60099999999' }, cwd: dir, adoptCheckpoint: true, clock: clock(), outDir: false });
    expect(other.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(other.error?.hint).toContain(`--adopt-checkpoint cannot take it over either: its crosswalk holds ids of portal ${sandbox.portalId}, which name nothing (or something else) on portal 60099999999`);
    expect(ownerRow(first.dbPath)).toMatchObject({ pipeline: 'conc', portal_id: sandbox.portalId, adopted: 0 });
  });

  it('the dry run, status and rejects take the portal from .env as the run does', async () => {
    const p1 = writePipeline('p1.yaml', 'conc', 'a.csv', 'Alpha');
    expect((await runPipeline(p1, { env: { ...sandbox.env }, cwd: dir, clock: clock(), outDir: false })).exitCode).toBe(0);
    const { ZOHO_PORTAL_ID: _, ...env } = sandbox.env;
    writeFileSync(join(dir, '.env'), 'ZOHO_PORTAL_ID=99999\n');
    const run = await runPipeline(p1, { env, cwd: dir, clock: clock(), outDir: false });
    expect(run.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    const dry = await dryRun(p1, { env, cwd: dir, outDir: join(dir, 'dry') });
    expect(dry.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(dry.error?.message).toContain('portal 99999');
    const owner = checkpointOwnerOf(loadPipeline(p1, env), { env, cwd: dir });
    expect(owner.portalId).toBe('99999');
    expect(() => readPipelineStatus(run.dbPath, 'conc', { owner })).toThrow(/portal 99999/);
    expect(() => listRejects(run.dbPath, 'conc', { owner })).toThrow(/portal 99999/);
  });

  it('a relative db is under options.cwd, for the run as for the dry run', async () => {
    const p1 = writePipeline('p1.yaml', 'conc', 'a.csv', 'Alpha');
    const run = await runPipeline(p1, { env: { ...sandbox.env }, cwd: dir, db: 'state/rel.db', clock: clock(), outDir: false });
    expect(run.exitCode).toBe(0);
    expect(run.dbPath).toBe(join(dir, 'state', 'rel.db'));
    expect(existsSync(join(dir, 'state', 'rel.db'))).toBe(true);
    const dry = await dryRun(p1, { env: { ...sandbox.env }, cwd: dir, db: 'state/rel.db', outDir: join(dir, 'dry') });
    expect(dry.report.steps[0]?.counts).toMatchObject({ wouldSkip: 10 });
  });
});
