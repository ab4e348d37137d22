/**
 * The checkpoint store: runs, steps, per-record states, the crosswalk and rejects on top of
 * openCheckpointDb(). All writes are synchronous better-sqlite3 transactions; none spans an await, so
 * no HTTP call ever happens inside one. The protocol the loaders follow (src/load/step-loader.ts):
 *
 *   markSent(items)                 one transaction, BEFORE the request: state 'sent', payload kept
 *   …request outside any transaction…
 *   recordResults(results, hw)      one transaction AFTER the response: confirmed + crosswalk,
 *                                   rejected + rejects row, in-doubt; plus the step's high-water mark
 *
 * A crash between the two leaves the records 'sent' with their payload: the next run reconciles them
 * against Zoho (src/load/reconcile.ts) before anything is re-sent.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { redactDeep } from '../core/redact.js';
import type { RowError, SourcePosition } from '../core/record.js';
import { ZpetlError } from '../core/errors.js';
import type Database from 'better-sqlite3';
import { DEFAULT_LOAD_MODE } from '../core/load-mode.js';
import type { Db } from './db.js';
import type {
  CrosswalkMeta,
  CrosswalkParents,
  CrosswalkRow,
  HighWater,
  LoadMode,
  RecordRow,
  RecordState,
  RejectRow,
  RunRow,
  RunStatus,
  SentItem,
  StepRow,
  StepStatus,
  StoredCounts,
  StoredResult,
} from './store-types.js';

export type * from './store-types.js';

/** Keys whose values are never stored in run options, whatever their nesting. */
const SECRET_KEY = /secret|token|password|passwd|authorization|api[_-]?key|credential|cookie/i;

/** Drops secret-looking keys and redacts token-shaped strings from run options before they are stored. */
export function scrubOptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubOptions);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k)) continue;
      if (typeof v === 'function' || v === undefined) continue;
      out[k] = scrubOptions(v);
    }
    return out;
  }
  return redactDeep(value);
}

