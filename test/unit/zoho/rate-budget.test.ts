import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/core/clock.js';
import { createMemoryBudgetStore } from '../../../src/checkpoint/budget-store.js';
import { RateBudget, parseRateHeaders } from '../../../src/zoho/rate-budget.js';

const KEY = '1|owner|POST /projects/{project}/tasks';

describe('RateBudget', () => {
  it('allows limit·(1-headroom) calls per window, then waits until the oldest leaves (plus margin)', async () => {
    const clock = createManualClock();
    const b = new RateBudget({ clock, headroom: 0.025, marginMs: 500 });
    expect(b.budgetFor(KEY)).toEqual({ limit: 195, windowMs: 120_000 });
    for (let i = 0; i < 195; i++) {
      const r = b.tryAcquire(KEY);
      expect(r).toBeDefined();
      r!.complete();
      await clock.advance(10);
    }
    expect(b.tryAcquire(KEY)).toBeUndefined();
    // first call completed at t0 → leaves at t0 + 120 000 + 500; we are at t0 + 1950
    expect(b.waitMs(KEY)).toBe(120_500 - 1950);
    await clock.advance(120_500 - 1950 - 1);
    expect(b.tryAcquire(KEY)).toBeUndefined();
    await clock.advance(1);
    expect(b.tryAcquire(KEY)).toBeDefined();
  });

  it('counts in-flight calls and stamps them at completion (server arrival ≤ our receipt)', async () => {
    const clock = createManualClock();
    const b = new RateBudget({ clock, limit: 2, headroom: 0, marginMs: 0 });
    const r1 = b.tryAcquire(KEY)!;
    const r2 = b.tryAcquire(KEY)!;
    expect(b.tryAcquire(KEY)).toBeUndefined();
    await clock.advance(5000);
    r1.complete();
    r2.complete();
    await clock.advance(120_000 - 1);
    expect(b.tryAcquire(KEY)).toBeUndefined(); // stamped at +5000, not at reservation
    await clock.advance(1);
    expect(b.tryAcquire(KEY)).toBeDefined();
  });

  it('acquire waits on the injected clock', async () => {
    const clock = createManualClock();
    const b = new RateBudget({ clock, limit: 1, headroom: 0, marginMs: 0 });
    b.tryAcquire(KEY)!.complete();
    const waits: number[] = [];
    let got = false;
    const p = b.acquire(KEY, undefined, (ms) => waits.push(ms)).then(() => (got = true));
    await clock.advance(60_000);
    expect(got).toBe(false);
    await clock.advance(60_000);
    await p;
    expect(got).toBe(true);
    expect(waits[0]).toBe(120_000);
  });

  it('a lock pauses only its own key', async () => {
    const clock = createManualClock();
    const b = new RateBudget({ clock });
    const other = '1|owner|GET /projects/{project}/tasks';
    b.lock(KEY, clock.now() + 600_000);
    expect(b.tryAcquire(KEY)).toBeUndefined();
    expect(b.waitMs(KEY)).toBe(600_000);
    expect(b.tryAcquire(other)).toBeDefined();
    await clock.advance(600_000);
    expect(b.tryAcquire(KEY)).toBeDefined();
  });

  it('learns calls of another client from RateLimit-Remaining and shrinks its pace', () => {
    const clock = createManualClock();
    const b = new RateBudget({ clock, headroom: 0.025 });
    const r = b.tryAcquire(KEY)!;
    // the server has counted 121 calls: ours (1) and 120 of someone else
    b.updateFromResponse(KEY, { limit: 200, remaining: 79 }, r);
    r.complete();
    expect(b.used(KEY)).toEqual({ ours: 1, inflight: 0, phantoms: 120 });
    let n = 0;
    while (b.tryAcquire(KEY)) n++;
    expect(n).toBe(195 - 121);
  });

  it('learns a smaller limit and window from headers', () => {
    const clock = createManualClock();
    const b = new RateBudget({ clock, headroom: 0 });
    b.updateFromResponse(KEY, { limit: 100, windowMs: 60_000 });
    expect(b.budgetFor(KEY)).toEqual({ limit: 100, windowMs: 60_000 });
  });

  it('persists calls and locks through the store: a restarted budget cannot burst', async () => {
    const clock = createManualClock();
    const store = createMemoryBudgetStore();
    const a = new RateBudget({ clock, store, headroom: 0 });
    for (let i = 0; i < 150; i++) a.tryAcquire(KEY)!.complete();
    const lockedKey = '1|owner|GET /projects';
    a.lock(lockedKey, clock.now() + 300_000);
    await clock.advance(30_000);
    const b = new RateBudget({ clock, store, headroom: 0 });
    let n = 0;
    while (b.tryAcquire(KEY)) n++;
    expect(n).toBe(50);
    expect(b.waitMs(lockedKey)).toBe(270_000);
  });

  it('estimateWait for more calls than a window holds adds whole windows', () => {
    const clock = createManualClock();
    const b = new RateBudget({ clock, limit: 10, headroom: 0, marginMs: 0 });
    expect(b.waitMs(KEY, 10)).toBe(0);
    expect(b.waitMs(KEY, 11)).toBe(120_000);
    expect(b.waitMs(KEY, 25)).toBe(240_000);
  });
});

describe('parseRateHeaders', () => {
  it('reads Zoho headers and the IETF combined form', () => {
    const h = new Headers({ RateLimit: '200', 'RateLimit-Remaining': '17', 'RateLimit-Window': '120', 'RateLimit-Window-Unit': 'seconds' });
    expect(parseRateHeaders((n) => h.get(n))).toEqual({ limit: 200, remaining: 17, windowMs: 120_000 });
    const i = new Headers({ RateLimit: 'limit=100, remaining=3, reset=20' });
    expect(parseRateHeaders((n) => i.get(n))).toMatchObject({ limit: 100, remaining: 3 });
    expect(parseRateHeaders(() => null)).toEqual({});
  });
});
