import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../src/core/clock.js';
import { zonedToEpoch } from '../../../../src/core/local-date.js';
import { createLatencyTracker, createRunGate } from '../../../../src/pipeline/run/run-gate.js';
import { parseWindow } from '../../../../src/pipeline/window.js';

const at = (date: string, h: number, m = 0) => zonedToEpoch(date, h * 60 + m, 'Europe/Berlin');
const cost = { endpoint: 'POST /projects/{project}/tasks' as const, calls: 10 };

function setup(startMs: number, wait: boolean, budgetWaitMs = 0) {
  const clock = createManualClock(startMs);
  const ac = new AbortController();
  const waits: number[] = [];
  const latency = createLatencyTracker(1000);
  const gate = createRunGate({
    window: parseWindow('22:00-06:00', 'Europe/Berlin'),
    wait,
    clock,
    signal: ac.signal,
    client: { estimateWaitMs: () => budgetWaitMs },
    latency,
    concurrency: 2,
    onWaiting: (u) => waits.push(u),
  });
  return { clock, ac, gate, waits, latency };
}

describe('run gate', () => {
  it('lets a batch go inside the window and counts the opening used', async () => {
    const { gate } = setup(at('2026-11-28', 23), false);
    expect(await gate.check(cost)).toEqual({ go: true });
    expect(gate.windowsUsed()).toEqual([at('2026-11-28', 22)]);
  });

  it('stops outside the window without wait', async () => {
    const { gate } = setup(at('2026-11-28', 12), false);
    expect(await gate.check(cost)).toEqual({ go: false, reason: 'outside-window' });
  });

  it('drains before the close: a batch that cannot finish does not start', async () => {
    // 10 calls at concurrency 2 and 1 s latency = 5 s, plus 60 s of budget wait
    const { gate } = setup(at('2026-11-29', 5, 59), false, 60_000);
    expect(gate.estimateMs(cost)).toBe(65_000);
    expect(await gate.check(cost)).toEqual({ go: false, reason: 'outside-window' });
    const early = setup(at('2026-11-29', 5, 58), false, 60_000);
    expect(await early.gate.check(cost)).toEqual({ go: true });
  });

  it('waits for the next opening with wait, then goes', async () => {
    const { gate, clock, waits } = setup(at('2026-11-28', 12), true);
    const p = gate.check(cost);
    await clock.advance(0);
    expect(waits).toEqual([at('2026-11-28', 22)]);
    await clock.set(at('2026-11-28', 22));
    expect(await p).toEqual({ go: true });
  });

  it('waits through the spring-forward night correctly (opening at 22:00 local)', async () => {
    const { gate, clock, waits } = setup(at('2026-03-29', 5, 59), true, 120_000);
    const p = gate.check(cost);
    await clock.advance(0);
    // 05:59 with 2+ minutes of work: drain, wait for tonight's 22:00
    expect(waits).toEqual([at('2026-03-29', 22)]);
    expect(at('2026-03-29', 22) - at('2026-03-29', 6)).toBe(16 * 3_600_000);
    await clock.set(at('2026-03-29', 22));
    expect(await p).toEqual({ go: true });
  });

  it('an abort while waiting stops the gate as interrupted', async () => {
    const { gate, ac, clock } = setup(at('2026-11-28', 12), true);
    const p = gate.check(cost);
    await clock.advance(0);
    ac.abort();
    expect(await p).toEqual({ go: false, reason: 'interrupted' });
  });

  it('tracks latency as a moving average', () => {
    const l = createLatencyTracker(500, 0.5);
    expect(l.value()).toBe(500);
    l.observe(100);
    l.observe(300);
    expect(l.value()).toBe(200);
  });
});
