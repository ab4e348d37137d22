/**
 * A dry run after a real run: the checkpoint's crosswalk (read-only) turns already-loaded keys into
 * wouldSkip (wouldUpdate in mode upsert), lets later steps find parents loaded earlier, and keeps the
 * estimate to what would really be sent. The database is never written.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createScaledClock } from '../../src/core/clock.js';
import { openCheckpointDb } from '../../src/checkpoint/db.js';
import { MIGRATIONS } from '../../src/checkpoint/migrations.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { EXIT_FATAL, EXIT_OK } from '../../src/pipeline/exit-codes.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import { listRejects, readPipelineStatus } from '../../src/pipeline/status/status.js';
import { renderReportHtml } from '../../src/report/write-report-html.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandboxClient } from '../helpers/sandbox-client.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');

const pipelineYaml = (taskMode = 'create') => `version: 1
name: xw
options: { batchSize: 10 }
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [Code]
    fields:
      name: { from: Name, required: true }
  - name: tasks
    entity: task
    mode: ${taskMode}
    source: { type: csv, path: tasks.csv }
    key: [Task ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: Title, required: true }
  - name: timelogs
    entity: timelog
    source: { type: csv, path: logs.csv }
    key: [Log ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      task: { from: Task ID, lookup: { kind: task-by-key, step: tasks } }
      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" }, required: true }
      billing: { default: Billable }
      user: { default: api-user }
`;

it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
  writeFileSync(join(dir, 'p.yaml'), pipelineYaml());
  writeFileSync(join(dir, 'projects.csv'), 'Code,Name\nP1,Alpha\nP2,Beta\n');
  writeFileSync(join(dir, 'tasks.csv'), 'Task ID,Project,Title\nT1,Alpha,First\nT2,Beta,Second\n');
  writeFileSync(join(dir, 'logs.csv'), 'Log ID,Project,Task ID,Date,Hours\nL1,Alpha,T1,2026-11-02,01:00\nL2,Beta,T2,2026-11-02,02:00\n');
});

/** The first part of the migration, loaded for real. */
async function loadFirstPart(): Promise<string> {
  const res = await runPipeline(join(dir, 'p.yaml'), { env: { ...sandbox.env }, cwd: dir, clock: createScaledClock(100, sandbox.clock.now()), outDir: false });
  expect(res.exitCode, res.message).toBe(0);
  expect(res.counts['tasks']).toMatchObject({ created: 2 });
  return res.dbPath;
}

/** The rest arrives: one more task and two more logs (one on an old task, one on the new one). */
function addRows(): void {
  writeFileSync(join(dir, 'tasks.csv'), 'Task ID,Project,Title\nT1,Alpha,First\nT2,Beta,Second\nT3,Alpha,Third\n');
  writeFileSync(join(dir, 'logs.csv'), 'Log ID,Project,Task ID,Date,Hours\nL1,Alpha,T1,2026-11-02,01:00\nL2,Beta,T2,2026-11-02,02:00\nL3,Alpha,T1,2026-11-03,01:30\nL4,Alpha,T3,2026-11-03,00:30\n');
}

