/**
 * What a prepared row adds to its step's counts before any load, one rule for the real run
 * (run/run-step.ts) and the dry run (dry-run/dry-run.ts), so the two count skips and warnings alike:
 * - a `skip` item is skipped, and `filtered` (left out by `where:`) or `folded` (a `distinct:` step's
 *   repeat) by its reason;
 * - a row with at least one warning (a valid row, or a folded one) is `warned`, once however many
 *   warnings it carries.
 */
import type { PreparedItem, PreparedSkip } from '../../core/prepared-item.js';
import type { RowError } from '../../core/record.js';
import type { StepCounts } from '../../core/step-counts.js';

/** Counts a skip item: skipped, and filtered or folded by its reason. */
export function countSkip(counts: StepCounts, reason: PreparedSkip['reason']): void {
  counts.skipped++;
  counts[reason] = (counts[reason] ?? 0) + 1;
}

/** Counts a row with warnings (call once per row). */
export function countWarned(counts: StepCounts): void {
  counts.warned = (counts.warned ?? 0) + 1;
}

/** The warnings a prepared row carries (none for a reject: a refused row is reported as a reject only). */
export function warningsOf(item: PreparedItem): readonly RowError[] {
  return item.kind === 'reject' ? NONE : (item.warnings ?? NONE);
}

/** Shared by every row without warnings (asked for every row): no array per row. Frozen: read only. */
const NONE: readonly RowError[] = Object.freeze([]);

/** Rows of the step's counts skipped before any load (filtered and folded): read = valid + these + prepare rejects. */
export const skippedBeforeLoad = (counts: StepCounts): number => (counts.filtered ?? 0) + (counts.folded ?? 0);

/** Adds the optional counts of `steps` (filtered, folded, warned) into a report's `totals`, each only when not zero. */
export function addOptionalTotals(totals: StepCounts, steps: readonly StepCounts[]): void {
  for (const k of ['filtered', 'folded', 'warned'] as const) {
    const n = steps.reduce((a, c) => a + (c[k] ?? 0), 0);
    if (n > 0) totals[k] = n;
  }
}
