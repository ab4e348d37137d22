import { describe, expect, it } from 'vitest';
import { readPipelineFile } from '../../../src/pipeline/run.js';
import { buildRunPlan, groupSteps } from '../../../src/pipeline/run-build-plan.js';

describe('run plan', () => {
  it('orders the demo migration by its lookups; subtasks and time logs (different endpoints, both after tasks) together', async () => {
    const { config, baseDir } = await readPipelineFile('pipelines/demo-migration.yaml');
    const plan = buildRunPlan(config, baseDir);
    expect(plan.groups.map((g) => g.map((s) => s.name))).toEqual([['projects'], ['users'], ['milestones'], ['tasklists'], ['tasks'], ['subtasks', 'timelogs']]);
    expect(plan.rejectLimits).toEqual({ count: 50, ratio: 0.34 });
  });

  it('runs independent steps together but never two on one create endpoint', () => {
    const steps = [
      { name: 'a', entity: 'task' as const },
      { name: 'b', entity: 'tasklist' as const },
      { name: 'c', entity: 'task' as const },
      { name: 'd', entity: 'subtask' as const },
    ];
    const deps = new Map([
      ['a', new Set<string>()],
      ['b', new Set<string>()],
      ['c', new Set<string>()],
      ['d', new Set(['a'])],
    ]);
    // d (subtasks) shares the tasks endpoint with c, so it waits a group
    expect(groupSteps(steps, deps).map((g) => g.map((s) => s.name))).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('refuses a dependency cycle', () => {
    const steps = [
      { name: 'a', entity: 'task' as const },
      { name: 'b', entity: 'timelog' as const },
    ];
    const deps = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['a'])],
    ]);
    expect(() => groupSteps(steps, deps)).toThrow(/cycle/);
  });
});
