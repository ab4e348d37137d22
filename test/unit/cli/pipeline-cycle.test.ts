/** A dependency cycle is one check (plan.ts findStepCycle): validate, the dry run and the run refuse it alike, exit 2. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { cliInProcess } from '../../helpers/cli-in-process.js';
import { dryRun } from '../../../src/pipeline/dry-run/dry-run.js';
import { validatePipelineText } from '../../../src/pipeline/file/load-pipeline.js';
import { runPipeline } from '../../../src/pipeline/run/run.js';
import { PipelineSchema } from '../../../src/pipeline/file/schema.js';
import { it } from '../../helpers/fixtures.js';

const cli = cliInProcess;

/** Two projects waiting for each other through dependsOn. */
const DEPENDS_ON = `version: 1
name: cyc
steps:
  - name: a
    entity: project
    source: { type: csv, path: a.csv }
    key: [id]
    dependsOn: [b]
    fields:
      name: { from: N }
  - name: b
    entity: project
    source: { type: csv, path: b.csv }
    key: [id]
    dependsOn: [a]
    fields:
      name: { from: N }
`;

/** Subtasks whose parent lookup reads the tasks step, while the tasks step depends on the subtasks. */
const LOOKUP = `version: 1
name: cyc
steps:
  - name: tasks
    entity: task
    source: { type: csv, path: tasks.csv }
    key: [id]
    dependsOn: [subtasks]
    fields:
      project: { from: P, lookup: { kind: project-by-name } }
      name: { from: T }
  - name: subtasks
    entity: subtask
    source: { type: csv, path: subtasks.csv }
    key: [id]
    fields:
      parent: { from: Parent, lookup: { kind: task-by-key, step: tasks } }
      project: { from: P, lookup: { kind: project-by-name } }
      name: { from: T }
`;

const CASES = [
  { what: 'a dependsOn cycle', text: DEPENDS_ON, line: 8, problem: 'steps[0].dependsOn[0]: steps depend on each other in a cycle: a → b → a (a waits for b: steps[0].dependsOn[0]; b waits for a: steps[1].dependsOn[0])' },
  { what: 'a cycle through a lookup', text: LOOKUP, line: 8, problem: 'steps[0].dependsOn[0]: steps depend on each other in a cycle: tasks → subtasks → tasks (tasks waits for subtasks: steps[0].dependsOn[0]; subtasks waits for tasks: steps[1].fields.parent.lookup.step)' },
];

describe('a dependency cycle', () => {
  for (const c of CASES) {
    it(`${c.what}: validate, run --dry-run and run all exit 2 with the same problem, naming the steps and the path`, async ({ tmp: dir }) => {
      writeFileSync(join(dir, 'p.yaml'), c.text);
      const v = await cli(['validate', 'p.yaml'], dir);
      expect(v.code).toBe(2);
      expect(v.stderr).toContain(`p.yaml:${c.line} ${c.problem}`);
      const json = await cli(['validate', 'p.yaml', '--json'], dir);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout).problems).toHaveLength(1);
      for (const args of [['run', 'p.yaml', '--dry-run'], ['run', 'p.yaml']]) {
        const r = await cli(args, dir);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toMatch(/^PIPELINE_INVALID: /);
        expect(r.stderr, args.join(' ')).toContain(`p.yaml:${c.line} ${c.problem}`);
        expect(r.stderr).not.toContain('INTERNAL');
      }
    });

    it(`${c.what}: a pipeline given as an object (no file loading) is refused by the run and the dry run with the same problem`, async ({ tmp: dir }) => {
      const r = validatePipelineText(c.text, join(dir, 'p.yaml'), {});
      expect(r.ok).toBe(false);
      const config = PipelineSchema.parse((await import('yaml')).parse(c.text));
      const loaded = { config, baseDir: dir, name: 'cyc', file: join(dir, 'p.yaml'), portal: '1' };
      const run = await runPipeline(loaded, { cwd: dir, outDir: false, client: {} as never });
      expect(run.exitCode).toBe(2);
      expect(run.error?.code).toBe('PIPELINE_INVALID');
      expect(run.error?.message).toBe(c.problem);
      await expect(dryRun(loaded, { cwd: dir, outDir: join(dir, 'out') })).rejects.toThrow(c.problem);
    });
  }
});
