import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../../../src/pipeline/file/load-pipeline.js';
import { buildRunPlan } from '../../../../src/pipeline/run/run-build-plan.js';

describe('run plan', () => {
  it('runs the demo migration in the stages of plan.ts', () => {
    const { config, baseDir } = loadPipeline('pipelines/demo-migration.yaml');
    const plan = buildRunPlan(config, baseDir);
    expect(plan.groups.map((g) => g.map((s) => s.name))).toEqual([['projects'], ['users'], ['milestones'], ['tasklists'], ['tasks'], ['subtasks'], ['timelogs']]);
    expect(plan.rejectLimits).toEqual({ count: 50, ratio: 0.34 });
    const tasks = plan.groups.flat().find((s) => s.name === 'tasks')!;
    expect(tasks).toMatchObject({ entity: 'task', mode: 'create', batchSize: 25, source: { display: '../fixtures/demo/tasks.csv' } });
  });
});
