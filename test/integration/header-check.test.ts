/**
 * Every load step's source header is checked before anything is sent (src/pipeline/prepare/header-check.ts):
 * a typo in a later step's column stops the run before an earlier step loads, and the error names every
 * step's problem.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { loadPipeline } from '../../src/pipeline/file/load-pipeline.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { runOnSandbox } from '../helpers/sandbox-runs.js';

it.override({ sandboxOptions: { seed: 'empty', timeScale: 60 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

const PIPELINE = `version: 1
name: header-check
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [Key]
    fields:
      name: { from: Name, required: true }
  - name: more-projects
    entity: project
    dependsOn: [projects]
    source: { type: csv, path: more.csv }
    key: [Key]
    fields:
      name: { from: Nmae, required: true }
  - name: empty-projects
    entity: project
    dependsOn: [more-projects]
    source: { type: csv, path: empty.csv }
    key: [Key]
    fields:
      name: { from: Name }
`;

function pipeline() {
  writeFileSync(join(dir, 'projects.csv'), 'Key,Name\nP-1,Apollo\nP-2,Zeus\n');
  writeFileSync(join(dir, 'more.csv'), 'Key,Name\nP-3,Hera\n');
  writeFileSync(join(dir, 'empty.csv'), '');
  writeFileSync(join(dir, 'p.yaml'), PIPELINE);
  return loadPipeline(join(dir, 'p.yaml'), sandbox.env);
}

describe('every step\'s source header, before anything is sent', () => {
  it('the run: a typo column and an empty file in later steps stop it before the first step loads; one error names both', async () => {
    const p = pipeline();
    const run = await runOnSandbox(p, sandbox, dir, []);
    expect(run.exitCode, run.message).toBe(1);
    expect(run.error?.code).toBe('SOURCE_MISSING_COLUMN');
    expect(run.error?.message).toContain('step more-projects: field name names "Nmae"');
    expect(run.error?.message).toContain('step empty-projects:');
    expect(run.error?.details['problems']).toMatchObject([
      { step: 'more-projects', code: 'SOURCE_MISSING_COLUMN' },
      { step: 'empty-projects', code: 'SOURCE_EMPTY' },
    ]);
    expect(sandbox.admin.entities('projects')).toHaveLength(0);
  });

  it('the dry run reports every step\'s header problem', async () => {
    const p = pipeline();
    const dry = await dryRun(p, { cwd: dir, db: join(dir, 'p.db'), outDir: join(dir, 'dry') });
    expect(dry.exitCode).toBe(1);
    expect(dry.error?.message).toContain('more-projects');
    expect(dry.error?.message).toContain('empty-projects');
  });
});

describe('a JSON source that breaks mid-read, fixed, then resumed', () => {
  it('the rows before the break are created once; the resume from the mark at the break creates the rest, no duplicate', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `  {"Key": "P-${i + 1}", "Name": "Project ${i + 1}"}`);
    writeFileSync(join(dir, 'p.json'), `[\n${rows(3).join(',\n')},\n  {"Key": "P-4", "Name": }\n]\n`);
    writeFileSync(
      join(dir, 'p.yaml'),
      `version: 1\nname: json-break\noptions: { batchSize: 2 }\nsteps:\n  - name: projects\n    entity: project\n    source: { type: json, path: p.json }\n    key: [Key]\n    fields:\n      name: { from: Name, required: true }\n`,
    );
    const o = { env: sandbox.env, cwd: dir, db: join(dir, 'p.db'), clock: sandbox.clock };
    const first = await runPipeline(loadPipeline(join(dir, 'p.yaml'), sandbox.env), { ...o, reportDir: join(dir, 'r1') });
    expect(first.exitCode, first.message).toBe(1);
    expect(first.error?.code).toBe('SOURCE_PARSE');
    expect(sandbox.admin.entities('projects')).toHaveLength(3);
    writeFileSync(join(dir, 'p.json'), `[\n${rows(5).join(',\n')}\n]\n`);
    const second = await runPipeline(loadPipeline(join(dir, 'p.yaml'), sandbox.env), { ...o, reportDir: join(dir, 'r2'), allowChangedSource: true });
    expect(second.exitCode, second.message).toBe(0);
    const names = sandbox.admin.entities('projects').map((p) => (p as { name: string }).name).sort();
    expect(names).toEqual(['Project 1', 'Project 2', 'Project 3', 'Project 4', 'Project 5']);
  });
});
