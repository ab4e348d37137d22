import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/core/clock.js';
import { planSteps } from '../../../src/pipeline/file/plan.js';
import { estimateRun } from '../../../src/pipeline/estimate.js';
import { etaMs } from '../../../src/pipeline/run/run-eta.js';
import { OptionsSchema, PipelineSchema } from '../../../src/pipeline/file/schema.js';
import { RateBudget } from '../../../src/zoho/rate-budget.js';
import { budgetDurationMs, callsPerWindowAfter, DEFAULT_HEADROOM, extraWindows, ZOHO_RATE_LIMIT } from '../../../src/zoho/rate-limit.js';

const KEY = '1|owner|POST /projects/{project}/tasks';

describe('ZOHO_RATE_LIMIT', () => {
  it('states Zoho\'s limit: 200 calls per 2 minutes per endpoint, a 10-minute lock; 2.5 % headroom', () => {
    expect(ZOHO_RATE_LIMIT).toEqual({ callsPerWindow: 200, windowMs: 2 * 60_000, lockMs: 10 * 60_000 });
    expect(DEFAULT_HEADROOM).toBe(0.025);
  });
});

describe('callsPerWindowAfter', () => {
  it('takes the headroom share off the limit, rounded down, never below 1', () => {
    expect(callsPerWindowAfter(DEFAULT_HEADROOM)).toBe(195);
    expect(callsPerWindowAfter(0)).toBe(200);
    expect(callsPerWindowAfter(0.5)).toBe(100);
    expect(callsPerWindowAfter(0.1, 10)).toBe(9);
    expect(callsPerWindowAfter(0.5, 3)).toBe(1);
    expect(callsPerWindowAfter(0.99, 10)).toBe(1);
  });
});

describe('extraWindows and budgetDurationMs', () => {
  it('the first window\'s calls go at once; each further window or part of one costs one window', () => {
    expect([-3, 0, 1, 195, 196, 390, 391].map((c) => extraWindows(c, 195))).toEqual([0, 0, 0, 0, 1, 1, 2]);
    expect(budgetDurationMs(0, 195)).toBe(0);
    // +0, never -0 (a -0 would print as 0 but fail Object.is in callers' sums)
    expect(Object.is(budgetDurationMs(1, 195), 0)).toBe(true);
    expect(budgetDurationMs(195, 195)).toBe(0);
    expect(budgetDurationMs(196, 195)).toBe(120_000);
    // 100 000 time logs at 195 per window: 513 windows, the first free
    expect(budgetDurationMs(100_000, 195)).toBe(512 * 120_000);
  });

  it('counts in the given window length (a learned or scaled window)', () => {
    expect(budgetDurationMs(1000, 180, 1200)).toBe(5 * 1200);
    expect(budgetDurationMs(1000, 180)).toBe(5 * ZOHO_RATE_LIMIT.windowMs);
  });
});

describe('one source of truth', () => {
  it('the client budget, the pipeline default, the estimate and the ETA use the same figures', async () => {
    const budget = new RateBudget({ clock: createManualClock() });
    expect(budget.budgetFor(KEY)).toEqual({ limit: callsPerWindowAfter(DEFAULT_HEADROOM), windowMs: ZOHO_RATE_LIMIT.windowMs });
    expect(budget.lockMs).toBe(ZOHO_RATE_LIMIT.lockMs);

    const options = OptionsSchema.parse({});
    expect(options.headroom).toBe(DEFAULT_HEADROOM);
    const cfg = PipelineSchema.parse({ name: 'p', steps: [{ name: 'tasks', entity: 'task', source: { type: 'csv', path: 'tasks.csv' }, key: ['id'], fields: { project: {}, name: {} } }] });
    const { estimate } = estimateRun(planSteps(cfg.steps), [{ name: 'tasks', entity: 'task', creates: 1000 }], options, 0);
    expect(estimate.callsPerWindow).toBe(budget.budgetFor(KEY).limit);
    expect(estimate.durationMs).toBe(budgetDurationMs(1000, 195));

    const eta = etaMs({ remainingCalls: 1000, budget: budget.budgetFor(KEY), waitMs: 0, latencyBoundMs: 0, nowMs: 0 });
    expect(eta).toBe(estimate.durationMs);
  });

  it('RateBudget.waitMs adds one window (plus margin) per extra window, as extraWindows counts them', () => {
    const b = new RateBudget({ clock: createManualClock(), marginMs: 500 });
    const life = ZOHO_RATE_LIMIT.windowMs + 500;
    expect(b.waitMs(KEY, 195)).toBe(0);
    expect(b.waitMs(KEY, 391)).toBe(extraWindows(391, 195) * life);
  });
});
