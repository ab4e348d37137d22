/**
 * The real run's report folder: a run with a few bad rows against the sandbox
 * writes report.json, report.html, rejects.csv (+ rejects-<step>.csv) and crosswalk.csv with figures
 * that reconcile, and rejects.csv, fixed, loads as the step's source.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createScaledClock } from '../../src/core/clock.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import { executeRun } from '../../src/pipeline/run/run-engine.js';
import { writeRunReport } from '../../src/pipeline/run/run-report.js';
import { parseWindow } from '../../src/pipeline/window.js';
import type { RunReport } from '../../src/report/model.js';
import { REJECT_COLUMNS } from '../../src/report/rejects-writer.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandboxClientFactory } from '../helpers/sandbox-client.js';
import { generateMigration, migrationPlan } from '../helpers/synthetic-plan.js';
import { verifyMigration } from '../helpers/verify-migration.js';

it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

const PROJECTS = [
  'Code,Name,"Notes, free text",Start',
  'P1,Alpha,"plain",2026-01-05',
  'P2,Beta,"has ""quotes"", and a comma",2026-13-40', // bad date → ROW_INVALID_DATE
  'P3,Gamma,,2026-02-01',
  'P4,,"no name",2026-02-01', // required name missing
  '',
].join('\n');
const TASKLISTS = ['Project,List,Extra', 'Alpha,Design,x', 'Gamma,Build,y', 'Nowhere,QA,z', 'Alpha,Ops,w', ''].join('\n');

function pipeline(tasklistsCsv: string): string {
  const yaml = `version: 1
name: report-check
options: { batchSize: 2, concurrency: 2 }
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [Code]
    fields:
      name: { from: Name, converter: trim, required: true }
      description: { from: "Notes, free text" }
      startDate: { from: Start, converter: { type: date, formats: [YYYY-MM-DD] } }
  - name: tasklists
    entity: tasklist
    source: { type: csv, path: ${tasklistsCsv} }
    key: [Project, List]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: List, converter: trim, required: true }
`;
  const file = join(dir, `pipeline-${tasklistsCsv.replace(/\W/g, '_')}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

describe('real-run reports', () => {
  it('writes report.json, report.html, rejects.csv and crosswalk.csv with figures that reconcile; rejects.csv feeds back', async () => {
    writeFileSync(join(dir, 'projects.csv'), PROJECTS);
    writeFileSync(join(dir, 'tasklists.csv'), TASKLISTS);
    const clock = createScaledClock(100, sandbox.clock.now());
    const events: PipelineEvent[] = [];
    const res = await runPipeline(pipeline('tasklists.csv'), { env: { ...sandbox.env }, cwd: dir, clock, onEvent: (e) => events.push(e) });
    expect(res.exitCode).toBe(3);

    // Progress carries a total per step (the source's rows, counted before the first request) and an ETA.
    expect(events.find((e) => e.type === 'run-start')).toMatchObject({ steps: [{ name: 'projects', total: 4 }, { name: 'tasklists', total: 4 }] });
    expect(events.filter((e) => e.type === 'step-start')).toEqual([expect.objectContaining({ step: 'projects', total: 4 }), expect.objectContaining({ step: 'tasklists', total: 4 })]);
    const progress = events.filter((e): e is Extract<PipelineEvent, { type: 'step-progress' }> => e.type === 'step-progress');
    expect(progress.length).toBeGreaterThanOrEqual(4);
    for (const p of progress) {
      expect(p.total).toBe(4);
      expect(p.etaMs).toBeGreaterThanOrEqual(0);
    }
    expect(progress.filter((p) => p.counts.read === 4).every((p) => p.etaMs === 0)).toBe(true);
    expect(res.reportDir).toBeDefined();
    const f = res.reportFiles!;
    expect(f.reportJson).toBe(join(res.reportDir!, 'report.json'));
    expect(f.reportHtml).toBe(join(res.reportDir!, 'report.html'));
    expect(f.rejectsCsv).toBe(join(res.reportDir!, 'rejects.csv'));
    expect(f.crosswalkCsv).toBe(join(res.reportDir!, 'crosswalk.csv'));

    // report.json: the model's run kind, counts per step that reconcile, API figures, ids
    const report = JSON.parse(readFileSync(f.reportJson, 'utf8')) as RunReport;
    expect(report).toMatchObject({ schemaVersion: 1, schemaRevision: 5, kind: 'run', pipeline: 'report-check', status: 'rejects', exitCode: 3, runId: res.runId });
    const byName = Object.fromEntries(report.steps.map((s) => [s.name, s]));
    expect(byName.projects!.counts).toMatchObject({ read: 4, created: 2, rejected: 2, skipped: 0, inDoubt: 0 });
    expect(byName.tasklists!.counts).toMatchObject({ read: 4, created: 3, rejected: 1, inDoubt: 0 });
    for (const s of report.steps) {
      const c = s.counts;
      expect(c.read, s.name).toBe(c.created + c.updated + c.skipped + c.rejected + c.inDoubt);
      expect(s.counts).toEqual(res.counts[s.name]);
    }
    expect(report.totals).toMatchObject({ read: 8, created: 5, rejected: 3 });
    expect(report.rejectsByCode).toMatchObject({ ROW_REQUIRED: 1, ROW_INVALID_DATE: 1, ROW_UNKNOWN_PROJECT: 1 });
    expect(Object.values(report.rejectsByCode).reduce((a, b) => a + b, 0)).toBe(3);
    expect(report.samples.map((s) => [s.step, s.line])).toEqual([
      ['projects', 3],
      ['projects', 5],
      ['tasklists', 4],
    ]);
    expect(report.api!['POST /projects']!.calls).toBe(2);
    expect(report.api!['POST /projects/{project}/tasklists']!.calls).toBe(3);
    expect(report.retries).toBe(0);
    expect(report.inDoubtReconciled).toBe(0);
    expect(report.windowsUsed).toBe(0);
    expect(report.createdIds).toMatchObject({ checkpointDb: res.dbPath, crosswalkCsv: 'crosswalk.csv', perStep: { projects: 2, tasklists: 3 } });
    expect(report.steps.map((s) => s.crosswalk)).toEqual([2, 3]);
    expect(report.inputs.map((i) => i.sha256)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(report.files).toMatchObject({ reportJson: 'report.json', reportHtml: 'report.html', rejectsCsv: 'rejects.csv', crosswalkCsv: 'crosswalk.csv' });
    expect(report.files.rejectsPerStep).toEqual({ projects: 'rejects-projects.csv', tasklists: 'rejects-tasklists.csv' });

    // crosswalk.csv: one row per id, 19-digit strings
    const xw = parse(readFileSync(f.crosswalkCsv, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(xw).toHaveLength(5);
    for (const r of xw) expect(r.zoho_id).toMatch(/^\d{19}$/);

    // report.html: the run's step table, not the dry run's wording
    const html = readFileSync(f.reportHtml, 'utf8');
    expect(html).toContain('report-check: run report');
    expect(html).not.toMatch(/dry run|wouldCreate|estimated/i);
    expect(html).toMatch(/<h2>Steps<\/h2><table><tr><th>Step<\/th><th>Entity<\/th><th>Mode<\/th><th>read<\/th><th>created<\/th><th>updated<\/th><th>skipped<\/th><th>rejected<\/th><th>inDoubt<\/th><th>Ids in crosswalk<\/th><\/tr>/);
    expect(html).toMatch(/<tr><td>projects<\/td><td>project<\/td><td>create<\/td><td class="n">4<\/td><td class="n">2<\/td><td class="n">0<\/td><td class="n">0<\/td><td class="n">2<\/td><td class="n">0<\/td>\s*<td class="n">2<\/td>/);
    expect(html).toContain('<h2>API calls</h2>');
    expect(html).toContain('crosswalk.csv');
    expect(html).toContain('has \\&quot;quotes\\&quot;, and a comma'); // the sample row, JSON then HTML-escaped

    // rejects.csv: original columns in original order (values exactly as read) + the five _ columns
    const rows = parse(readFileSync(f.rejectsCsv, 'utf8'), { columns: false }) as string[][];
    expect(rows[0]).toEqual(['Code', 'Name', 'Notes, free text', 'Start', 'Project', 'List', 'Extra', ...REJECT_COLUMNS]);
    const perStep = parse(readFileSync(join(res.reportDir!, 'rejects-projects.csv'), 'utf8'), { columns: false }) as string[][];
    expect(perStep[0]).toEqual(['Code', 'Name', 'Notes, free text', 'Start', ...REJECT_COLUMNS]);
    expect(perStep[1]).toEqual(['P2', 'Beta', 'has "quotes", and a comma', '2026-13-40', '3', 'projects', expect.stringMatching(/^ROW_/), 'startDate', expect.any(String)]);
    const tl = parse(readFileSync(join(res.reportDir!, 'rejects-tasklists.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(tl).toEqual([expect.objectContaining({ Project: 'Nowhere', List: 'QA', Extra: 'z', _line: '4', _step: 'tasklists', _field: 'project' })]);

    // Fed back: fix the value in the per-step file and point the step at it: the row loads, the rest is skipped.
    // The pipeline here is a copy (another file, same name): its checkpoint is refused until the copy adopts it.
    mkdirSync(join(dir, 'fix'));
    writeFileSync(join(dir, 'fix', 'tasklists.csv'), readFileSync(join(res.reportDir!, 'rejects-tasklists.csv'), 'utf8').replace('Nowhere', 'Gamma'));
    const copy = pipeline('fix/tasklists.csv');
    const refused = await runPipeline(copy, { env: { ...sandbox.env }, cwd: dir, clock, outDir: false });
    expect(refused.error?.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    const again = await runPipeline(copy, { env: { ...sandbox.env }, cwd: dir, clock, outDir: join(dir, 'out2'), adoptCheckpoint: true });
    expect(again.counts.tasklists).toMatchObject({ read: 1, created: 1, rejected: 0 });
    expect(again.counts.projects).toMatchObject({ read: 4, created: 0, skipped: 2, rejected: 2 });
    expect(again.reportDir!.startsWith(join(dir, 'out2'))).toBe(true);
  });

  it('reportDir puts the files in exactly that folder; an interrupted run still reports its figures', async () => {
    writeFileSync(join(dir, 'projects.csv'), PROJECTS);
    writeFileSync(join(dir, 'tasklists.csv'), TASKLISTS);
    const ac = new AbortController();
    ac.abort();
    const res = await runPipeline(pipeline('tasklists.csv'), { env: { ...sandbox.env }, cwd: dir, clock: createScaledClock(100, sandbox.clock.now()), reportDir: 'here', signal: ac.signal });
    expect(res.exitCode).toBe(130);
    expect(res.reportDir).toBe(join(dir, 'here'));
    const report = JSON.parse(readFileSync(join(dir, 'here', 'report.json'), 'utf8')) as RunReport;
    expect(report).toMatchObject({ kind: 'run', status: 'interrupted', exitCode: 130 });
    expect(report.message).toMatch(/resume/);
    expect(readFileSync(join(dir, 'here', 'rejects.csv'), 'utf8').trim()).toBe(REJECT_COLUMNS.join(','));
    expect(readFileSync(join(dir, 'here', 'crosswalk.csv'), 'utf8')).toBe('step,key,entity,zoho_id,name,scope_id,origin\n');
    expect(readFileSync(join(dir, 'here', 'report.html'), 'utf8')).toContain('interrupted');
  });
});

describe('real-run report figures under faults', () => {
  it('counts 429s per endpoint, retries, in-doubt records reconciled and the window used', async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), { users: 3, tasklists: 2, tasks: 20, subtaskEvery: 5, timelogs: 10 });
    const clock = createScaledClock(100, sandbox.clock.now());
    // A window open now and for hours (UTC), so every batch runs in one opening.
    const h = new Date(clock.now()).getUTCHours();
    const hh = (n: number) => `${String((n + 24) % 24).padStart(2, '0')}:00`;
    const window = parseWindow(`${hh(h - 1)}-${hh(h + 4)}`, 'UTC');
    sandbox.admin.setFaults([
      { id: 'retry', kind: 'status', status: 503, endpoint: 'POST /projects/{project}/tasklists', nth: 1 }, // safe: re-sent
      { id: 'lock', kind: 'lockout', endpoint: 'POST /projects/{project}/tasks', nth: 3, lockoutS: 30 }, // one 429
      { id: 'after', kind: 'reset-after', endpoint: 'POST /projects/{project}/tasks', nth: 8 }, // landed, answer lost
      { id: 'before', kind: 'status', status: 500, endpoint: 'POST /projects/{project}/log', nth: 2 }, // not landed, in doubt
    ]);
    const plan = migrationPlan(files, { batchSize: 5 });
    const out = join(dir, 'faults-report');
    const res = await executeRun(plan, {
      dbPath: join(dir, 'cp.db'),
      clock,
      client: sandboxClientFactory(sandbox, { clock, backoffBaseMs: 1000 }),
      window,
      writeReport: (r) => writeRunReport(r, plan, { dir: out }),
    });
    expect(res.exitCode).toBe(0);
    expect(sandbox.admin.faults().map((f) => [f.id, f.fired])).toEqual([
      ['retry', 1],
      ['lock', 1],
      ['after', 1],
      ['before', 1],
    ]);
    expect(verifyMigration(sandbox, join(dir, 'cp.db'), expected)).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    // 429s per endpoint: the lock-out answers every create already on its way, as the sandbox counted them
    const sandboxCounts = sandbox.admin.counters().endpoints;
    const tasks429 = report.api!['POST /projects/{project}/tasks']!.rateLimited;
    expect(tasks429).toBeGreaterThanOrEqual(1);
    expect(tasks429).toBe(sandboxCounts['POST /projects/{project}/tasks']!.rateLimited);
    expect(Object.values(report.api!).reduce((n, e) => n + e.rateLimited, 0)).toBe(tasks429);
    expect(report.api!['POST /projects/{project}/tasklists']).toMatchObject({ rateLimited: 0, retries: 1 });
    // retries: the 503 re-sent once, each 429 waited out and re-sent; the two doubtful creates never re-sent blindly
    expect(report.retries).toBe(1 + tasks429);
    expect(report.retries).toBe(Object.values(report.api!).reduce((n, e) => n + e.retries, 0));
    expect(report.inDoubtReconciled).toBe(2);
    expect(report.reconciled).toEqual({ found: 1, notFound: 1, unresolved: 0 });
    expect(report.windowsUsed).toBe(1);
    expect(report.windows).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/)]);
    for (const st of report.steps) expect(st.counts.read, st.name).toBe(st.counts.created + st.counts.updated + st.counts.skipped + st.counts.rejected + st.counts.inDoubt);
    expect(report.totals).toMatchObject({ read: expected.total, inDoubt: 0 });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('In-doubt records reconciled');
  });
});