const fingerprint = (path: string) => {
  const st = statSync(path);
  return { size: st.size, mtimeMs: st.mtimeMs, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
};


/** Turns a checkpoint back into the previous schema version (v3: no records.sent_ms), as an older zpetl left it. */
function downgradeToPreviousSchema(db: string): void {
  const w = openCheckpointDb(db, { lock: false });
  w.db.exec('ALTER TABLE records DROP COLUMN sent_ms');
  w.db.pragma(`user_version = ${MIGRATIONS.length - 1}`);
  w.close();
}

function schemaVersion(db: string): number {
  const r = openCheckpointDb(db, { readonly: true });
  try {
    return r.db.pragma('user_version', { simple: true }) as number;
  } finally {
    r.close();
  }
}
describe('dry run after a real run', () => {
  it('counts keys in the crosswalk as wouldSkip, the rest as wouldCreate, and estimates only the creates', async () => {
    const db = await loadFirstPart();
    addRows();
    const before = fingerprint(db);
    const { report, exitCode } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir, now: () => NOW });
    expect(exitCode).toBe(EXIT_OK);
    const c = Object.fromEntries(report.steps.map((s) => [s.name, s.counts]));
    expect(c['projects']).toMatchObject({ read: 2, valid: 2, wouldCreate: 0, wouldSkip: 2, rejected: 0 });
    expect(c['tasks']).toMatchObject({ read: 3, valid: 3, wouldCreate: 1, wouldSkip: 2, rejected: 0 });
    expect(c['timelogs']).toMatchObject({ read: 4, valid: 4, wouldCreate: 2, wouldSkip: 2, rejected: 0 });
    for (const s of report.steps) {
      expect(s.counts.read).toBe(s.counts.valid + s.counts.rejected);
      expect(s.counts.valid).toBe(s.counts.wouldCreate! + s.counts.wouldSkip!);
      expect(s.counts.wouldUpdate).toBeUndefined();
    }
    expect(report.totals).toMatchObject({ read: 9, valid: 9, wouldCreate: 3, wouldSkip: 6 });
    expect(report.checkpointDb).toBe(db);
    expect(report.estimate!.callsByEndpoint).toEqual({ 'POST /projects': 0, 'POST /projects/{project}/tasks': 1, 'POST /projects/{project}/log': 2 });
    expect(report.estimate!.totalCalls).toBe(3);
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('wouldSkip');
    expect(html).toContain('Would create / skip');
    // the checkpoint was read, never written
    expect(fingerprint(db)).toEqual(before);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('resolves later steps against the crosswalk: logs of tasks loaded earlier are not missing their parent', async () => {
    await loadFirstPart();
    // The next delivery carries only new tasks and logs; projects and T1/T2 were loaded before.
    writeFileSync(join(dir, 'projects.csv'), 'Code,Name\n');
    writeFileSync(join(dir, 'tasks.csv'), 'Task ID,Project,Title\nT3,Beta,Third\n');
    writeFileSync(join(dir, 'logs.csv'), 'Log ID,Project,Task ID,Date,Hours\nL3,Alpha,T1,2026-11-03,01:30\nL4,Beta,T3,2026-11-03,00:30\nL5,Beta,T9,2026-11-03,00:30\n');
    const { report } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir, now: () => NOW });
    const s = Object.fromEntries(report.steps.map((x) => [x.name, x]));
    expect(s['tasks']!.counts).toMatchObject({ read: 1, valid: 1, wouldCreate: 1, rejected: 0 });
    // L3 → T1 (crosswalk), L4 → T3 (this dry run), L5 → T9: nowhere
    expect(s['timelogs']!.counts).toMatchObject({ read: 3, valid: 2, wouldCreate: 2, wouldSkip: 0, rejected: 1 });
    expect(s['timelogs']!.rejectsByCode).toEqual({ ROW_MISSING_PARENT: 1 });

    // Without the checkpoint (another --db), the same rows cannot find Alpha, Beta or T1.
    const none = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out2'), cwd: dir, db: join(dir, 'none.db'), now: () => NOW });
    expect(none.report.steps.find((x) => x.name === 'timelogs')!.counts).toMatchObject({ read: 3, valid: 0, rejected: 3 });
    expect(none.report.checkpointDb).toBeUndefined();
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
  });

  it('mode upsert: keys in the crosswalk would be updated (PATCH calls in the estimate), not skipped', async () => {
    await loadFirstPart();
    addRows();
    writeFileSync(join(dir, 'p.yaml'), pipelineYaml('upsert'));
    const { report } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir, now: () => NOW });
    const tasks = report.steps.find((x) => x.name === 'tasks')!;
    expect(tasks.counts).toMatchObject({ read: 3, valid: 3, wouldCreate: 1, wouldSkip: 0, wouldUpdate: 2 });
    expect(tasks.calls).toEqual({ endpoint: 'POST /projects/{project}/tasks', calls: 1 });
    expect(tasks.updateCalls).toEqual({ endpoint: 'PATCH /projects/{project}/tasks/{task}', calls: 2 });
    expect(report.totals).toMatchObject({ wouldCreate: 3, wouldSkip: 4, wouldUpdate: 2 });
    expect(report.estimate!.totalCalls).toBe(5);
    expect(renderReportHtml(report)).toContain('wouldUpdate');
  });

  it('mode skip-existing: an id the crosswalk gives another key is not this row\'s match, in the dry run as in the run', async () => {
    // Two tasks named alike (twins, as time logs often are) loaded; a third twin arrives. Zoho holds two
    // "Design" tasks, both owned by T1 and T2: T3 matches neither, so the run creates it.
    writeFileSync(join(dir, 'p.yaml'), pipelineYaml('skip-existing'));
    writeFileSync(join(dir, 'tasks.csv'), 'Task ID,Project,Title\nT1,Alpha,Design\nT2,Alpha,Design\n');
    writeFileSync(join(dir, 'logs.csv'), 'Log ID,Project,Task ID,Date,Hours\nL1,Alpha,T1,2026-11-02,01:00\n');
    const clock = createScaledClock(100, sandbox.clock.now());
    const first = await runPipeline(join(dir, 'p.yaml'), { env: { ...sandbox.env }, cwd: dir, clock, outDir: false });
    expect(first.counts['tasks']).toMatchObject({ created: 2 });
    writeFileSync(join(dir, 'tasks.csv'), 'Task ID,Project,Title\nT1,Alpha,Design\nT2,Alpha,Design\nT3,Alpha,Design\n');
    const { report } = await dryRun(join(dir, 'p.yaml'), { api: sandboxClient(sandbox, { clock }), env: { ...sandbox.env }, cwd: dir, outDir: join(dir, 'out'), now: () => NOW });
    const predicted = report.steps.find((x) => x.name === 'tasks')!.counts;
    expect(predicted).toMatchObject({ wouldCreate: 1, wouldSkip: 2 });
    const run = await runPipeline(join(dir, 'p.yaml'), { env: { ...sandbox.env }, cwd: dir, clock, outDir: false });
    expect(run.counts['tasks']).toMatchObject({ created: predicted.wouldCreate, skipped: predicted.wouldSkip });
    expect(sandbox.admin.entities('tasks').filter((t) => (t as { name: string }).name === 'Design')).toHaveLength(3);
  });

  it('works while a real run holds the checkpoint (its lock and an open WAL connection), and never writes it', async () => {
    const db = await loadFirstPart();
    addRows();
    const holder = openCheckpointDb(db); // as a running real run: pid lock + WAL writer connection
    try {
      const before = fingerprint(db);
      const { report, exitCode } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir, now: () => NOW });
      expect(exitCode).toBe(EXIT_OK);
      expect(report.totals).toMatchObject({ wouldCreate: 3, wouldSkip: 6 });
      expect(fingerprint(db)).toEqual(before);
      expect(readFileSync(`${db}.lock`, 'utf8')).toBe(String(process.pid));
    } finally {
      holder.close();
    }
  });
});

