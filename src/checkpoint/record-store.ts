/**
 * The record protocol: per-record states (planned → sent → confirmed | rejected | in-doubt) and the
 * two transactions the loaders wrap every request in (src/load/exactly-once/step-loader.ts):
 *
 *   markSent(items)                 one transaction, BEFORE the request: state 'sent', payload kept
 *   …request outside any transaction…
 *   recordResults(results, hw)      one transaction AFTER the response: confirmed + crosswalk,
 *                                   rejected + rejects row, in-doubt; plus the step's high-water mark
 *
 * A crash between the two leaves the records 'sent' with their payload: the next run reconciles them
 * against Zoho (src/load/exactly-once/reconcile.ts) before anything is re-sent. Part of the checkpoint store
 * (store.ts); the crosswalk, rejects and high-water writes of recordResults are the other stores'.
 */
import type Database from 'better-sqlite3';
import type { Db } from './db-handle.js';
import type { SourcePosition } from '../core/record.js';
import type { CrosswalkWriter } from './crosswalk-store.js';
import { payloadHash } from './payload-hash.js';
import type { RejectWriter } from './reject-store.js';
import type { RunStore } from './run-store.js';
import { createKeyLookup, mapIter, type StoreContext } from './store-context.js';
import type { HighWater, RecordRow, RecordState, SentItem, StoredResult } from './store-types.js';


/** What recordResults changed, for the run loop's live counters. */
export interface ResultsDelta {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  inDoubt: number;
  /** Results for keys this run had already finished (a resumed run re-reading them): not counted again. */
  repeated: number;
}

/** Per-record states and the mark-sent / record-results protocol. */
export interface RecordStore {
  getRecord(step: string, key: string): RecordRow | undefined;
  /** Records of a step by key (keys not present are absent from the map). */
  getRecords(step: string, keys: readonly string[]): Map<string, RecordRow>;
  /** One transaction before the request: each item 'sent' with its payload; returns the batch id. */
  markSent(runId: number, step: string, items: readonly SentItem[]): number;
  /** One transaction after the response: outcomes, crosswalk, rejects and the high-water mark. */
  recordResults(
    runId: number,
    step: { name: string; entity: string },
    results: readonly StoredResult[],
    options?: { highWater?: HighWater | null; batchId?: number },
  ): ResultsDelta;
  /** Puts records back to 'planned' (not sent after all, or reconciled as absent): safe to re-send. */
  revertToPlanned(step: string, keys: readonly string[]): void;
  /**
   * Records left 'sent' whose outcome is still unknown (a killed process's) become 'in-doubt', never
   * re-sent blindly. Their updated_ms becomes `atMs` (default now): the instant a later process first saw
   * them, the start of their settle time, since the request may have left as late as the dead process's
   * last moment, which the checkpoint does not know (load/exactly-once/reconcile.ts). sent_ms is kept (the
   * created-time floor). Records already in doubt, or in any other state, are left as they are.
   */
  markInDoubt(step: string, keys: readonly string[], atMs?: number): void;
  /** Records of a step in the given states, in source order, streamed. */
  pending(step: string, states?: readonly RecordState[]): IterableIterator<RecordRow>;
  /** How many records of a step are in the given states; with `runId`, only those the run last touched. */
  countPending(step: string, states?: readonly RecordState[], runId?: number): number;
  /**
   * A row skipped before any request: left out by the step's `where:` filter (`filtered`) or folded into
   * an earlier row with its key by a `distinct:` step (`folded`). Counted as skipped (and as its reason),
   * never sent, no crosswalk entry. Keyed by position (a space-prefixed key no source key can equal).
   * Returns false if this run had already recorded it.
   */
  recordSkip(runId: number, step: string, pos: SourcePosition, reason: 'filtered' | 'folded'): boolean;
}

/** The other stores' writes that recordResults makes inside its transaction. */
export interface RecordStoreWrites {
  /** A confirmed key's entry (crosswalk-store.ts). */
  crosswalk: CrosswalkWriter;
  /** A key Zoho refused, stage 'load' (reject-store.ts). */
  rejects: RejectWriter;
  /** The step's high-water mark, when the caller gives one (run-store.ts). */
  setHighWater: RunStore['setHighWater'];
}

interface RecordDbRow {
  step: string;
  key: string;
  state: RecordState;
  op: 'create' | 'update' | null;
  outcome: string | null;
  run_id: number | null;
  zoho_id: string | null;
  batch_id: number | null;
  attempts: number;
  updated_ms: number;
  sent_ms: number | null;
  payload_hash: string | null;
  payload_json: string | null;
  columns_json: string | null;
  source: string | null;
  line: number | null;
  idx: number | null;
  byte_offset: number | null;
}

