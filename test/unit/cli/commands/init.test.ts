/** `zpetl init` in-process: --add-step appends a step; --add-step with --out is a usage error; the schema line leads. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInProcess } from '../../../helpers/cli-in-process.js';
import { describe, expect } from 'vitest';
import { it } from '../../../helpers/fixtures.js';

const cli = cliInProcess;

describe('zpetl init', () => {
  it('writes a pipeline whose first line points editors at the schema, then --add-step appends a step to it', async ({ tmp }) => {
    writeFileSync(join(tmp, 'issues.csv'), 'Issue key,Summary,Project\nPRJ-1,Fix,Alpha\n');
    writeFileSync(join(tmp, 'logs.csv'), 'Log ID,Issue key,Project,User,Date,Hours,Billable\nL1,PRJ-1,Alpha,a@b.example,2026-11-02,01:30,Yes\n');
    const first = await cli(['init', '--from', 'issues.csv', '--entity', 'task', '--out', 'pipes/jira.yaml'], tmp);
    expect(first).toMatchObject({ code: 0, stdout: 'wrote pipes/jira.yaml: task step from 3 columns of issues.csv\nnext: zpetl validate pipes/jira.yaml && zpetl run pipes/jira.yaml --dry-run\n' });
    const text = readFileSync(join(tmp, 'pipes/jira.yaml'), 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)+.*schema\/pipeline\.schema\.json\n/);
    const added = await cli(['init', '--from', 'logs.csv', '--entity', 'timelog', '--add-step', 'pipes/jira.yaml', '--step-name', 'worklogs'], tmp);
    expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining('added step "worklogs" to pipes/jira.yaml: timelog from 7 columns of logs.csv\n') });
    const subtasks = await cli(['init', '--from', 'issues.csv', '--entity', 'subtask', '--out', 'sub.yaml'], tmp);
    expect(subtasks.stdout).toContain('2 value(s) marked CHANGE_ME need you: `zpetl validate sub.yaml` lists them with their lines\n');
    expect(readFileSync(join(tmp, 'pipes/jira.yaml'), 'utf8').startsWith(text)).toBe(true);
    const validate = await cli(['validate', 'pipes/jira.yaml'], tmp);
    expect(validate).toMatchObject({ code: 0 });
  });

  it('--add-step with --out is a usage error, and the same step name twice is refused', async ({ tmp }) => {
    writeFileSync(join(tmp, 'issues.csv'), 'Issue key,Summary,Project\nPRJ-1,Fix,Alpha\n');
    const both = await cli(['init', '--from', 'issues.csv', '--entity', 'task', '--out', 'a.yaml', '--add-step', 'b.yaml'], tmp);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/USAGE_INVALID: .*(add-step|out)/);
    await cli(['init', '--from', 'issues.csv', '--entity', 'task', '--out', 'a.yaml'], tmp);
    const twice = await cli(['init', '--from', 'issues.csv', '--entity', 'task', '--add-step', 'a.yaml'], tmp);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('USAGE_INVALID: a.yaml already has a step named "tasks"');
    expect(twice.stderr).toContain('hint: Name the new step with --step-name.');
  });
});
