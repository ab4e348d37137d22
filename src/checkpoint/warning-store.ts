/**
 * Row warnings: problems that did not stop a row (a lookup with `onMissing: warn`, a `distinct:` step's
 * folded row whose values differ), each with its source position and the row's original columns, for
 * warnings.csv and the report. Part of the checkpoint store (store.ts). Written with the rejects'
 * writer into a table of the same columns (schema-warnings.ts); a warning is recorded at most once per
 * run, row, code and field, so a resumed run re-reading a row neither loses nor doubles one.
 *
 * Source warnings (a repeated header, no records after the header: about the file, not a row) share the
 * table with a negative `idx` and no columns (src/pipeline/prepare/source-warnings.ts sourceWarningRow):
 * `warnings()` and the `warned` count (counts-store.ts) read rows (idx ≥ 0) only, `sourceWarnings()`
 * the others.
 */
import { ZpetlError } from '../core/errors.js';
import type { RowError } from '../core/record.js';
import { createRejectWriter, toReject, type RejectDbRow } from './reject-store.js';
import type { Db } from './db-handle.js';
import { mapIter, type StoreContext } from './store-context.js';
import type { RejectRow } from './store-types.js';

/** Row warnings. */
export interface WarningStore {
  /**
   * Records a row's warnings (one transaction); returns how many were new in this run (0 when a resumed
   * run re-reads a row it had already warned about).
   */
  recordWarnings(runId: number, step: string, row: { warnings: readonly RowError[]; key?: string; data?: Record<string, unknown> }): number;
  /** This run's row warnings, per step in source order (`stage` is always 'prepare'). */
  warnings(runId: number, step?: string): IterableIterator<RejectRow>;
  /** Records one source warning (`warning.pos.index` < 0); false when this run had already recorded it. */
  recordSourceWarning(runId: number, step: string, warning: RowError): boolean;
  /** This run's source warnings, per step in the order recorded. */
  sourceWarnings(runId: number, step?: string): IterableIterator<RejectRow>;
  /** This run's warnings per code, source and row warnings alike. */
  warningsByCode(runId: number): Record<string, number>;
}

/**
 * Whether the warnings table exists. The read-only openers (dry run, `status`, `rejects`) read a file of
 * an older schema as it is, never migrating it: there, no warnings were ever recorded.
 */
export function hasWarningsTable(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'warnings'").get() !== undefined;
}

/** Row warnings over the shared handle (none to read in an older file without the table: see hasWarningsTable). */
export function createWarningStore(ctx: StoreContext): WarningStore {
  const { now } = ctx;
  const s = hasWarningsTable(ctx.db) ? prepareWarnings(ctx) : undefined;
  return {
    recordWarnings(runId, step, row) {
      if (row.warnings.length === 0) return 0;
      if (!s) throw new ZpetlError('INTERNAL', 'the checkpoint has no warnings table: it was opened without its migrations');
      return s.record(runId, step, row, now());
    },
    *warnings(runId, step) {
      if (s) yield* mapIter(step === undefined ? s.run.iterate(runId) : s.step.iterate(runId, step), toReject);
    },
    recordSourceWarning(runId, step, warning) {
      if (warning.pos.index >= 0) throw new ZpetlError('INTERNAL', 'a source warning is recorded with a negative index');
      if (!s) throw new ZpetlError('INTERNAL', 'the checkpoint has no warnings table: it was opened without its migrations');
      return s.writer.insert(runId, step, { error: warning }, now());
    },
    *sourceWarnings(runId, step) {
      if (s) yield* mapIter(step === undefined ? s.sourceRun.iterate(runId) : s.sourceStep.iterate(runId, step), toReject);
    },
    warningsByCode(runId) {
      const out: Record<string, number> = {};
      if (s) for (const r of s.byCode.all(runId)) out[r.code] = r.n;
      return out;
    },
  };
}

function prepareWarnings(ctx: StoreContext) {
  const { db } = ctx;
  const writer = createRejectWriter(ctx, 'warnings');
  return {
    writer,
    run: db.prepare<[number], RejectDbRow>('SELECT * FROM warnings WHERE run_id = ? AND idx >= 0 ORDER BY step, idx, id'),
    step: db.prepare<[number, string], RejectDbRow>('SELECT * FROM warnings WHERE run_id = ? AND step = ? AND idx >= 0 ORDER BY idx, id'),
    sourceRun: db.prepare<[number], RejectDbRow>('SELECT * FROM warnings WHERE run_id = ? AND idx < 0 ORDER BY id'),
    sourceStep: db.prepare<[number, string], RejectDbRow>('SELECT * FROM warnings WHERE run_id = ? AND step = ? AND idx < 0 ORDER BY id'),
    byCode: db.prepare<[number], { code: string; n: number }>('SELECT code, count(*) AS n FROM warnings WHERE run_id = ? GROUP BY code ORDER BY code'),
    record: db.transaction((runId: number, step: string, row: Parameters<WarningStore['recordWarnings']>[2], nowMs: number): number => {
      let added = 0;
      for (const error of row.warnings) {
        if (writer.insert(runId, step, { error, ...(row.key !== undefined ? { key: row.key } : {}), ...(row.data ? { data: row.data } : {}) }, nowMs)) added++;
      }
      return added;
    }),
  };
}
