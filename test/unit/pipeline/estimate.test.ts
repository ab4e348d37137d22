/**
 * The dry run's call and duration estimate: calls per endpoint (users in bulk, upsert updates on the
 * update endpoint), budget time per stage (endpoints of a stage in parallel, stages one after the
 * other), and the off-peak windows needed and the finish instant.
 */
import { describe, expect, it } from 'vitest';
import { estimateRun, type StepWork } from '../../../src/pipeline/estimate.js';
import { errorOf } from '../../helpers/thrown.js';
import type { Plan } from '../../../src/pipeline/file/plan.js';
import { OptionsSchema } from '../../../src/pipeline/file/schema.js';
import { ENDPOINTS } from '../../../src/zoho/types.js';

const H = 3_600_000;
/** One rate-limit window of Zoho's (2 min): each full 195 calls past the first wait one. */
const WINDOW_MS = 120_000;
const NOW = Date.parse('2026-11-28T12:00:00Z');

/** A plan of the given stages (the estimate reads only `stages`). */
const planOf = (...stages: string[][]): Plan => ({ order: stages.flat(), stages: stages.map((steps) => ({ steps })), dependencies: {} });
const options = (o: Record<string, unknown> = {}) => OptionsSchema.parse(o);
/** Calls that take exactly `windows` windows beyond the first at 195 a window. */
const callsFor = (windows: number) => (windows + 1) * 195;

describe('estimateRun: calls', () => {
  it('one entry per step on its create endpoint, also for 0 creates; users one bulk call per batchSize', () => {
    const steps: StepWork[] = [
      { name: 'projects', entity: 'project', creates: 0 },
      { name: 'users', entity: 'user', creates: 101 },
      { name: 'logs', entity: 'timelog', creates: 7 },
    ];
    const { estimate, perStep } = estimateRun(planOf(['projects'], ['users'], ['logs']), steps, options({ batchSize: 50 }), NOW);
    expect(perStep).toEqual([
      { step: 'projects', entity: 'project', endpoint: ENDPOINTS.projectCreate, calls: 0 },
      { step: 'users', entity: 'user', endpoint: ENDPOINTS.projectUsersAdd, calls: 3 },
      { step: 'logs', entity: 'timelog', endpoint: ENDPOINTS.timelogCreate, calls: 7 },
    ]);
    expect(estimate.callsByEndpoint).toEqual({ [ENDPOINTS.projectCreate]: 0, [ENDPOINTS.projectUsersAdd]: 3, [ENDPOINTS.timelogCreate]: 7 });
    expect(estimate.totalCalls).toBe(10);
  });

  it('a step that knows its calls better (users: per project per batch) gives them, 0 included', () => {
    const { perStep } = estimateRun(planOf(['u', 'v']), [{ name: 'u', entity: 'user', creates: 101, calls: 9 }, { name: 'v', entity: 'user', creates: 5, calls: 0 }], options(), NOW);
    expect(perStep.map((p) => p.calls)).toEqual([9, 0]);
  });

  it('upsert updates go to the update endpoint as a second entry; none when 0, none for users (no update call)', () => {
    const { estimate, perStep } = estimateRun(
      planOf(['tasks', 'lists', 'users']),
      [
        { name: 'tasks', entity: 'task', creates: 2, updates: 5 },
        { name: 'lists', entity: 'tasklist', creates: 1, updates: 0 },
        { name: 'users', entity: 'user', creates: 1, updates: 4 },
      ],
      options(),
      NOW,
    );
    expect(perStep.map((p) => [p.step, p.endpoint, p.calls])).toEqual([
      ['tasks', ENDPOINTS.taskCreate, 2],
      ['tasks', ENDPOINTS.taskUpdate, 5],
      ['lists', ENDPOINTS.tasklistCreate, 1],
      ['users', ENDPOINTS.projectUsersAdd, 1],
    ]);
    expect(estimate.totalCalls).toBe(9);
  });

  it('steps on one endpoint add up (tasks and subtasks share POST tasks)', () => {
    const { estimate } = estimateRun(planOf(['tasks'], ['subtasks']), [{ name: 'tasks', entity: 'task', creates: 10 }, { name: 'subtasks', entity: 'subtask', creates: 4 }], options(), NOW);
    expect(estimate.callsByEndpoint).toEqual({ [ENDPOINTS.taskCreate]: 14 });
  });

  it('calls per window are the limit less the headroom', () => {
    expect(estimateRun(planOf([]), [], options(), NOW).estimate.callsPerWindow).toBe(195);
    expect(estimateRun(planOf([]), [], options({ headroom: 0.5 }), NOW).estimate.callsPerWindow).toBe(100);
    expect(estimateRun(planOf([]), [], options({ headroom: 0 }), NOW).estimate.callsPerWindow).toBe(200);
  });
});

