/**
 * Totals and ETAs for real runs, so progress bars show `done/total` and a time left.
 *
 * - Total: the records in a step's source, counted by a pre-pass over the extractor alone (no
 *   mapping, no lookups, no request), streamed in chunks: constant memory. It runs before the first
 *   request, beside the source hash the run takes anyway.
 * - ETA: the rest of the step's create calls at the endpoint's rate budget (the estimate's arithmetic,
 *   src/zoho/rate-limit.ts budgetDurationMs: the calls that fit the current window go at once, each
 *   further full window costs its length),
 *   or at the measured latency when that is slower, pushed across closed hours when an off-peak
 *   window is set.
 */
import { budgetDurationMs } from '../../zoho/rate-limit.js';
import type { OffPeakWindow } from '../window.js';

export interface EtaInput {
  /** Create calls still to make on the step's endpoint. */
  remainingCalls: number;
  /** The endpoint's effective calls per window (after headroom) and the window's length. */
  budget: { limit: number; windowMs: number };
  /** Until the endpoint could take the next call (a lock-out, an exhausted window), ms. */
  waitMs: number;
  /** The same calls at the measured latency and concurrency, ms (0 when unknown). */
  latencyBoundMs: number;
  /** When set, only open hours count: the ETA runs to the instant the work would finish. */
  window?: OffPeakWindow;
  nowMs: number;
}

/** Milliseconds until the rest of a step is done (0 when nothing is left). */
export function etaMs(i: EtaInput): number {
  if (i.remainingCalls <= 0) return 0;
  const limit = Math.max(1, i.budget.limit);
  // In the budget's own window length (a learned RateLimit-Window, or a sandbox's scaled one).
  const atBudget = budgetDurationMs(i.remainingCalls, limit, i.budget.windowMs) + Math.max(0, i.waitMs);
  const work = Math.round(Math.max(atBudget, i.latencyBoundMs));
  if (!i.window) return work;
  return Math.max(0, i.window.estimate(i.nowMs, work).finishMs - i.nowMs);
}