const toRecord = (r: RecordDbRow): RecordRow => ({
  step: r.step,
  key: r.key,
  state: r.state,
  op: r.op,
  outcome: r.outcome,
  runId: r.run_id,
  zohoId: r.zoho_id,
  batchId: r.batch_id,
  attempts: r.attempts,
  updatedMs: r.updated_ms,
  sentMs: r.sent_ms ?? null,
  payloadHash: r.payload_hash,
  values: r.payload_json === null ? null : (JSON.parse(r.payload_json) as Record<string, unknown>),
  data: r.columns_json === null ? null : (Object.fromEntries(JSON.parse(r.columns_json) as [string, unknown][]) as Record<string, unknown>),
  pos:
    r.source === null || r.line === null || r.idx === null
      ? null
      : { source: r.source, line: r.line, index: r.idx, ...(r.byte_offset === null ? {} : { byteOffset: r.byte_offset }) },
});

function prepareRecordStatements(db: Db) {
  return {
    getRecord: db.prepare<[string, string], RecordDbRow>('SELECT * FROM records WHERE step = ? AND key = ?'),
    insertBatch: db.prepare("INSERT INTO batches (run_id, step, state, size, sent_ms) VALUES (?, ?, 'sent', ?, ?)"),
    doneBatch: db.prepare("UPDATE batches SET state = 'done', done_ms = ? WHERE id = ?"),
    upsertSent: db.prepare(`
      INSERT INTO records (step, key, state, op, outcome, run_id, zoho_id, batch_id, attempts, updated_ms, sent_ms, payload_hash, payload_json, columns_json, source, line, idx, byte_offset)
      VALUES (@step, @key, 'sent', @op, NULL, @run, NULL, @batch, 1, @now, @now, @hash, @json, @columns, @source, @line, @idx, @byte)
      ON CONFLICT (step, key) DO UPDATE SET state = 'sent', op = @op, outcome = NULL, run_id = @run, batch_id = @batch,
        attempts = attempts + 1, updated_ms = @now, sent_ms = @now, payload_hash = @hash, payload_json = @json, columns_json = @columns,
        source = @source, line = @line, idx = @idx, byte_offset = @byte`),
    // Results: skipped keys may have no record yet (crosswalk hit, never sent): upsert. A key this run
    // already finished is left alone (changes = 0): a resumed run re-reading it must not recount it.
    // A key already in doubt recorded in doubt again (re-read, never re-sent) keeps its updated_ms: that
    // is when its send went into doubt, the start of its settle time (load/exactly-once/reconcile.ts), and a restart
    // must not start that wait over.
    upsertOutcome: db.prepare(`
      INSERT INTO records (step, key, state, op, outcome, run_id, zoho_id, batch_id, attempts, updated_ms, payload_hash, payload_json, source, line, idx, byte_offset)
      VALUES (@step, @key, @state, NULL, @outcome, @run, @zoho, @batch, 0, @now, NULL, NULL, @source, @line, @idx, @byte)
      ON CONFLICT (step, key) DO UPDATE SET state = @state, outcome = @outcome, run_id = @run,
        zoho_id = coalesce(@zoho, zoho_id), batch_id = coalesce(@batch, batch_id),
        updated_ms = CASE WHEN @state = 'in-doubt' AND records.state = 'in-doubt' THEN records.updated_ms ELSE @now END,
        payload_json = CASE WHEN @state = 'in-doubt' THEN payload_json ELSE NULL END,
        columns_json = CASE WHEN @state = 'in-doubt' THEN columns_json ELSE NULL END,
        source = coalesce(@source, source), line = coalesce(@line, line), idx = coalesce(@idx, idx), byte_offset = coalesce(@byte, byte_offset)
      WHERE NOT (records.run_id IS @run AND records.state IN ('confirmed', 'rejected'))`),
    revert: db.prepare("UPDATE records SET state = 'planned', outcome = NULL, updated_ms = ? WHERE step = ? AND key = ?"),
    inDoubt: db.prepare("UPDATE records SET state = 'in-doubt', outcome = 'in-doubt', updated_ms = ? WHERE step = ? AND key = ? AND state = 'sent'"),
  };
}

type RecordStatements = ReturnType<typeof prepareRecordStatements>;

/** The pending/countPending statements of one set of states, prepared once per set. */
function createPendingStatements(db: Db) {
  const bySet = new Map<
    string,
    { iter: Database.Statement<unknown[], RecordDbRow>; count: Database.Statement<unknown[], { n: number }>; countRun: Database.Statement<unknown[], { n: number }> }
  >();
  return (states: readonly RecordState[]) => {
    const id = [...states].sort().join(',');
    let st = bySet.get(id);
    if (!st) {
      const marks = states.map(() => '?').join(', ');
      st = {
        iter: db.prepare<unknown[], RecordDbRow>(`SELECT * FROM records WHERE step = ? AND state IN (${marks}) ORDER BY idx, key`),
        count: db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM records WHERE step = ? AND state IN (${marks})`),
        countRun: db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM records WHERE step = ? AND state IN (${marks}) AND run_id = ?`),
      };
      bySet.set(id, st);
    }
    return st;
  };
}

