/**
 * What decides whether the next batch may start: a stop request, and the off-peak window.
 *
 * Near the end of an opening no batch starts unless it can finish before the close (a run promises to end inside its window): its
 * duration is estimated from the client's budget (`estimateWaitMs`: how long until the endpoint can
 * take that many calls) plus the measured request latency at the step's concurrency. Outside the
 * window, with `wait` the gate sleeps until the next opening (abortable); without it the run stops
 * and exits 4, naming the next opening.
 */
import type { Clock } from '../../core/clock.js';
import type { ZohoClient } from '../../zoho/types.js';
import type { BatchCost, Gate } from './run-step.js';
import type { OffPeakWindow } from '../window.js';

/** The shortest duration assumed for one request, ms. */
export const MIN_CALL_MS = 50;

/** Exponential moving average of request durations, fed from client 'request' events. */
export interface LatencyTracker {
  observe(durationMs: number): void;
  /** Current estimate in ms (default 500 before any request). */
  value(): number;
}

export function createLatencyTracker(initialMs = 500, alpha = 0.2): LatencyTracker {
  let v: number | undefined;
  return {
    observe(d) {
      if (!(d >= 0)) return;
      v = v === undefined ? d : v + alpha * (d - v);
    },
    value: () => v ?? initialMs,
  };
}

export interface GateOptions {
  window?: OffPeakWindow;
  /** Sleep until the window opens instead of stopping. */
  wait: boolean;
  clock: Clock;
  signal?: AbortSignal;
  client: Pick<ZohoClient, 'estimateWaitMs'>;
  latency: LatencyTracker;
  /** Requests one batch keeps in flight. */
  concurrency: number;
  /** Told when the gate starts waiting for the window, and when the wait ends. */
  onWaiting?(untilMs: number): void;
  onResumed?(): void;
}

export interface RunGate {
  /** Decides for one batch of `cost`. */
  check(cost: BatchCost): Promise<Gate>;
  /** Estimated duration of a batch, in ms. */
  estimateMs(cost: BatchCost): number;
  /** Openings in which at least one batch started (their opening instants). */
  windowsUsed(): number[];
}

export function createRunGate(o: GateOptions): RunGate {
  const used = new Set<number>();
  // A call is never assumed faster than MIN_CALL_MS: a clock that does not move (tests) or a burst of
  // very fast answers must not make a batch look free just before the close.
  const estimateMs = (cost: BatchCost): number =>
    o.client.estimateWaitMs(cost.endpoint, cost.calls) + Math.ceil(cost.calls / Math.max(1, o.concurrency)) * Math.max(MIN_CALL_MS, o.latency.value());

  async function check(cost: BatchCost): Promise<Gate> {
    for (;;) {
      if (o.signal?.aborted) return { go: false, reason: 'interrupted' };
      const w = o.window;
      if (!w) return { go: true };
      const now = o.clock.now();
      const est = estimateMs(cost);
      const span = w.currentSpan(now);
      // A batch longer than a whole opening could never start: let it go at the opening rather than wait forever.
      if (span && (w.canFinishBefore(now, est) || est > span.closeMs - span.openMs)) {
        used.add(span.openMs);
        return { go: true };
      }
      if (!o.wait) return { go: false, reason: 'outside-window' };
      const until = span ? w.nextSpan(now).openMs : w.nextOpening(now);
      o.onWaiting?.(until);
      try {
        await o.clock.sleep(Math.max(0, until - now), o.signal);
      } catch {
        return { go: false, reason: 'interrupted' };
      }
      o.onResumed?.();
    }
  }

  return { check, estimateMs, windowsUsed: () => [...used].filter(Number.isFinite).sort((a, b) => a - b) };
}