describe('estimateRun: duration', () => {
  it('endpoints of one stage are spent in parallel (the slowest counts); stages one after the other', () => {
    const { estimate } = estimateRun(
      planOf(['tasks', 'logs'], ['projects']),
      [
        { name: 'tasks', entity: 'task', creates: callsFor(1) },
        { name: 'logs', entity: 'timelog', creates: callsFor(2) },
        { name: 'projects', entity: 'project', creates: callsFor(3) },
      ],
      options(),
      NOW,
    );
    expect(estimate.durationMs).toBe((2 + 3) * WINDOW_MS);
  });

  it('two steps of one stage on the same endpoint share its budget', () => {
    const { estimate } = estimateRun(planOf(['tasks', 'subtasks']), [{ name: 'tasks', entity: 'task', creates: 195 }, { name: 'subtasks', entity: 'subtask', creates: 195 }], options(), NOW);
    // Each alone fits the first window; together they need one more.
    expect(estimate.durationMs).toBe(WINDOW_MS);
  });

  it('a step and its updates (two endpoints) run on separate budgets', () => {
    const { estimate } = estimateRun(planOf(['tasks']), [{ name: 'tasks', entity: 'task', creates: callsFor(2), updates: callsFor(4) }], options(), NOW);
    expect(estimate.durationMs).toBe(4 * WINDOW_MS);
  });

  it('a lower headroom makes the same calls faster', () => {
    const steps: StepWork[] = [{ name: 'logs', entity: 'timelog', creates: 1000 }];
    expect(estimateRun(planOf(['logs']), steps, options(), NOW).estimate.durationMs).toBe(5 * WINDOW_MS); // ceil(1000/195) - 1
    expect(estimateRun(planOf(['logs']), steps, options({ headroom: 0 }), NOW).estimate.durationMs).toBe(4 * WINDOW_MS); // ceil(1000/200) - 1
  });
});

describe('estimateRun: finish and windows', () => {
  it('without a window: finishAt is now plus the duration, no window figures', () => {
    const { estimate } = estimateRun(planOf(['logs']), [{ name: 'logs', entity: 'timelog', creates: callsFor(30) }], options(), NOW);
    expect(estimate.finishAt).toBe(new Date(NOW + 30 * WINDOW_MS).toISOString());
    expect(estimate.windowsNeeded).toBeUndefined();
    expect(estimate.window).toBeUndefined();
    expect(estimateRun(planOf([]), [], options(), NOW).estimate.finishAt).toBe(new Date(NOW).toISOString());
  });

  const night = { window: { start: '22:00', end: '06:00', tz: 'UTC' } };

  it('with a window, started outside it: waits for the opening, and counts nights for work longer than one', () => {
    // 10 h of budget time (300 windows past the first) from noon: 8 h from 22:00, then 2 h from 22:00 the next night.
    const { estimate } = estimateRun(planOf(['logs']), [{ name: 'logs', entity: 'timelog', creates: callsFor(300) }], options(night), NOW);
    expect(estimate.durationMs).toBe(10 * H);
    expect(estimate.window).toBe('22:00-06:00 UTC');
    expect(estimate.windowsNeeded).toBe(2);
    expect(estimate.finishAt).toBe('2026-11-30T00:00:00.000Z');
  });

  it('with a window, started inside it: one night when the work fits before the close', () => {
    const at2300 = Date.parse('2026-11-28T23:00:00Z');
    const { estimate } = estimateRun(planOf(['logs']), [{ name: 'logs', entity: 'timelog', creates: callsFor(60) }], options(night), at2300);
    expect(estimate.windowsNeeded).toBe(1);
    expect(estimate.finishAt).toBe('2026-11-29T01:00:00.000Z');
  });

  it('with a window and nothing to wait for: no night needed, finishing now', () => {
    const { estimate } = estimateRun(planOf(['logs']), [{ name: 'logs', entity: 'timelog', creates: 195 }], options(night), NOW);
    expect(estimate.windowsNeeded).toBe(0);
    expect(estimate.finishAt).toBe(new Date(NOW).toISOString());
  });

  it('names the window in its zone and counts in that zone', () => {
    // Berlin is UTC+1 in November: 22:00-06:00 Berlin is 21:00-05:00 UTC.
    const { estimate } = estimateRun(planOf(['logs']), [{ name: 'logs', entity: 'timelog', creates: callsFor(30) }], options({ window: { start: '22:00', end: '06:00', tz: 'Europe/Berlin' } }), NOW);
    expect(estimate.window).toBe('22:00-06:00 Europe/Berlin');
    expect(estimate.finishAt).toBe('2026-11-28T22:00:00.000Z');
  });

  it("a window zone the parser refuses is the pipeline file's error (PIPELINE_INVALID), not a usage error", () => {
    const bad = options({ window: { start: '22:00', end: '06:00', tz: 'Mars/Olympus' } });
    expect(errorOf(() => estimateRun(planOf([]), [], bad, NOW)).code).toBe('PIPELINE_INVALID');
  });
});
