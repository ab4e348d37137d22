/** `zpetl validate` in-process: the hint links each problem to its section of docs/pipelines.md; CHANGE_ME values are named. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInProcess } from '../../../helpers/cli-in-process.js';
import { describe, expect } from 'vitest';
import { problemLines, REFERENCE_HINT } from '../../../../src/cli/commands/validate.js';
import { it } from '../../../helpers/fixtures.js';

const cli = cliInProcess;

const step = (fields: string, extra = '') => `version: 1
name: p
steps:
  - name: tasks
    entity: task
    source: { type: csv, path: x.csv${extra} }
    key: [ID]
    fields:
${fields}
`;

describe('zpetl validate hints', () => {
  it('an unknown task field → docs/pipelines.md#entity-task (and no README pointer)', async ({ tmp }) => {
    writeFileSync(join(tmp, 'p.yaml'), step('      project: { from: P, lookup: { kind: project-by-name } }\n      name: { from: N }\n      estimate: { from: E }'));
    const r = await cli(['validate', 'p.yaml'], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('p.yaml:11 steps[0].fields.estimate: unknown task field "estimate"');
    expect(r.stderr).toMatch(/fields\.estimate: unknown task field "estimate".*\n {4}see docs\/pipelines\.md#entity-task\n/);
    expect(r.stderr).toContain(`\n${REFERENCE_HINT}\n`);
    expect(r.stderr).not.toContain('README.md');
  });

  it('a converter problem → #converter-<type>; a source option → #source-csv, each under its problem', async ({ tmp }) => {
    writeFileSync(join(tmp, 'p.yaml'), step('      project: { from: P, lookup: { kind: project-by-name } }\n      name: { from: N, converter: { type: enum } }', ', quote: "<>"'));
    const r = await cli(['validate', 'p.yaml'], tmp);
    expect(r.stderr).toMatch(/source\.quote: .*\n {4}see docs\/pipelines\.md#source-csv\n/);
    expect(r.stderr).toMatch(/fields\.name\.converter[^\n]*\n {4}see docs\/pipelines\.md#converter-enum\n/);
  });

  it('a lookup problem → #lookup-<kind>', async ({ tmp }) => {
    writeFileSync(join(tmp, 'p.yaml'), step('      project: { from: P, lookup: { kind: project-by-name } }\n      name: { from: N }\n      tasklist: { from: L, lookup: { kind: tasklist-by-name } }'));
    const r = await cli(['validate', 'p.yaml'], tmp);
    expect(r.stderr).toContain('steps[0].fields.tasklist.lookup.within: tasklist-by-name needs `within`');
    expect(r.stderr).toMatch(/needs `within`[^\n]*\n {4}see docs\/pipelines\.md#lookup-tasklist-by-name\n/);
  });

  it('--json gives each problem its doc link', async ({ tmp }) => {
    writeFileSync(join(tmp, 'p.yaml'), step('      project: { from: P, lookup: { kind: project-by-name } }\n      name: { from: N }', ', encoding: ebcdic'));
    const r = await cli(['validate', 'p.yaml', '--json'], tmp);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, problems: [{ path: 'steps[0].source.encoding', doc: 'docs/pipelines.md#source-csv' }] });
  });

  it('a CHANGE_ME left by init is named with its line and field, and nothing else is said of that place', async ({ tmp }) => {
    const text = step('      project: { from: "CHANGE_ME (project)", lookup: { kind: project-by-name }, required: true }\n      name: { from: N }\n      parent: { from: P }').replace('entity: task', 'entity: subtask').replace('parent: { from: P }', 'parent: { from: P, lookup: { kind: task-by-key, step: "CHANGE_ME (the step that loads the parent tasks)" } }');
    writeFileSync(join(tmp, 'p.yaml'), text);
    const r = await cli(['validate', 'p.yaml'], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('p.yaml:9 steps[0].fields.project.from: still needs a value: replace "CHANGE_ME (project)"');
    expect(r.stderr).toContain('p.yaml:11 steps[0].fields.parent.lookup.step: still needs a value: replace "CHANGE_ME (the step that loads the parent tasks)"');
    expect(r.stderr).not.toContain('unknown step');
    expect(r.stderr).toContain('PIPELINE_INVALID: p.yaml has 2 problem(s)');
  });

  it('a problem with no section to name (YAML cannot read the file) gets no link; the closing hint names the reference', () => {
    expect(problemLines('p.yaml', [{ path: '', line: 3, message: 'YAML: bad indentation' }])).toEqual(['  p.yaml:3 (file): YAML: bad indentation']);
    expect(REFERENCE_HINT).toBe('hint: docs/pipelines.md is the pipeline file reference; the commented files in pipelines/ show it at work.');
  });
});
