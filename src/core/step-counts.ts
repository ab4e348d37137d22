/**
 * Per-step counters: what the events carry, the report tables show and the checkpoint sums up.
 * Invariant at the end of a step: read = created + updated + skipped + rejected (+ inDoubt while
 * unresolved).
 */
export interface StepCounts {
  read: number;
  /** Rows that passed mapping and validation. In a dry run: read = valid + rejected. */
  valid: number;
  created: number;
  updated: number;
  /** Already in Zoho (crosswalk or natural-key match), or left out by the step's `where:` filter. */
  skipped: number;
  /** Of `skipped`, the rows the step's `where:` filter left out (absent when the step has no filter). */
  filtered?: number;
  /** Of `skipped`, the repeats a `distinct:` step folded into the first row with their key (absent when the step has none). */
  folded?: number;
  /**
   * Rows with at least one warning (absent when none): valid rows (a lookup with `onMissing: warn`) and
   * folded ones (ROW_FOLDED_DIFFERS), counted when prepared, alike in the run and the dry run, whatever
   * the load then does with them.
   */
  warned?: number;
  rejected: number;
  /** Sent with no answer; reconciled on resume. */
  inDoubt: number;
  /**
   * Dry run only: what a real run would create / skip / update. wouldSkip = valid rows whose key is
   * already in the checkpoint's crosswalk (loaded by an earlier real run); wouldUpdate (steps in mode
   * upsert only) = those an upsert would PATCH. valid = wouldCreate + wouldSkip + wouldUpdate.
   */
  wouldCreate?: number;
  wouldSkip?: number;
  wouldUpdate?: number;
}

/** A fresh, zeroed StepCounts (a new object on every call: callers mutate it). No optional counter is set. */
export const emptyCounts = (): StepCounts => ({ read: 0, valid: 0, created: 0, updated: 0, skipped: 0, rejected: 0, inDoubt: 0 });