describe('dry run and the checkpoint file', () => {
  it('with no checkpoint: every valid row is a create, and no database is created', async () => {
    const { report, exitCode } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir, now: () => NOW });
    expect(exitCode).toBe(EXIT_OK);
    expect(report.totals).toMatchObject({ read: 6, valid: 6, wouldCreate: 6, wouldSkip: 0 });
    expect(report.checkpointDb).toBeUndefined();
    expect(existsSync(join(dir, '.zpetl'))).toBe(false);
  });

  it('a checkpoint of an older schema is reported (CHECKPOINT_SCHEMA, exit 1), never upgraded by the dry run', async () => {
    const db = await loadFirstPart();
    downgradeToPreviousSchema(db);
    const { report, exitCode } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir, now: () => NOW });
    expect(exitCode).toBe(EXIT_FATAL);
    expect(report.error).toMatch(new RegExp(`^CHECKPOINT_SCHEMA: .*schema version ${MIGRATIONS.length - 1}, this zpetl reads ${MIGRATIONS.length}; a dry run never upgrades it`));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length - 1);
  });

  it('status and rejects read the checkpoint read-only too: an older schema is reported, never upgraded', async () => {
    const db = await loadFirstPart();
    downgradeToPreviousSchema(db);
    expect(() => readPipelineStatus(db, 'p')).toThrow(/schema version \d+, this zpetl reads \d+; status never upgrades it/);
    expect(() => listRejects(db, 'p')).toThrow(/rejects never upgrades it/);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length - 1);
  });

  it('an unreadable checkpoint is fatal (exit 1, reports written), not silently ignored', async () => {
    writeFileSync(join(dir, 'bad.db'), 'this is not a database, just text long enough to be read as a header........');
    const { report, exitCode } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out'), cwd: dir, db: 'bad.db', now: () => NOW });
    expect(exitCode).toBe(EXIT_FATAL);
    expect(report.error).toMatch(/^CHECKPOINT_CORRUPT/);
    expect(readFileSync(join(dir, 'bad.db'), 'utf8')).toMatch(/^this is not a database/);
  });
});
