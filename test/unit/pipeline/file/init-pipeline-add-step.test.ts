/** `zpetl init --add-step`: a step appended to an existing pipeline, its text (comments) kept byte for byte. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { parse } from 'yaml';
import { initPipeline } from '../../../../src/pipeline/file/init-pipeline.js';
import { validatePipelineText } from '../../../../src/pipeline/file/load-pipeline.js';
import { it } from '../../../helpers/fixtures.js';

type Step = { name: string; entity?: string; source: { path: string }; fields: Record<string, { from?: string; lookup?: { kind: string; step?: unknown } }> };

const TASKS = 'Issue key,Summary,Project\nPRJ-1,Fix,Alpha\n';
const SUBTASKS = 'ID,Name,Project,Parent ID\nPRJ-2,Sub,Alpha,PRJ-1\n';
const LOGS = 'Log ID,Task ID,Project,User,Date,Hours,Billable\nL1,PRJ-1,Alpha,a@b.example,2026-11-02,01:30,Yes\n';

function files(dir: string): void {
  writeFileSync(join(dir, 'issues.csv'), TASKS);
  writeFileSync(join(dir, 'subtasks.csv'), SUBTASKS);
  writeFileSync(join(dir, 'logs.csv'), LOGS);
}

describe('initPipeline with addTo (zpetl init --add-step)', () => {
  it('appends a step after the last one, keeping the file as it was, and the new step validates', async ({ tmp }) => {
    files(tmp);
    await initPipeline({ from: 'issues.csv', entity: 'task', out: 'p/jira.yaml', cwd: tmp });
    const before = readFileSync(join(tmp, 'p/jira.yaml'), 'utf8');
    const r = await initPipeline({ from: 'subtasks.csv', entity: 'subtask', addTo: 'p/jira.yaml', cwd: tmp });
    const after = readFileSync(join(tmp, 'p/jira.yaml'), 'utf8');
    expect(r).toMatchObject({ written: join(tmp, 'p/jira.yaml'), step: 'subtasks', text: after });
    expect(after.startsWith(before)).toBe(true);
    expect(after).toContain('  # Added by `zpetl init` from ../subtasks.csv.\n  - name: subtasks\n');
    const steps = (parse(after) as { steps: Step[] }).steps;
    expect(steps.map((s) => s.name)).toEqual(['tasks', 'subtasks']);
    expect(steps[1]!.source.path).toBe('../subtasks.csv');
    // The parent is looked up in the pipeline's task step, by name.
    expect(steps[1]!.fields['parent']!.lookup).toEqual({ kind: 'task-by-key', step: 'tasks' });
    expect(validatePipelineText(after, join(tmp, 'p/jira.yaml'), {}).problems).toEqual([]);
  });

  it("a time log's task lookup names every task and subtask step", async ({ tmp }) => {
    files(tmp);
    await initPipeline({ from: 'issues.csv', entity: 'task', out: 'jira.yaml', cwd: tmp });
    await initPipeline({ from: 'subtasks.csv', entity: 'subtask', addTo: 'jira.yaml', cwd: tmp });
    const r = await initPipeline({ from: 'logs.csv', entity: 'timelog', addTo: 'jira.yaml', cwd: tmp, stepName: 'worklogs' });
    const steps = (parse(r.text) as { steps: Step[] }).steps;
    expect(steps.map((s) => s.name)).toEqual(['tasks', 'subtasks', 'worklogs']);
    expect(steps[2]!.fields['task']!.lookup).toEqual({ kind: 'task-by-key', step: ['tasks', 'subtasks'] });
  });

  it('inserts before later top-level keys and their comments, and follows the file\'s indentation', async ({ tmp }) => {
    files(tmp);
    const text = [
      '# my pipeline, my comments',
      'name: mine   # the name',
      'steps:',
      '- name: tasks   # zero-indented list',
      '  entity: task',
      '  source: { type: csv, path: issues.csv }',
      '  key: [Issue key]',
      '  fields: { project: { from: Project, lookup: { kind: project-by-name } }, name: { from: Summary } }',
      '  # a comment of the tasks step',
      '',
      '# the payroll part',
      'payroll: { timeZone: Europe/Berlin }',
      '',
    ].join('\n');
    writeFileSync(join(tmp, 'mine.yaml'), text);
    const r = await initPipeline({ from: 'logs.csv', entity: 'timelog', addTo: 'mine.yaml', cwd: tmp });
    expect(r.text.startsWith(text.slice(0, text.indexOf('\n# the payroll part')))).toBe(true);
    expect(r.text.endsWith('\n# the payroll part\npayroll: { timeZone: Europe/Berlin }\n')).toBe(true);
    expect(r.text).toContain('\n- name: timelogs\n  entity: timelog\n');
    const doc = parse(r.text) as { steps: Step[]; payroll: unknown };
    expect(doc.steps.map((s) => s.name)).toEqual(['tasks', 'timelogs']);
    expect(doc.payroll).toEqual({ timeZone: 'Europe/Berlin' });
    expect(doc.steps[1]!.fields['task']!.lookup).toEqual({ kind: 'task-by-key', step: 'tasks' });
  });

  it('refuses a step name the pipeline already has (USAGE_INVALID, file unchanged); --step-name names another', async ({ tmp }) => {
    files(tmp);
    await initPipeline({ from: 'issues.csv', entity: 'task', out: 'jira.yaml', cwd: tmp });
    const before = readFileSync(join(tmp, 'jira.yaml'), 'utf8');
    await expect(initPipeline({ from: 'issues.csv', entity: 'task', addTo: 'jira.yaml', cwd: tmp })).rejects.toMatchObject({ code: 'USAGE_INVALID', message: 'jira.yaml already has a step named "tasks"', hint: 'Name the new step with --step-name.' });
    expect(readFileSync(join(tmp, 'jira.yaml'), 'utf8')).toBe(before);
    const r = await initPipeline({ from: 'issues.csv', entity: 'task', addTo: 'jira.yaml', cwd: tmp, stepName: 'more-tasks' });
    expect((parse(r.text) as { steps: Step[] }).steps.map((s) => s.name)).toEqual(['tasks', 'more-tasks']);
  });

  it('refuses a missing pipeline, a file without a block list of steps, --out with it, and a bad step name', async ({ tmp }) => {
    files(tmp);
    await expect(initPipeline({ from: 'issues.csv', entity: 'task', addTo: 'none.yaml', cwd: tmp })).rejects.toMatchObject({ code: 'USAGE_INVALID', message: '--add-step: no such pipeline file (given: none.yaml)' });
    writeFileSync(join(tmp, 'flow.yaml'), 'name: f\nsteps: [{ name: a }]\n');
    await expect(initPipeline({ from: 'issues.csv', entity: 'task', addTo: 'flow.yaml', cwd: tmp })).rejects.toMatchObject({ code: 'USAGE_INVALID', message: '--add-step: flow.yaml has no block list of steps to add to' });
    expect(readFileSync(join(tmp, 'flow.yaml'), 'utf8')).toBe('name: f\nsteps: [{ name: a }]\n');
    await expect(initPipeline({ from: 'issues.csv', entity: 'task', addTo: 'flow.yaml', out: 'x.yaml', cwd: tmp })).rejects.toMatchObject({ code: 'USAGE_INVALID', message: '--add-step and --out exclude each other' });
    await expect(initPipeline({ from: 'issues.csv', entity: 'task', out: 'x.yaml', cwd: tmp, stepName: '-x' })).rejects.toMatchObject({ code: 'USAGE_INVALID' });
  });

  it('appends to the example pipelines without touching a byte of them', async ({ tmp }) => {
    files(tmp);
    for (const example of ['demo-migration.yaml', 'migrate-tasks-from-csv.yaml', 'nightly-payroll-export.yaml']) {
      const original = readFileSync(join('pipelines', example), 'utf8');
      writeFileSync(join(tmp, example), original);
      const r = await initPipeline({ from: 'logs.csv', entity: 'timelog', addTo: example, cwd: tmp, stepName: 'added-logs' });
      const doc = parse(r.text) as { steps: Step[] };
      expect(doc.steps.at(-1)!.name, example).toBe('added-logs');
      // One block went in at one place: the text before it and the text after it are the original's.
      const at = r.text.indexOf('\n  # Added by `zpetl init`');
      const head = r.text.slice(0, at);
      expect(original.startsWith(head), example).toBe(true);
      expect(r.text.endsWith(original.slice(head.length)), example).toBe(true);
    }
  });
});
