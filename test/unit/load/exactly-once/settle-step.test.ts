/** The end-of-step settle loop on its own: a scripted checkpoint and loader, a clock that records its waits. */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../../src/core/clock.js';
import type { ReconcileCounts } from '../../../../src/load/exactly-once/reconcile.js';
import { reconcileDoubtful, settleStep, type SettleStepOptions } from '../../../../src/load/exactly-once/settle-step.js';

const T0 = Date.UTC(2026, 10, 1);

/** `doubtful` and `planned` counts the loader's reconcile passes move, one scripted answer per pass. */
function fixture(o: { doubtful: number; planned?: number; passes: ((s: { doubtful: number; planned: number }) => ReconcileCounts)[]; signal?: AbortSignal }) {
  const state = { doubtful: o.doubtful, planned: o.planned ?? 0 };
  const sleeps: number[] = [];
  const resends: number[] = [];
  const log: string[] = [];
  let pass = 0;
  const clock: Clock = { now: () => T0, sleep: async (ms) => void sleeps.push(ms) };
  const options: SettleStepOptions = {
    loader: {
      reconcile: async () => o.passes[pass++]!(state),
      retryPlanned: async () => {
        resends.push(state.planned);
        state.planned = 0;
        return [];
      },
    },
    store: { countPending: (_step, states) => (states?.includes('planned') ? state.planned : state.doubtful) },
    step: 'tasks',
    runId: 1,
    clock,
    signal: o.signal ?? new AbortController().signal,
    settleMs: 60_000,
    batchSize: 50,
    hooks: { onReconciling: () => log.push('reconciling'), onReconciled: () => log.push('reconciled') },
    beforeResend: async (n) => void log.push(`gate ${n}`),
    afterResend: () => log.push('progress'),
    interrupted: () => new Error('interrupted'),
  };
  return { options, state, sleeps, resends, log };
}

describe('settleStep', () => {
  it('waits once for every record waiting, then re-sends what proved absent in one pass', async () => {
    const f = fixture({
      doubtful: 3,
      passes: [
        () => ({ found: 0, notFound: 0, unresolved: 0, waiting: 3, retryAtMs: T0 + 10_000, settledAtMs: T0 + 40_000 }),
        (s) => {
          s.doubtful = 0;
          s.planned = 2;
          return { found: 1, notFound: 2, unresolved: 0 };
        },
      ],
    });
    expect(await settleStep(f.options)).toBe(0);
    expect(f.sleeps).toEqual([40_000]);
    expect(f.resends).toEqual([2]);
    expect(f.log).toEqual(['reconciling', 'reconciled', 'reconciling', 'reconciled', 'gate 2', 'progress']);
  });

  it('never waits longer than one settle time (a clock stepped back after the send)', async () => {
    const f = fixture({
      doubtful: 1,
      passes: [
        () => ({ found: 0, notFound: 0, unresolved: 0, waiting: 1, retryAtMs: T0 + 3_600_000, settledAtMs: T0 + 3_600_000 }),
        (s) => {
          s.doubtful = 0;
          return { found: 1, notFound: 0, unresolved: 0 };
        },
      ],
    });
    expect(await settleStep(f.options)).toBe(0);
    expect(f.sleeps).toEqual([60_000]);
  });

  it('stops waiting after `waits` waits and returns what is still in doubt once the passes are used', async () => {
    const waiting = (): ReconcileCounts => ({ found: 0, notFound: 0, unresolved: 0, waiting: 1, retryAtMs: T0 + 1_000, settledAtMs: T0 + 1_000 });
    const f = fixture({ doubtful: 1, passes: Array.from({ length: 10 }, () => waiting) });
    expect(await settleStep({ ...f.options, waits: 2, passes: 3 })).toBe(1);
    expect(f.sleeps).toEqual([1_000, 1_000]);
    expect(f.resends).toEqual([]);
  });

  it('throws the caller\'s interrupted() once the stop signal is aborted, before any look', async () => {
    const stop = new AbortController();
    stop.abort();
    const f = fixture({ doubtful: 1, passes: [], signal: stop.signal });
    await expect(settleStep(f.options)).rejects.toThrow('interrupted');
    expect(f.log).toEqual([]);
  });

  it('does nothing when nothing is in doubt or planned', async () => {
    const f = fixture({ doubtful: 0, passes: [] });
    expect(await settleStep(f.options)).toBe(0);
    expect(f.log).toEqual([]);
  });
});

describe('reconcileDoubtful', () => {
  it('calls no hook and looks nothing up when no record is sent or in doubt', async () => {
    let looked = false;
    const hooks = { onReconciling: () => expect.unreachable(), onReconciled: () => expect.unreachable() };
    const loader = { reconcile: async () => ((looked = true), { found: 0, notFound: 0, unresolved: 0 }) };
    expect(await reconcileDoubtful(loader, { countPending: () => 0 }, 'tasks', hooks)).toBeUndefined();
    expect(looked).toBe(false);
  });
});
