/**
 * Source warnings in the real run: recorded in the checkpoint (idx < 0, never a row's `warned`), told as
 * `source-warning` events, listed in report.json (`sourceWarnings`) and report.html, counted per code at
 * run-end; a run stopped in the middle and resumed neither loses nor doubles them. An empty source ends
 * its step as SOURCE_EMPTY (exit 1) in the run as in the dry run. The CLI side: test/e2e/source-warnings.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
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

// `Lead` twice: the second is read as `Lead_2`, which the step reads (so the default `error` lets it through).
const PROJECTS = ['Key,Name,Lead,Lead', 'P-1,Apollo,Ann,Bo', 'P-2,Zeus,Cy,', 'P-3,Hera,Ed,Flo', 'P-4,Ares,Gus,', 'P-5,Nike,Hal,Ivy', ''].join('\n');

const PIPELINE = (file: string) => `version: 1
name: source-warnings
options: { batchSize: 2 }
steps:
  - name: projects
    entity: project
    source: { type: csv, path: ${file}, duplicateHeaders: number }
    key: [Key]
    fields:
      name: { from: Name, required: true }
      description: { template: "{Lead} {Lead_2}" }
`;

function pipeline(file = 'projects.csv', content = PROJECTS) {
  writeFileSync(join(dir, file), content);
  writeFileSync(join(dir, 'p.yaml'), PIPELINE(file));
  return loadPipeline(join(dir, 'p.yaml'), sandbox.env);
}

const told = (events: PipelineEvent[]) => events.flatMap((e) => (e.type === 'source-warning' ? [`${e.step}:${e.warning.code}:${e.warning.pos?.line}`] : []));
const report = (folder: string) => JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as RunReport;

describe('source warnings in the real run', () => {
  it('are told, recorded and reported as in the dry run, and are not rows with warnings', async () => {
    const p = pipeline();
    const dryEvents: PipelineEvent[] = [];
    const dry = await dryRunOnSandbox(p, sandbox, dir, dryEvents);
    expect(dry.exitCode).toBe(0);
    const events: PipelineEvent[] = [];
    const run = await runOnSandbox(p, sandbox, dir, events);
    expect(run.exitCode, run.message).toBe(0);
    expect(told(events)).toEqual(['projects:SOURCE_DUPLICATE_HEADER:1']);
    expect(told(events)).toEqual(told(dryEvents));
    expect(run.counts['projects']).toMatchObject({ read: 5, created: 5 });
    expect(run.counts['projects']!.warned ?? 0).toBe(0);
    expect(run.warningsByCode).toEqual({ SOURCE_DUPLICATE_HEADER: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', warningsByCode: { SOURCE_DUPLICATE_HEADER: 1 } });
    for (const folder of [join(dir, 'dry'), join(dir, 'run')]) {
      const r = report(folder);
      expect(r.sourceWarnings, folder).toEqual([expect.objectContaining({ step: 'projects', code: 'SOURCE_DUPLICATE_HEADER', source: 'projects.csv', line: 1 })]);
      expect(r.totals.warned).toBeUndefined();
      expect(r.warningsByCode).toEqual({});
      // warnings.csv holds rows only: its header and nothing else.
      expect(readFileSync(join(folder, 'warnings.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
      expect(readFileSync(join(folder, 'report.html'), 'utf8')).toMatch(/ok, with 1 source warning[\s\S]*Source warnings[\s\S]*SOURCE_DUPLICATE_HEADER/);
    }
  });

  it('a run stopped in the middle and resumed neither loses nor doubles them', async () => {
    const p = pipeline();
    const ac = new AbortController();
    const first: PipelineEvent[] = [];
    const stopped = await runPipeline(p, {
      env: sandbox.env,
      cwd: dir,
      db: join(dir, 'p.db'),
      outDir: false,
      clock: sandbox.clock,
      signal: ac.signal,
      onEvent: (e) => {
        first.push(e);
        if (e.type === 'step-progress' && e.counts.created >= 2) ac.abort();
      },
    });
    expect(stopped.exitCode, stopped.message).toBe(130);
    expect(told(first)).toEqual(['projects:SOURCE_DUPLICATE_HEADER:1']);
    const second: PipelineEvent[] = [];
    const resumed = await runPipeline(pipeline(), { env: sandbox.env, cwd: dir, db: join(dir, 'p.db'), reportDir: join(dir, 'resumed'), clock: sandbox.clock, resume: true, onEvent: (e) => second.push(e) });
    expect(resumed.exitCode, resumed.message).toBe(0);
    expect(resumed.runId).toBe(stopped.runId);
    // Read again from the header on resume: recorded already, so not told again.
    expect(told(second)).toEqual([]);
    expect(resumed.warningsByCode).toEqual({ SOURCE_DUPLICATE_HEADER: 1 });
    expect(report(join(dir, 'resumed')).sourceWarnings).toHaveLength(1);
    expect(resumed.counts['projects']).toMatchObject({ read: 5, created: 5 });
    expect(resumed.counts['projects']!.warned ?? 0).toBe(0);
  });

  it('an empty source ends the step as SOURCE_EMPTY: exit 1 in the run as in the dry run, nothing sent', async () => {
    const p = pipeline('empty.csv', '');
    const dry = await dryRun(p, { cwd: dir, db: join(dir, 'p.db'), outDir: join(dir, 'dry') });
    expect(dry.exitCode).toBe(1);
    expect(dry.error?.code).toBe('SOURCE_EMPTY');
    const run = await runOnSandbox(p, sandbox, dir, []);
    expect(run.exitCode, run.message).toBe(1);
    expect(run.error?.code).toBe('SOURCE_EMPTY');
    expect(report(join(dir, 'run'))).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(report(join(dir, 'run')).error).toMatch(/^SOURCE_EMPTY/);
    expect(sandbox.admin.entities('projects')).toHaveLength(0);
  });
});
