/** A real run's counts, from the checkpoint, and the reject limit checked against them. */
import { ZpetlError } from '../../core/errors.js';
import type { CheckpointStore } from '../../checkpoint/store.js';
import { emptyCounts, type StepCounts } from '../../core/step-counts.js';
import type { RejectLimits } from './run-plan.js';

/** This run's counts for a step, from the checkpoint (exact across resumes). */
export function storedStepCounts(store: Pick<CheckpointStore, 'counts'>, runId: number, step: string): StepCounts {
  const c = store.counts(runId, step);
  return {
    ...emptyCounts(),
    read: c.read,
    valid: c.read - c.rejectedPrepare - c.filtered - c.folded,
    created: c.created,
    updated: c.updated,
    skipped: c.skipped,
    rejected: c.rejected,
    inDoubt: c.inDoubt,
    ...(c.filtered > 0 ? { filtered: c.filtered } : {}),
    ...(c.folded > 0 ? { folded: c.folded } : {}),
    ...(c.warned > 0 ? { warned: c.warned } : {}),
  };
}

export interface LimitCheck {
  /** The RUN_REJECT_LIMIT error once the run's rejects are over the limit, else undefined. */
  check(): ZpetlError | undefined;
}

/** The pipeline's reject limit (a count, or a ratio once `minRows` rows are read, default 100) over `totals`. */
export function createLimitCheck(limits: RejectLimits, totals: () => { read: number; rejected: number }): LimitCheck {
  const minRows = limits.minRows ?? 100;
  return {
    check() {
      if (limits.count === undefined && limits.ratio === undefined) return undefined;
      const { read, rejected } = totals();
      if (limits.count !== undefined && rejected > limits.count) {
        return new ZpetlError('RUN_REJECT_LIMIT', `${rejected} rows rejected, over the limit of ${limits.count}`, {
          details: { rejected, read, limit: limits.count },
          hint: 'Fix the rows listed in rejects.csv (or raise rejectLimit) and run again; rows already loaded are skipped.',
        });
      }
      if (limits.ratio !== undefined && read >= minRows && rejected / read > limits.ratio) {
        return new ZpetlError('RUN_REJECT_LIMIT', `${rejected} of ${read} rows rejected (${((rejected / read) * 100).toFixed(1)}%), over the limit of ${(limits.ratio * 100).toFixed(1)}%`, {
          details: { rejected, read, ratio: limits.ratio },
          hint: 'Fix the rows listed in rejects.csv (or raise the reject ratio) and run again; rows already loaded are skipped.',
        });
      }
      return undefined;
    },
  };
}
