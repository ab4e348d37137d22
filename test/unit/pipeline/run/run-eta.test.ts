import { describe, expect, it } from 'vitest';
import { etaMs } from '../../../../src/pipeline/run/run-eta.js';
import { parseWindow } from '../../../../src/pipeline/window.js';

const base = { budget: { limit: 180, windowMs: 120_000 }, waitMs: 0, latencyBoundMs: 0, nowMs: Date.UTC(2026, 10, 28, 12) };

describe('etaMs (real-run ETA from the rate budget)', () => {
  it('is 0 when nothing is left', () => {
    expect(etaMs({ ...base, remainingCalls: 0 })).toBe(0);
  });

  it('calls that fit the current window go at once; each further window costs its length', () => {
    expect(etaMs({ ...base, remainingCalls: 180 })).toBe(0);
    expect(etaMs({ ...base, remainingCalls: 181 })).toBe(120_000);
    // 1,000 calls at 180 per 2 min: 6 windows, the first at once → 10 min
    expect(etaMs({ ...base, remainingCalls: 1000 })).toBe(600_000);
  });

  it('adds the wait before the endpoint takes the next call (lock-out, spent window)', () => {
    expect(etaMs({ ...base, remainingCalls: 1000, waitMs: 30_000 })).toBe(630_000);
  });

  it('uses the budget window length (a scaled sandbox) and the latency bound when that is slower', () => {
    expect(etaMs({ ...base, budget: { limit: 180, windowMs: 1200 }, remainingCalls: 1000 })).toBe(6000);
    expect(etaMs({ ...base, remainingCalls: 1000, latencyBoundMs: 900_000 })).toBe(900_000);
  });

  it('counts only open hours when an off-peak window is set', () => {
    const window = parseWindow('22:00-06:00', 'Europe/Berlin');
    // 20:00 UTC = 21:00 in Berlin (CET): the window opens in 1 h, then 10 min of work
    const nowMs = Date.UTC(2026, 10, 28, 20);
    expect(etaMs({ ...base, nowMs, window, remainingCalls: 1000 })).toBe(70 * 60_000);
    // inside the window: just the work
    expect(etaMs({ ...base, nowMs: Date.UTC(2026, 10, 28, 22), window, remainingCalls: 1000 })).toBe(600_000);
  });
});
