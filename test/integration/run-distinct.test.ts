/**
 * Deriving parents: one project per distinct Project column of an issues file (`distinct: true`).
 * The dry run and the real run count the same folds and warnings; a run stopped in the middle of the
 * step and resumed ends with the same counts (read = created + updated + skipped + rejected) and the
 * same warnings, none lost or doubled; warnings reach warnings.csv, report.json and the events.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { loadPipeline } from '../../src/pipeline/file/load-pipeline.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import type { RunReport } from '../../src/report/model.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { dryRunOnSandbox, runOnSandbox } from '../helpers/sandbox-runs.js';

it.override({ sandboxOptions: { seed: 'empty', timeScale: 60 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

// Lines 2–13. Five projects first, then seven repeats folded, two of them (lines 8 and 10) with another lead.
const ISSUES = [
  'Issue,Project,Lead',
  'I-1,Apollo,Ann',
  'I-2,Zeus,Bo',
  'I-3,Hera,Cy',
  'I-4,Ares,Ed',
  'I-5,Nike,Gus',
  'I-6,Apollo,Ann',
  'I-7,Zeus,Flo',
  'I-8,Hera,Cy',
  'I-9,Apollo,Dee',
  'I-10,Ares,Ed',
  'I-11,Zeus,Bo',
  'I-12,Nike,Gus',
  '',
].join('\n');

const PIPELINE = `version: 1
name: derive-projects
options: { batchSize: 2 }
steps:
  - name: projects
    entity: project
    source: { type: csv, path: issues.csv }
    key: [Project]
    distinct: true
    fields:
      name: { from: Project, required: true }
      description: { from: Lead }
`;

const EXPECTED = { read: 12, valid: 5, created: 5, updated: 0, skipped: 7, folded: 7, warned: 2, rejected: 0, inDoubt: 0 };

function pipeline() {
  writeFileSync(join(dir, 'issues.csv'), ISSUES);
  writeFileSync(join(dir, 'p.yaml'), PIPELINE);
  return loadPipeline(join(dir, 'p.yaml'), sandbox.env);
}

const warningLines = (events: PipelineEvent[]) => events.flatMap((e) => (e.type === 'warning' ? [`${e.error.code}:${e.error.pos.line}`] : []));
const DIFFERS = ['ROW_FOLDED_DIFFERS:8', 'ROW_FOLDED_DIFFERS:10'];

/** warnings.csv of a report folder: each row's line and code, and the original column Lead. */
function warningsCsv(folder: string): string[] {
  const rows = parse(readFileSync(join(folder, 'warnings.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  return rows.map((r) => `${r['_code']}:${r['_line']}:${r['Lead']}`);
}

describe('distinct: true, dry run and real run', () => {
  it('folds repeats as skipped (folded), the first row wins, and both modes count and report the same folds and warnings', async () => {
    const p = pipeline();
    const dryEvents: PipelineEvent[] = [];
    const dry = await dryRunOnSandbox(p, sandbox, dir, dryEvents);
    expect(dry.exitCode).toBe(0);
    expect(dry.report.steps[0]!.counts).toMatchObject({ read: 12, valid: 5, skipped: 7, folded: 7, warned: 2, rejected: 0, wouldCreate: 5 });
    expect(warningLines(dryEvents)).toEqual(DIFFERS);

    const events: PipelineEvent[] = [];
    const run = await runOnSandbox(p, sandbox, dir, events);
    expect(run.exitCode, run.message).toBe(0);
    expect(run.counts['projects']).toEqual(EXPECTED);
    expect(warningLines(events)).toEqual(DIFFERS);
    // The first row with each key is the one loaded.
    const leads = Object.fromEntries((sandbox.admin.entities('projects') as { name: string; description?: string }[]).map((x) => [x.name, x.description]));
    expect(leads).toEqual({ Apollo: 'Ann', Zeus: 'Bo', Hera: 'Cy', Ares: 'Ed', Nike: 'Gus' });

    for (const folder of [join(dir, 'dry'), join(dir, 'run')]) {
      const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as RunReport;
      expect(report.totals, folder).toMatchObject({ skipped: 7, folded: 7, warned: 2, rejected: 0 });
      expect(report.warningsByCode).toEqual({ ROW_FOLDED_DIFFERS: 2 });
      expect(report.steps[0]!.warningsByCode).toEqual({ ROW_FOLDED_DIFFERS: 2 });
      expect(report.warningSamples!.map((s) => `${s.code}:${s.line}`)).toEqual(DIFFERS);
      expect(report.files.warningsCsv).toBe('warnings.csv');
      expect(report.rejectsByCode).toEqual({});
      expect(warningsCsv(folder)).toEqual(['ROW_FOLDED_DIFFERS:8:Flo', 'ROW_FOLDED_DIFFERS:10:Dee']);
      expect(readFileSync(join(folder, 'report.html'), 'utf8')).toMatch(/Sample warnings[\s\S]*ROW_FOLDED_DIFFERS/);
    }
  });

  it('a run stopped in the middle of the step and resumed ends with the counts and warnings of an uninterrupted run', async () => {
    const p = pipeline();
    const ac = new AbortController();
    const first: PipelineEvent[] = [];
    const onEvent = (e: PipelineEvent) => {
      first.push(e);
      // After the first batch (Apollo, Zeus): the mark is at line 4, and no repeat has been read. Read
      // from the mark, the resumed run would take Apollo's and Zeus's repeats for first rows.
      if (e.type === 'step-progress' && e.counts.created >= 2) ac.abort();
    };
    const stopped = await runPipeline(p, { env: sandbox.env, cwd: dir, db: join(dir, 'p.db'), outDir: false, clock: sandbox.clock, signal: ac.signal, onEvent });
    expect(stopped.exitCode, stopped.message).toBe(130);
    expect(stopped.counts['projects']!.created).toBeLessThan(5);
    expect(stopped.counts['projects']!.folded).toBeUndefined();

    const second: PipelineEvent[] = [];
    const resumed = await runPipeline(pipeline(), { env: sandbox.env, cwd: dir, db: join(dir, 'p.db'), reportDir: join(dir, 'resumed'), clock: sandbox.clock, resume: true, onEvent: (e) => second.push(e) });
    expect(resumed.exitCode, resumed.message).toBe(0);
    expect(resumed.runId).toBe(stopped.runId);
    expect(resumed.counts['projects']).toEqual(EXPECTED);
    expect(sandbox.admin.entities('projects')).toHaveLength(5);
    // Each warning told once across the two processes, and recorded once.
    expect([...warningLines(first), ...warningLines(second)].sort()).toEqual([...DIFFERS].sort());
    expect(warningsCsv(join(dir, 'resumed'))).toEqual(['ROW_FOLDED_DIFFERS:8:Flo', 'ROW_FOLDED_DIFFERS:10:Dee']);

    // zpetl status reads the same figures from the checkpoint.
    let stdout = '';
    const io: CliIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => {} }, env: sandbox.env, cwd: dir, signal: new AbortController().signal, now: () => Date.now() };
    expect(await runCli(['status', join(dir, 'p.yaml'), '--db', join(dir, 'p.db')], io)).toBe(0);
    expect(stdout).toMatch(/step\s+entity\s+status\s+read\s+created\s+updated\s+skipped\s+rejected\s+sent\s+inDoubt\s+folded\s+warned\n/);
    expect(stdout).toMatch(/projects\s+project\s+done\s+12\s+5\s+0\s+7\s+0\s+0\s+0\s+7\s+2\n/);
    // zpetl rejects --warnings lists them; without the flag, there are no rejects.
    stdout = '';
    expect(await runCli(['rejects', join(dir, 'p.yaml'), '--db', join(dir, 'p.db'), '--warnings'], io)).toBe(0);
    expect(stdout).toMatch(/^run #\d+ \(ok\): 2 warning\(s\)\nprojects {2}issues\.csv:8 {2}ROW_FOLDED_DIFFERS {2}Project: .*\nprojects {2}issues\.csv:10 /);
    stdout = '';
    expect(await runCli(['rejects', join(dir, 'p.yaml'), '--db', join(dir, 'p.db')], io)).toBe(0);
    expect(stdout).toMatch(/: 0 reject\(s\)\n$/);
  });
});
