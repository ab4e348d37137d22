/**
 * The end of a step: settle what this run left in doubt and re-send what proved absent, so later steps
 * find their parents (README.md#settle-time-and-why-60-s). The run engine (src/pipeline/run/run-one-step.ts) wires it:
 * its clock and stop signal, its rate gate before each re-send, its events.
 *
 * A record sent too recently to be judged (a late commit may still land) waits, in-doubt, and is looked
 * up again once it matures; waiting does not use up a re-send pass. One wait lasts until every record
 * waiting then can be judged (at most one settle time), and only then is what proved absent re-sent: a
 * pass is one generation of re-sends. Records that went in doubt batches apart mature one by one;
 * waiting for the earliest only and re-sending it would use a pass per record, and the passes would run
 * out with records this run could still judge (left in doubt, exit 1).
 */
import type { Clock } from '../../core/clock.js';
import type { CheckpointStore } from '../../checkpoint/store.js';
import type { ReconcileCounts } from './reconcile.js';
import type { BatchOutcome, StepLoader } from './step-loader.js';

/** Passes of reconcile + re-send at the end of a step (RunEngineOptions.settlePasses). */
export const DEFAULT_SETTLE_PASSES = 3;
/** Waits for late commits at the end of one step, at most (RunEngineOptions.settleWaits). */
export const DEFAULT_SETTLE_WAITS = 10;

/** What the caller is told around a reconciliation (its progress events, its figures). */
export interface ReconcileHooks {
  onReconciling(): void;
  onReconciled(counts: ReconcileCounts): void;
}

/**
 * Reconciles the step's records left 'sent' or 'in-doubt' (any run), when there are any; undefined
 * when there were none (no lookup, no hook called).
 */
export async function reconcileDoubtful(
  loader: Pick<StepLoader, 'reconcile'>,
  store: Pick<CheckpointStore, 'countPending'>,
  step: string,
  hooks: ReconcileHooks,
): Promise<ReconcileCounts | undefined> {
  if (store.countPending(step, ['sent', 'in-doubt']) === 0) return undefined;
  hooks.onReconciling();
  const c = await loader.reconcile();
  hooks.onReconciled(c);
  return c;
}

export interface SettleStepOptions {
  loader: Pick<StepLoader, 'reconcile' | 'retryPlanned'>;
  store: Pick<CheckpointStore, 'countPending'>;
  step: string;
  runId: number;
  /** The run's clock: waits for late commits sleep on it. */
  clock: Clock;
  /** The run's stop signal: no wait or re-send starts once it is aborted. */
  signal: AbortSignal;
  /** Re-send passes, at most (default DEFAULT_SETTLE_PASSES). */
  passes?: number | undefined;
  /** Waits for late commits, at most (default DEFAULT_SETTLE_WAITS). */
  waits?: number | undefined;
  /** The settle time, ms: no single wait is longer (a clock stepped back must not stall the run). */
  settleMs: number;
  /** Records per re-send batch. */
  batchSize: number;
  hooks: ReconcileHooks;
  /** Before re-sending `toSend` records: the caller's rate gate. Throw to stop. */
  beforeResend(toSend: number): Promise<void>;
  /** After a re-send, with its batch outcomes. */
  afterResend(outcomes: BatchOutcome[]): void;
  /** The error to throw when stopped while settling (the caller leaves the step resumable). */
  interrupted(): Error;
}

/**
 * Settles the step: reconcile, wait for records too young to judge, re-send what proved absent, until
 * nothing is doubtful or planned or the passes run out. Returns how many records are still 'sent' or
 * 'in-doubt' (left for the next run). Throws `interrupted()` once the signal is aborted.
 */
export async function settleStep(o: SettleStepOptions): Promise<number> {
  const { store, step, runId, signal, clock } = o;
  const passes = o.passes ?? DEFAULT_SETTLE_PASSES;
  const maxWaits = o.waits ?? DEFAULT_SETTLE_WAITS;
  let waits = 0;
  for (let pass = 0; pass < passes; ) {
    const doubtful = store.countPending(step, ['sent', 'in-doubt']);
    const planned = store.countPending(step, ['planned'], runId);
    if (doubtful === 0 && planned === 0) break;
    if (signal.aborted) throw o.interrupted();
    const rc = await reconcileDoubtful(o.loader, store, step, o.hooks);
    const toSend = store.countPending(step, ['planned'], runId);
    if (rc?.waiting && rc.settledAtMs !== undefined && waits < maxWaits) {
      // Proven-absent records stay planned (never sent twice; a stop here leaves them for the resume).
      waits++;
      // Never longer than one settle time: a clock stepped back after the send must not stall the run.
      const waitMs = Math.min(Math.max(0, rc.settledAtMs - clock.now()), o.settleMs);
      try {
        await clock.sleep(waitMs, signal);
      } catch {
        throw o.interrupted();
      }
    } else if (toSend > 0) {
      pass++;
      await o.beforeResend(toSend);
      o.afterResend(await o.loader.retryPlanned({ signal, batchSize: o.batchSize }));
    } else pass++;
  }
  if (signal.aborted) throw o.interrupted();
  return store.countPending(step, ['sent', 'in-doubt']);
}
