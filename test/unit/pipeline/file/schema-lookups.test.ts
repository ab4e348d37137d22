import { describe, expect, it } from 'vitest';
import { validatePipelineText } from '../../../../src/pipeline/file/load-pipeline.js';
import { planSteps } from '../../../../src/pipeline/file/plan.js';

const PIPE = (logFields: string) => `version: 1
name: t
portal: "1"
steps:
  - name: projects
    entity: project
    source: { type: csv, path: p.csv }
    key: [id]
    fields: { name: { from: N } }
  - name: tasks
    entity: task
    source: { type: csv, path: t.csv }
    key: [id]
    fields:
      project: { from: P, lookup: { kind: project-by-name } }
      name: { from: N }
  - name: subtasks
    entity: subtask
    source: { type: csv, path: s.csv }
    key: [id]
    fields:
      project: { from: P, lookup: { kind: project-by-name } }
      name: { from: N }
      parent: { from: Parent, lookup: { kind: task-by-key, step: tasks } }
  - name: logs
    entity: timelog
    source: { type: csv, path: l.csv }
    key: [id]
    fields:
      project: { from: P, lookup: { kind: project-by-name } }
      date: { from: D }
      minutes: { from: M }
      billing: { from: B }
${logFields}${/^\s*user:/m.test(logFields) ? '' : '\n      user: { default: api-user }'}`;

const problems = (logFields: string) => validatePipelineText(PIPE(logFields), '/x/p.yaml', {}).problems.map((p) => `${p.path}: ${p.message}`);

describe('the pipeline schema on lookups', () => {
  it('accepts task-by-key over a list of steps, task-by-name with a task list field, and every onMissing form', () => {
    const text = `      task: { from: Issue, lookup: { kind: task-by-key, step: [tasks, subtasks], onMissing: warn } }
      logName: { from: Summary }
      user: { from: Author, lookup: { kind: user-by-name, within: project, onMissing: { default: Unassigned } } }
      notes: { from: Other, lookup: { kind: task-by-name, within: project, tasklist: logName, onMissing: reject } }`;
    expect(problems(text)).toEqual([]);
    // Each step of the list is a dependency of the step.
    const r = validatePipelineText(PIPE(text), '/x/p.yaml', {});
    expect(planSteps(r.pipeline!.config.steps).dependencies['logs']).toEqual(expect.arrayContaining(['tasks', 'subtasks']));
  });

  it('checks each step of a list: unknown, or not a task step, at its index', () => {
    expect(problems('      task: { from: I, lookup: { kind: task-by-key, step: [tasks, nope, projects] } }')).toEqual([
      'steps[3].fields.task.lookup.step[1]: unknown step "nope"',
      'steps[3].fields.task.lookup.step[2]: step "projects" does not load tasks',
    ]);
    expect(problems('      task: { from: I, lookup: { kind: task-by-key, step: [] } }')).toHaveLength(1);
    expect(problems('      task: { from: I, lookup: { kind: project-by-name, step: tasks } }')).toEqual(['steps[3].fields.task.lookup.step: `step` applies to task-by-key only, not project-by-name']);
  });

  it('within and tasklist must name another field of the step; task-by-name needs within', () => {
    expect(problems('      task: { from: I, lookup: { kind: task-by-name, within: proj } }')[0]).toMatch(/^steps\[3\]\.fields\.task\.lookup\.within: within: "proj" must name another field of this step; expected one of project, date/);
    expect(problems('      task: { from: I, lookup: { kind: task-by-name, within: project, tasklist: task } }')[0]).toMatch(/lookup\.tasklist: tasklist: "task" must name another field/);
    expect(problems('      task: { from: I, lookup: { kind: task-by-name } }')).toEqual(['steps[3].fields.task.lookup.within: task-by-name needs `within`: the field holding the project']);
    const circle = problems('      task: { from: I, lookup: { kind: task-by-name, within: logName } }\n      logName: { from: L, lookup: { kind: task-by-name, within: task } }');
    expect(circle).toEqual([
      'steps[3].fields.task.lookup.within: field "task" is looked up within fields that are looked up within it: a circle',
      'steps[3].fields.logName.lookup.within: field "logName" is looked up within fields that are looked up within it: a circle',
    ]);
    expect(problems('      user: { from: I, lookup: { kind: user-by-name, tasklist: project } }')).toEqual(['steps[3].fields.user.lookup.tasklist: `tasklist` applies to task-by-name only, not user-by-name']);
  });

  it('refuses onMissing: warn on a required field (validation runs before the lookups)', () => {
    const text = PIPE('').replace('parent: { from: Parent, lookup: { kind: task-by-key, step: tasks } }', 'parent: { from: Parent, lookup: { kind: task-by-key, step: tasks, onMissing: warn } }');
    expect(validatePipelineText(text, '/x/p.yaml', {}).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'steps[2].fields.parent.lookup.onMissing: subtask field "parent" is required: onMissing: warn would leave it empty; use reject or { default: VALUE }',
    ]);
    expect(problems('      user: { from: U, required: true, lookup: { kind: user-by-email, onMissing: warn } }')).toEqual([
      'steps[3].fields.user.lookup.onMissing: timelog field "user" is required: onMissing: warn would leave it empty; use reject or { default: VALUE }',
    ]);
    expect(problems('      user: { from: U, lookup: { kind: user-by-email, onMissing: { default: "" } } }')).toHaveLength(1);
  });
});
