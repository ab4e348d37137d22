/**
 * Per-run, per-step figures, counted from the tables rather than kept as counters, so they stay exact
 * when a resumed run re-reads rows it already finished (records.run_id/outcome say what the latest run
 * to touch a key did with it; schema-runs.ts). Part of the checkpoint store (store.ts).
 */
import type { StoreContext } from './store-context.js';
import { hasWarningsTable } from './warning-store.js';
import type { RecordState, StoredCounts } from './store-types.js';

/** The figures of a step. */
export interface CountsStore {
  counts(runId: number, step: string): StoredCounts;
}

/** Figures over the shared handle. */
export function createCountsStore({ db }: StoreContext): CountsStore {
  const s = {
    outcomes: db.prepare<[number, string], { outcome: string | null; state: RecordState; n: number }>(
      'SELECT outcome, state, count(*) AS n FROM records WHERE run_id = ? AND step = ? GROUP BY outcome, state',
    ),
    rejects: db.prepare<[number, string], { stage: string; n: number }>(
      'SELECT stage, count(*) AS n FROM rejects WHERE run_id = ? AND step = ? GROUP BY stage',
    ),
  };
  // Rows, not warnings: a row may carry several; a source warning (idx < 0, warning-store.ts) is no row's.
  // An older file read as it is has no table, and no warnings.
  const warned = hasWarningsTable(db)
    ? db.prepare<[number, string], number>('SELECT count(*) FROM (SELECT DISTINCT source, idx FROM warnings WHERE run_id = ? AND step = ? AND idx >= 0)').pluck()
    : undefined;
  const warnedOf = (runId: number, step: string): number => warned?.get(runId, step) ?? 0;
  return {
    counts(runId, step) {
      const c: StoredCounts = { created: 0, updated: 0, skipped: 0, rejected: 0, inDoubt: 0, rejectedPrepare: 0, filtered: 0, folded: 0, warned: 0, read: 0 };
      for (const row of s.outcomes.all(runId, step)) {
        if (row.state === 'confirmed' && (row.outcome === 'created' || row.outcome === 'updated' || row.outcome === 'skipped')) {
          c[row.outcome] += row.n;
        } else if (row.state === 'confirmed' && (row.outcome === 'filtered' || row.outcome === 'folded')) {
          c.skipped += row.n;
          c[row.outcome] += row.n;
        } else if (row.state === 'in-doubt' || row.state === 'sent') c.inDoubt += row.n;
      }
      // A record refused by Zoho is counted here, from its rejects row (with the prepare-stage ones).
      for (const row of s.rejects.all(runId, step)) {
        c.rejected += row.n;
        if (row.stage === 'prepare') c.rejectedPrepare += row.n;
      }
      c.warned = warnedOf(runId, step);
      c.read = c.created + c.updated + c.skipped + c.rejected + c.inDoubt;
      return c;
    },
  };
}
