/** A dry run's totals over its steps, and whether they pass the pipeline's reject limit. */
import { emptyCounts, type StepCounts } from '../../core/step-counts.js';
import type { StepReport } from '../../report/model.js';
import { addOptionalTotals } from '../prepare/item-counts.js';
import type { PipelineConfig } from '../file/schema.js';

/** True when the totals pass `options.rejectLimit` (count, or ratio of rejected to read). */
export function overLimit(cfg: PipelineConfig, totals: StepCounts): boolean {
  const l = cfg.options.rejectLimit;
  if (!l) return false;
  if (l.count !== undefined && totals.rejected > l.count) return true;
  return l.ratio !== undefined && totals.read > 0 && totals.rejected / totals.read > l.ratio;
}

/** The totals over the steps, with the would-counts the report shows. */
export function sumCounts(steps: readonly StepReport[]): StepCounts {
  const totals = emptyCounts();
  for (const s of steps) for (const k of ['read', 'valid', 'skipped', 'rejected'] as const) totals[k] += s.counts[k];
  addOptionalTotals(totals, steps.map((s) => s.counts));
  totals.wouldCreate = steps.reduce((n, s) => n + (s.counts.wouldCreate ?? 0), 0);
  totals.wouldSkip = steps.reduce((n, s) => n + (s.counts.wouldSkip ?? 0), 0);
  if (steps.some((s) => s.counts.wouldUpdate !== undefined)) totals.wouldUpdate = steps.reduce((n, s) => n + (s.counts.wouldUpdate ?? 0), 0);
  return totals;
}
