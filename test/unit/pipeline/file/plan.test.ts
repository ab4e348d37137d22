import { describe, expect, it } from 'vitest';
import { planSteps } from '../../../../src/pipeline/file/plan.js';
import { estimateRun } from '../../../../src/pipeline/estimate.js';
import { budgetDurationMs } from '../../../../src/zoho/rate-limit.js';
import { OptionsSchema, PipelineSchema } from '../../../../src/pipeline/file/schema.js';

const step = (name: string, entity: string, extra: Record<string, unknown> = {}) => ({
  name,
  entity,
  source: { type: 'csv', path: `${name}.csv` },
  key: ['id'],
  fields: { ...(entity === 'timelog' ? { project: {}, date: {}, minutes: {}, billing: {}, user: {} } : entity === 'user' ? { email: {} } : entity === 'subtask' ? { project: {}, name: {}, parent: {} } : entity === 'project' ? { name: {} } : { project: {}, name: {} }) },
  ...extra,
});

describe('planSteps', () => {
  it('orders by entity and dependsOn, and runs independent steps on different endpoints together', () => {
    const cfg = PipelineSchema.parse({
      name: 'p',
      steps: [step('logs', 'timelog'), step('subs', 'subtask'), step('tasks', 'task'), step('users', 'user'), step('projects', 'project'), step('lists', 'tasklist', { dependsOn: ['users'] })],
    });
    const plan = planSteps(cfg.steps);
    expect(plan.order.indexOf('projects')).toBeLessThan(plan.order.indexOf('lists'));
    expect(plan.order.indexOf('users')).toBeLessThan(plan.order.indexOf('lists'));
    expect(plan.order.indexOf('tasks')).toBeLessThan(plan.order.indexOf('subs'));
    expect(plan.order.indexOf('subs')).toBeLessThan(plan.order.indexOf('logs'));
    // project owners are users: portal users go first
    expect(plan.stages[0]!.steps).toEqual(['users']);
  });

  it('groups independent steps on different endpoints; the same endpoint waits for the next stage', () => {
    const cfg = PipelineSchema.parse({ name: 'p', steps: [step('p1', 'project'), step('p2', 'project'), step('u', 'user', { scope: 'project', fields: { email: {}, project: {} } })] });
    // u (project users) needs projects; p1 and p2 share POST /projects
    expect(planSteps(cfg.steps).stages.map((s) => s.steps)).toEqual([['p1'], ['p2'], ['u']]);
    // task lists into existing projects and portal users: no reference between them, different endpoints
    const cfg2 = PipelineSchema.parse({ name: 'p', steps: [step('l', 'tasklist'), step('u', 'user')] });
    expect(planSteps(cfg2.steps).stages.map((s) => s.steps)).toEqual([['l', 'u']]);
  });

  it('refuses a dependsOn cycle', () => {
    const cfg = PipelineSchema.parse({ name: 'p', steps: [step('a', 'project', { dependsOn: ['b'] }), step('b', 'project', { dependsOn: ['a'] })] });
    expect(() => planSteps(cfg.steps)).toThrow(/cycle/);
  });
});

describe('estimateRun', () => {
  it('counts calls per endpoint (users in bulk) and the windows needed at 195 calls / 2 min', () => {
    const cfg = PipelineSchema.parse({ name: 'p', options: { batchSize: 50, window: { start: '22:00', end: '06:00', tz: 'UTC' } }, steps: [step('users', 'user'), step('logs', 'timelog')] });
    const plan = planSteps(cfg.steps);
    const { estimate } = estimateRun(plan, [{ name: 'users', entity: 'user', creates: 120 }, { name: 'logs', entity: 'timelog', creates: 100_000 }], cfg.options, Date.parse('2026-11-28T23:00:00Z'));
    expect(estimate.callsByEndpoint).toEqual({ 'POST /projects/{project}/projectusers': 3, 'POST /projects/{project}/log': 100_000 });
    expect(estimate.callsPerWindow).toBe(195);
    // 100 000 calls = 513 windows of 2 min ≈ 17.1 h; nights of 8 h from 23:00 (7 h left tonight) → 3 openings
    expect(estimate.durationMs).toBe(budgetDurationMs(100_000, 195) + 0);
    expect(estimate.windowsNeeded).toBe(3);
  });

  it('counts upsert updates on the update endpoint, beside the creates, in the same stage', () => {
    const cfg = PipelineSchema.parse({ name: 'p', steps: [step('tasks', 'task')] });
    const { estimate, perStep } = estimateRun(planSteps(cfg.steps), [{ name: 'tasks', entity: 'task', creates: 195, updates: 195 }], cfg.options, 0);
    expect(estimate.callsByEndpoint).toEqual({ 'POST /projects/{project}/tasks': 195, 'PATCH /projects/{project}/tasks/{task}': 195 });
    expect(estimate.totalCalls).toBe(390);
    // different endpoints, separate budgets: both fit the first window
    expect(estimate.durationMs).toBe(0);
    expect(perStep.map((p) => p.endpoint)).toEqual(['POST /projects/{project}/tasks', 'PATCH /projects/{project}/tasks/{task}']);
  });

  it('budget duration: one window of calls is immediate, each further window 2 min', () => {
    expect(budgetDurationMs(0, 195)).toBe(0);
    expect(budgetDurationMs(195, 195)).toBe(0);
    expect(budgetDurationMs(196, 195)).toBe(120_000);
    expect(OptionsSchema.parse({}).headroom).toBe(0.025);
  });
});
