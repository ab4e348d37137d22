/**
 * Rejects: rows refused before any request (mapping, validation: stage 'prepare') or by Zoho (stage
 * 'load'), each with its source position and original columns, for rejects.csv. Part of the
 * checkpoint store (store.ts). A row is rejected at most once per run (the rejects_row index of
 * schema-runs.ts), however often a resumed run re-reads it.
 */
import type { RowError } from '../core/record.js';
import { mapIter, type StoreContext } from './store-context.js';
import type { RejectRow } from './store-types.js';

/** One rejected row. */
export interface RejectInput {
  error: RowError;
  key?: string;
  /** Original columns in source order. */
  data?: Record<string, unknown>;
  /** Default 'prepare'. */
  stage?: 'prepare' | 'load';
}

/** Rejects. */
export interface RejectStore {
  /** A reject found before any request (mapping, validation). Returns false if this row was already rejected in this run. */
  recordReject(runId: number, step: string, reject: RejectInput): boolean;
  rejects(runId: number, step?: string): IterableIterator<RejectRow>;
}

/** The reject write, shared by recordReject and the record store's results transaction (record-store.ts). */
export interface RejectWriter {
  /** Stores the reject at `nowMs`; false if this run already rejected the row. */
  insert(runId: number, step: string, reject: RejectInput, nowMs: number): boolean;
}

/** A row of the rejects table as SQLite returns it. */
export interface RejectDbRow {
  id: number;
  run_id: number;
  step: string;
  key: string | null;
  stage: 'prepare' | 'load';
  source: string;
  line: number;
  idx: number;
  code: string;
  field: string;
  message: string;
  value: string | null;
  columns_json: string;
}

/** A row of `rejects` (or of `warnings`, which has the same columns: schema-warnings.ts) as the store answers it. */
export const toReject = (r: RejectDbRow): RejectRow => ({
  id: r.id,
  runId: r.run_id,
  step: r.step,
  key: r.key,
  stage: r.stage,
  source: r.source,
  line: r.line,
  index: r.idx,
  code: r.code,
  field: r.field,
  message: r.message,
  value: r.value,
  columns: JSON.parse(r.columns_json) as [string, unknown][],
});

/** The offending value as text, cut to 200 characters (the whole row is in the columns). */
function valueText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}…(${s.length} chars)` : s;
}

/**
 * The rejects table's write, over the shared handle; `table: 'warnings'` writes row warnings, whose table
 * has the same columns (schema-warnings.ts) and its own uniqueness (one per row, code and field).
 */
export function createRejectWriter({ db }: StoreContext, table: 'rejects' | 'warnings' = 'rejects'): RejectWriter {
  const insert = db.prepare(`
      INSERT OR IGNORE INTO ${table} (run_id, step, key, stage, source, line, idx, code, field, message, value, columns_json, created_ms)
      VALUES (@run, @step, @key, @stage, @source, @line, @idx, @code, @field, @message, @value, @columns, @now)`);
  return {
    insert(runId, step, r, nowMs) {
      const e = r.error;
      const columns = r.data ? Object.entries(r.data) : [];
      const info = insert.run({
        run: runId,
        step,
        key: r.key ?? null,
        stage: r.stage ?? 'prepare',
        source: e.pos.source,
        line: e.pos.line,
        idx: e.pos.index,
        code: e.code,
        field: e.field,
        message: e.message,
        value: valueText(e.value),
        columns: JSON.stringify(columns),
        now: nowMs,
      });
      return info.changes > 0;
    },
  };
}

/** Rejects over the shared handle; `writer` is the one the record store writes Zoho's refusals with. */
export function createRejectStore(ctx: StoreContext, writer: RejectWriter = createRejectWriter(ctx)): RejectStore {
  const { db, now } = ctx;
  const s = {
    run: db.prepare<[number], RejectDbRow>('SELECT * FROM rejects WHERE run_id = ? ORDER BY step, idx'),
    step: db.prepare<[number, string], RejectDbRow>('SELECT * FROM rejects WHERE run_id = ? AND step = ? ORDER BY idx'),
  };
  return {
    recordReject(runId, step, reject) {
      return writer.insert(runId, step, reject, now());
    },
    rejects(runId, step) {
      return mapIter(step === undefined ? s.run.iterate(runId) : s.step.iterate(runId, step), toReject);
    },
  };
}