/** sha256 of a canonical JSON form (keys sorted), used to notice a changed payload between runs. */
export function payloadHash(values: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(values)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function valueText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}…(${s.length} chars)` : s;
}

export interface RejectInput {
  error: RowError;
  key?: string;
  /** Original columns in source order. */
  data?: Record<string, unknown>;
  stage?: 'prepare' | 'load';
}

export interface StartStepInput {
  name: string;
  entity: string;
  mode?: LoadMode;
  sourcePath?: string;
  sourceSha256?: string;
}

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

export interface CheckpointStore {
  readonly db: Db;
  // runs
  startRun(pipeline: string, options?: Record<string, unknown>): RunRow;
  /** The newest run of the pipeline that did not finish ('running' or 'interrupted'), if any. */
  unfinishedRun(pipeline: string): RunRow | undefined;
  latestRun(pipeline: string): RunRow | undefined;
  getRun(runId: number): RunRow | undefined;
  /** Marks an unfinished run running again; throws RUN_NOTHING_TO_RESUME if it finished. */
  resumeRun(runId: number): RunRow;
  finishRun(runId: number, status: Exclude<RunStatus, 'running'>): void;
  // steps
  /** Creates the step row, or returns the existing one (with its high-water mark) on resume. */
  startStep(runId: number, input: StartStepInput): StepRow;
  getStep(runId: number, name: string): StepRow | undefined;
  listSteps(runId: number): StepRow[];
  setStepStatus(runId: number, name: string, status: StepStatus): void;
  setHighWater(runId: number, name: string, hw: HighWater | null): void;
  // records
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
   * last moment, which the checkpoint does not know (load/reconcile.ts). sent_ms is kept (the
   * created-time floor). Records already in doubt, or in any other state, are left as they are.
   */
  markInDoubt(step: string, keys: readonly string[], atMs?: number): void;
  /** Records of a step in the given states, in source order, streamed. */
  pending(step: string, states?: readonly RecordState[]): IterableIterator<RecordRow>;
  /** How many records of a step are in the given states; with `runId`, only those the run last touched. */
  countPending(step: string, states?: readonly RecordState[], runId?: number): number;
  // crosswalk
  crosswalkGet(step: string, key: string): CrosswalkRow | undefined;
  crosswalkGetMany(step: string, keys: readonly string[]): Map<string, CrosswalkRow>;
  /** Entries of an entity by natural name (users: email, case-insensitive), optionally within a scope. */
  crosswalkByName(entity: string, name: string, scopeId?: string): CrosswalkRow[];
  crosswalkByZohoId(entity: string, zohoId: string): CrosswalkRow | undefined;
  /** Of `ids`, those already in the crosswalk of `entity` under a key other than (step, key). */
  claimedIds(entity: string, ids: readonly string[], except?: { step: string; key: string }): Set<string>;
  crosswalkCount(step?: string): number;
  /** Every entry of a step (or all), streamed: "where to find the created ids". */
  crosswalkAll(step?: string): IterableIterator<CrosswalkRow>;
  // rejects
  /** A reject found before any request (mapping, validation). Returns false if this row was already rejected in this run. */
  recordReject(runId: number, step: string, reject: RejectInput): boolean;
  /**
   * A row the step's `where:` filter left out: counted as skipped (and filtered), never sent, no
   * crosswalk entry. Keyed by position (a space-prefixed key no source key can equal). Returns false if
   * this run had already recorded it.
   */
  recordFiltered(runId: number, step: string, pos: SourcePosition): boolean;
  rejects(runId: number, step?: string): IterableIterator<RejectRow>;
  // figures
  counts(runId: number, step: string): StoredCounts;
}

interface RunDbRow {
  id: number;
  pipeline: string;
  started_ms: number;
  finished_ms: number | null;
  status: RunStatus;
  options_json: string;
}
interface StepDbRow {
  run_id: number;
  name: string;
  entity: string;
  status: StepStatus;
  mode: LoadMode;
  source_path: string | null;
  source_sha256: string | null;
  hw_byte_offset: number | null;
  hw_index: number | null;
  hw_line: number | null;
  started_ms: number | null;
  finished_ms: number | null;
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
interface CrosswalkDbRow {
  step: string;
  key: string;
  entity: string;
  zoho_id: string;
  name: string | null;
  scope_id: string;
  parents_json: string;
  origin: 'created' | 'updated' | 'skipped';
  run_id: number | null;
  created_ms: number;
}
interface RejectDbRow {
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

const toRun = (r: RunDbRow): RunRow => ({
  id: r.id,
  pipeline: r.pipeline,
  startedMs: r.started_ms,
  finishedMs: r.finished_ms,
  status: r.status,
  options: JSON.parse(r.options_json) as Record<string, unknown>,
});

const toStep = (r: StepDbRow): StepRow => ({
  runId: r.run_id,
  name: r.name,
  entity: r.entity,
  status: r.status,
  mode: r.mode,
  sourcePath: r.source_path,
  sourceSha256: r.source_sha256,
  highWater:
    r.hw_index === null || r.hw_line === null
      ? null
      : { index: r.hw_index, line: r.hw_line, ...(r.hw_byte_offset === null ? {} : { byteOffset: r.hw_byte_offset }) },
  startedMs: r.started_ms,
  finishedMs: r.finished_ms,
});

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

const toCrosswalk = (r: CrosswalkDbRow): CrosswalkRow => ({
  step: r.step,
  key: r.key,
  entity: r.entity,
  zohoId: r.zoho_id,
  name: r.name,
  scopeId: r.scope_id,
  parents: JSON.parse(r.parents_json) as CrosswalkParents,
  origin: r.origin,
  runId: r.run_id,
  createdMs: r.created_ms,
});

const toReject = (r: RejectDbRow): RejectRow => ({
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

function* mapIter<A, B>(it: Iterable<A>, f: (a: A) => B): IterableIterator<B> {
  for (const a of it) yield f(a);
}

/** Splits `keys` into chunks small enough for SQLite's host-parameter limit. */
function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const ALL_STATES: readonly RecordState[] = ['planned', 'sent', 'confirmed', 'rejected', 'in-doubt'];

/** Creates the store over an open checkpoint database (see openCheckpointDb). */
export function createCheckpointStore(db: Db, clock: Clock = systemClock): CheckpointStore {
  const now = () => Math.round(clock.now());

  const s = {
    insertRun: db.prepare('INSERT INTO runs (pipeline, started_ms, status, options_json) VALUES (?, ?, ?, ?)'),
    getRun: db.prepare<[number], RunDbRow>('SELECT * FROM runs WHERE id = ?'),
    unfinishedRun: db.prepare<[string], RunDbRow>(
      "SELECT * FROM runs WHERE pipeline = ? AND status IN ('running', 'interrupted', 'outside-window') ORDER BY id DESC LIMIT 1",
    ),
    latestRun: db.prepare<[string], RunDbRow>('SELECT * FROM runs WHERE pipeline = ? ORDER BY id DESC LIMIT 1'),
    setRunStatus: db.prepare('UPDATE runs SET status = ?, finished_ms = ? WHERE id = ?'),
    insertStep: db.prepare(
      'INSERT INTO steps (run_id, name, entity, status, mode, source_path, source_sha256, started_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getStep: db.prepare<[number, string], StepDbRow>('SELECT * FROM steps WHERE run_id = ? AND name = ?'),
    listSteps: db.prepare<[number], StepDbRow>('SELECT * FROM steps WHERE run_id = ? ORDER BY rowid'),
    setStepStatus: db.prepare('UPDATE steps SET status = ?, finished_ms = ? WHERE run_id = ? AND name = ?'),
    setStepSource: db.prepare('UPDATE steps SET source_path = ?, source_sha256 = ?, mode = ? WHERE run_id = ? AND name = ?'),
    setHw: db.prepare('UPDATE steps SET hw_byte_offset = ?, hw_index = ?, hw_line = ? WHERE run_id = ? AND name = ?'),
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
    // is when its send went into doubt, the start of its settle time (load/reconcile.ts), and a restart
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
    crosswalkGet: db.prepare<[string, string], CrosswalkDbRow>('SELECT * FROM crosswalk WHERE step = ? AND key = ?'),
    crosswalkByName: db.prepare<[string, string], CrosswalkDbRow>('SELECT * FROM crosswalk WHERE entity = ? AND name = ? ORDER BY created_ms, key'),
    crosswalkByNameScope: db.prepare<[string, string, string], CrosswalkDbRow>(
      'SELECT * FROM crosswalk WHERE entity = ? AND name = ? AND scope_id = ? ORDER BY created_ms, key',
    ),
    crosswalkByZoho: db.prepare<[string, string], CrosswalkDbRow>('SELECT * FROM crosswalk WHERE entity = ? AND zoho_id = ? LIMIT 1'),
    crosswalkClaim: db.prepare<[string, string], { step: string; key: string }>('SELECT step, key FROM crosswalk WHERE entity = ? AND zoho_id = ?'),
    crosswalkPut: db.prepare(`
      INSERT INTO crosswalk (step, key, entity, zoho_id, name, scope_id, parents_json, origin, run_id, created_ms)
      VALUES (@step, @key, @entity, @zoho, @name, coalesce(@scope, ''), coalesce(@parents, '{}'), @origin, @run, @now)
      ON CONFLICT (step, key) DO UPDATE SET zoho_id = @zoho, name = coalesce(@name, name), scope_id = coalesce(@scope, scope_id),
        parents_json = coalesce(@parents, parents_json)`),
    crosswalkCountAll: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM crosswalk'),
    crosswalkCountStep: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM crosswalk WHERE step = ?'),
    crosswalkAll: db.prepare<[], CrosswalkDbRow>('SELECT * FROM crosswalk ORDER BY step, created_ms, key'),
    crosswalkAllStep: db.prepare<[string], CrosswalkDbRow>('SELECT * FROM crosswalk WHERE step = ? ORDER BY created_ms, key'),
    insertReject: db.prepare(`
      INSERT OR IGNORE INTO rejects (run_id, step, key, stage, source, line, idx, code, field, message, value, columns_json, created_ms)
      VALUES (@run, @step, @key, @stage, @source, @line, @idx, @code, @field, @message, @value, @columns, @now)`),
    rejectsRun: db.prepare<[number], RejectDbRow>('SELECT * FROM rejects WHERE run_id = ? ORDER BY step, idx'),
    rejectsStep: db.prepare<[number, string], RejectDbRow>('SELECT * FROM rejects WHERE run_id = ? AND step = ? ORDER BY idx'),
    countOutcomes: db.prepare<[number, string], { outcome: string | null; state: RecordState; n: number }>(
      'SELECT outcome, state, count(*) AS n FROM records WHERE run_id = ? AND step = ? GROUP BY outcome, state',
    ),
    countRejects: db.prepare<[number, string], { stage: string; n: number }>(
      'SELECT stage, count(*) AS n FROM rejects WHERE run_id = ? AND step = ? GROUP BY stage',
    ),
  };

  const pendingStmts = new Map<
    string,
    { iter: Database.Statement<unknown[], RecordDbRow>; count: Database.Statement<unknown[], { n: number }>; countRun: Database.Statement<unknown[], { n: number }> }
  >();
  function pendingStmt(states: readonly RecordState[]) {
    const id = [...states].sort().join(',');
    let st = pendingStmts.get(id);
    if (!st) {
      const marks = states.map(() => '?').join(', ');
      st = {
        iter: db.prepare<unknown[], RecordDbRow>(`SELECT * FROM records WHERE step = ? AND state IN (${marks}) ORDER BY idx, key`),
        count: db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM records WHERE step = ? AND state IN (${marks})`),
        countRun: db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM records WHERE step = ? AND state IN (${marks}) AND run_id = ?`),
      };
      pendingStmts.set(id, st);
    }
    return st;
  }

  function requireRun(runId: number): RunDbRow {
    const r = s.getRun.get(runId);
    if (!r) throw new ZpetlError('RUN_NOTHING_TO_RESUME', `no run ${runId} in the checkpoint database`);
    return r;
  }

  function insertReject(runId: number, step: string, r: RejectInput, t: number): boolean {
    const e = r.error;
    const columns = r.data ? Object.entries(r.data) : [];
    const info = s.insertReject.run({
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
      now: t,
    });
    return info.changes > 0;
  }

  const markSentTx = db.transaction((runId: number, step: string, items: readonly SentItem[]): number => {
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

  const recordResultsTx = db.transaction(
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
          s.crosswalkPut.run({
            step: step.name,
            key: r.key,
            entity: step.entity,
            zoho: r.zohoId,
            name: r.meta?.name ?? null,
            scope: r.meta?.scopeId ?? null,
            parents: r.meta?.parents ? JSON.stringify(r.meta.parents) : null,
            origin: r.status,
            run: runId,
            now: t,
          });
          delta[r.status]++;
        } else if (r.status === 'rejected') {
          insertReject(runId, step.name, { error: r.error, key: r.key, data: r.data, stage: 'load' }, t);
          delta.rejected++;
        } else delta.inDoubt++;
      }
      if (options.batchId !== undefined) s.doneBatch.run(t, options.batchId);
      if (options.highWater !== undefined) setHw(runId, step.name, options.highWater);
      return delta;
    },
  );

  function setHw(runId: number, name: string, hw: HighWater | null): void {
    s.setHw.run(hw?.byteOffset ?? null, hw?.index ?? null, hw?.line ?? null, runId, name);
  }

  const inDoubtTx = db.transaction((step: string, keys: readonly string[], atMs: number) => {
    for (const k of keys) s.inDoubt.run(atMs, step, k);
  });

  const revertTx = db.transaction((step: string, keys: readonly string[]) => {
    const t = now();
    for (const k of keys) s.revert.run(t, step, k);
  });

  const store: CheckpointStore = {
    db,
    startRun(pipeline, options = {}) {
      const opts = JSON.stringify(scrubOptions(options));
      const id = Number(s.insertRun.run(pipeline, now(), 'running', opts).lastInsertRowid);
      return toRun(requireRun(id));
    },
    unfinishedRun(pipeline) {
      const r = s.unfinishedRun.get(pipeline);
      return r ? toRun(r) : undefined;
    },
    latestRun(pipeline) {
      const r = s.latestRun.get(pipeline);
      return r ? toRun(r) : undefined;
    },
    getRun(runId) {
      const r = s.getRun.get(runId);
      return r ? toRun(r) : undefined;
    },
    resumeRun(runId) {
      const r = requireRun(runId);
      if (r.status === 'ok' || r.status === 'rejects' || r.status === 'failed') {
        throw new ZpetlError('RUN_NOTHING_TO_RESUME', `run ${runId} of pipeline ${r.pipeline} already finished (${r.status})`, {
          hint: 'Start a new run with `zpetl run`; keys already loaded are skipped through the crosswalk.',
        });
      }
      s.setRunStatus.run('running', null, runId);
      return toRun(requireRun(runId));
    },
    finishRun(runId, status) {
      requireRun(runId);
      const finished = status === 'interrupted' || status === 'outside-window' ? null : now();
      s.setRunStatus.run(status, finished, runId);
    },
    startStep(runId, input) {
      const existing = s.getStep.get(runId, input.name);
      if (existing) {
        if (input.sourcePath !== undefined || input.sourceSha256 !== undefined || input.mode !== undefined) {
          s.setStepSource.run(
            input.sourcePath ?? existing.source_path,
            input.sourceSha256 ?? existing.source_sha256,
            input.mode ?? existing.mode,
            runId,
            input.name,
          );
        }
        if (existing.status !== 'done') s.setStepStatus.run('running', null, runId, input.name);
        return toStep(s.getStep.get(runId, input.name)!);
      }
      s.insertStep.run(runId, input.name, input.entity, 'running', input.mode ?? DEFAULT_LOAD_MODE, input.sourcePath ?? null, input.sourceSha256 ?? null, now());
      return toStep(s.getStep.get(runId, input.name)!);
    },
    getStep(runId, name) {
      const r = s.getStep.get(runId, name);
      return r ? toStep(r) : undefined;
    },
    listSteps(runId) {
      return s.listSteps.all(runId).map(toStep);
    },
    setStepStatus(runId, name, status) {
      s.setStepStatus.run(status, status === 'done' || status === 'failed' ? now() : null, runId, name);
    },
    setHighWater(runId, name, hw) {
      setHw(runId, name, hw);
    },
    getRecord(step, key) {
      const r = s.getRecord.get(step, key);
      return r ? toRecord(r) : undefined;
    },
    getRecords(step, keys) {
      const out = new Map<string, RecordRow>();
      for (const part of chunks(keys)) {
        const rows = db
          .prepare<unknown[], RecordDbRow>(`SELECT * FROM records WHERE step = ? AND key IN (${part.map(() => '?').join(', ')})`)
          .all(step, ...part);
        for (const r of rows) out.set(r.key, toRecord(r));
      }
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
      return mapIter(pendingStmt(states).iter.iterate(step, ...states), toRecord);
    },
    countPending(step, states = ['sent', 'in-doubt'], runId) {
      const st = pendingStmt(states);
      return (runId === undefined ? st.count.get(step, ...states) : st.countRun.get(step, ...states, runId))?.n ?? 0;
    },
    crosswalkGet(step, key) {
      const r = s.crosswalkGet.get(step, key);
      return r ? toCrosswalk(r) : undefined;
    },
    crosswalkGetMany(step, keys) {
      const out = new Map<string, CrosswalkRow>();
      for (const part of chunks(keys)) {
        const rows = db
          .prepare<unknown[], CrosswalkDbRow>(`SELECT * FROM crosswalk WHERE step = ? AND key IN (${part.map(() => '?').join(', ')})`)
          .all(step, ...part);
        for (const r of rows) out.set(r.key, toCrosswalk(r));
      }
      return out;
    },
    crosswalkByName(entity, name, scopeId) {
      const n = entity === 'user' ? name.trim().toLowerCase() : name;
      const rows = scopeId === undefined ? s.crosswalkByName.all(entity, n) : s.crosswalkByNameScope.all(entity, n, scopeId);
      return rows.map(toCrosswalk);
    },
    crosswalkByZohoId(entity, zohoId) {
      const r = s.crosswalkByZoho.get(entity, zohoId);
      return r ? toCrosswalk(r) : undefined;
    },
    claimedIds(entity, ids, except) {
      const out = new Set<string>();
      for (const id of ids) {
        for (const c of s.crosswalkClaim.all(entity, id)) {
          if (except && c.step === except.step && c.key === except.key) continue;
          out.add(id);
        }
      }
      return out;
    },
    crosswalkCount(step) {
      return (step === undefined ? s.crosswalkCountAll.get() : s.crosswalkCountStep.get(step))?.n ?? 0;
    },
    crosswalkAll(step) {
      return mapIter(step === undefined ? s.crosswalkAll.iterate() : s.crosswalkAllStep.iterate(step), toCrosswalk);
    },
    recordReject(runId, step, reject) {
      return insertReject(runId, step, { ...reject, stage: reject.stage ?? 'prepare' }, now());
    },
    recordFiltered(runId, step, pos) {
      const base = { step, key: ` filtered ${pos.index}`, run: runId, batch: null, now: now(), source: pos.source, line: pos.line, idx: pos.index, byte: pos.byteOffset ?? null };
      return s.upsertOutcome.run({ ...base, state: 'confirmed', outcome: 'filtered', zoho: null }).changes > 0;
    },
    rejects(runId, step) {
      return mapIter(step === undefined ? s.rejectsRun.iterate(runId) : s.rejectsStep.iterate(runId, step), toReject);
    },
    counts(runId, step) {
      const c: StoredCounts = { created: 0, updated: 0, skipped: 0, rejected: 0, inDoubt: 0, rejectedPrepare: 0, filtered: 0, read: 0 };
      for (const row of s.countOutcomes.all(runId, step)) {
        if (row.state === 'confirmed' && (row.outcome === 'created' || row.outcome === 'updated' || row.outcome === 'skipped')) {
          c[row.outcome] += row.n;
        } else if (row.state === 'confirmed' && row.outcome === 'filtered') {
          c.skipped += row.n;
          c.filtered += row.n;
        } else if (row.state === 'in-doubt' || row.state === 'sent') c.inDoubt += row.n;
      }
      for (const row of s.countRejects.all(runId, step)) {
        c.rejected += row.n;
        if (row.stage === 'prepare') c.rejectedPrepare += row.n;
      }
      c.read = c.created + c.updated + c.skipped + c.rejected + c.inDoubt;
      return c;
    },
  };
  return store;
}

export { ALL_STATES };