/** markSent's transaction: the batch row, then each item 'sent' with its payload, at one instant. */
function markSentTransaction({ db, now }: StoreContext, s: RecordStatements) {
  return db.transaction((runId: number, step: string, items: readonly SentItem[]): number => {
    const t = now();
    const batch = Number(s.insertBatch.run(runId, step, items.length, t).lastInsertRowid);
    for (const it of items) {
      s.upsertSent.run({
        step,
        key: it.key,
        op: it.op,
        run: runId,
        batch,
        now: t,
        hash: payloadHash(it.values),
        json: JSON.stringify(it.values),
        columns: it.data ? JSON.stringify(Object.entries(it.data)) : null,
        source: it.pos.source,
        line: it.pos.line,
        idx: it.pos.index,
        byte: it.pos.byteOffset ?? null,
      });
    }
    return batch;
  });
}

/** recordResults' transaction: each outcome with its crosswalk entry or rejects row, the batch done, the high-water mark. */
function recordResultsTransaction({ db, now }: StoreContext, s: RecordStatements, writes: RecordStoreWrites) {
  return db.transaction(
    (
      runId: number,
      step: { name: string; entity: string },
      results: readonly StoredResult[],
      options: { highWater?: HighWater | null; batchId?: number },
    ): ResultsDelta => {
      const t = now();
      const delta: ResultsDelta = { created: 0, updated: 0, skipped: 0, rejected: 0, inDoubt: 0, repeated: 0 };
      for (const r of results) {
        const pos: SourcePosition | undefined = r.pos ?? (r.status === 'rejected' ? r.error.pos : undefined);
        const base = {
          step: step.name,
          key: r.key,
          run: runId,
          batch: options.batchId ?? null,
          now: t,
          source: pos?.source ?? null,
          line: pos?.line ?? null,
          idx: pos?.index ?? null,
          byte: pos?.byteOffset ?? null,
        };
        const confirmed = r.status === 'created' || r.status === 'updated' || r.status === 'skipped';
        const changed = s.upsertOutcome.run({
          ...base,
          state: confirmed ? 'confirmed' : r.status,
          outcome: r.status,
          zoho: confirmed ? r.zohoId : null,
        }).changes;
        if (changed === 0) {
          delta.repeated++;
          continue;
        }
        if (confirmed) {
          writes.crosswalk.put({ step: step.name, key: r.key, entity: step.entity, zohoId: r.zohoId, meta: r.meta, origin: r.status, runId, nowMs: t });
          delta[r.status]++;
        } else if (r.status === 'rejected') {
          writes.rejects.insert(runId, step.name, { error: r.error, key: r.key, data: r.data, stage: 'load' }, t);
          delta.rejected++;
        } else delta.inDoubt++;
      }
      if (options.batchId !== undefined) s.doneBatch.run(t, options.batchId);
      if (options.highWater !== undefined) writes.setHighWater(runId, step.name, options.highWater);
      return delta;
    },
  );
}

/** The records and batches tables, over the shared handle; `writes` are the other stores' writers. */
export function createRecordStore(ctx: StoreContext, writes: RecordStoreWrites): RecordStore {
  const { db, now } = ctx;
  const s = prepareRecordStatements(db);
  const pendingStatements = createPendingStatements(db);
  const getMany = createKeyLookup<RecordDbRow>(db, (marks) => `SELECT * FROM records WHERE step = ? AND key IN (${marks})`);
  const markSentTx = markSentTransaction(ctx, s);
  const recordResultsTx = recordResultsTransaction(ctx, s, writes);
  const inDoubtTx = db.transaction((step: string, keys: readonly string[], atMs: number) => {
    for (const k of keys) s.inDoubt.run(atMs, step, k);
  });
  const revertTx = db.transaction((step: string, keys: readonly string[]) => {
    const t = now();
    for (const k of keys) s.revert.run(t, step, k);
  });

  return {
    getRecord(step, key) {
      const r = s.getRecord.get(step, key);
      return r ? toRecord(r) : undefined;
    },
    getRecords(step, keys) {
      const out = new Map<string, RecordRow>();
      for (const r of getMany(step, keys)) out.set(r.key, toRecord(r));
      return out;
    },
    markSent(runId, step, items) {
      return markSentTx(runId, step, items);
    },
    recordResults(runId, step, results, options = {}) {
      return recordResultsTx(runId, step, results, options);
    },
    revertToPlanned(step, keys) {
      revertTx(step, keys);
    },
    markInDoubt(step, keys, atMs) {
      inDoubtTx(step, keys, atMs === undefined ? now() : Math.round(atMs));
    },
    pending(step, states = ['sent', 'in-doubt']) {
      return mapIter(pendingStatements(states).iter.iterate(step, ...states), toRecord);
    },
    countPending(step, states = ['sent', 'in-doubt'], runId) {
      const st = pendingStatements(states);
      return (runId === undefined ? st.count.get(step, ...states) : st.countRun.get(step, ...states, runId))?.n ?? 0;
    },
    recordSkip(runId, step, pos, reason) {
      const base = { step, key: ` ${reason} ${pos.index}`, run: runId, batch: null, now: now(), source: pos.source, line: pos.line, idx: pos.index, byte: pos.byteOffset ?? null };
      return s.upsertOutcome.run({ ...base, state: 'confirmed', outcome: reason, zoho: null }).changes > 0;
    },
  };
}
