/**
 * The loop of one step: read prepared items from the high-water mark on, group the valid ones into
 * batches, and for each batch: mark it sent (one transaction) → send it (no transaction open) → record
 * every result and the new high-water mark (one transaction). Rejects found while preparing are
 * recorded as they are read.
 *
 * The loop talks to the checkpoint store, the loader and the window through a `StepPort`, so it is
 * tested without SQLite or HTTP (test/unit/pipeline/run-step.test.ts) and wired for real in run.ts.
 *
 * Exactly-once does not rest on the high-water mark: records are keyed by step + source key, so a row
 * re-read after a crash is found confirmed (or sent, and reconciled) before it could be sent twice.
 * The mark only saves re-reading. It is the position of the first item not yet finished: batches run
 * one after the other, so when batch N is recorded, everything before the item read after it is done.
 */
import { ZpetlError } from '../core/errors.js';
import type { RowError, SourcePosition } from '../core/record.js';
import type { HighWater, ItemResult } from '../checkpoint/store-types.js';
import type { EndpointTemplate } from '../zoho/types.js';
import { emptyCounts, type EntityKind, type PipelineEvent, type StepCounts } from './events.js';

/** A row that passed mapping and validation, ready to load. */
export interface ValidItem {
  kind: 'valid';
  key: string;
  values: Record<string, unknown>;
  pos: SourcePosition;
  /** Original source columns in order (rejects.csv). */
  data: Record<string, unknown>;
}

/** A row refused before any request (parse, mapping, validation). */
export interface RejectItem {
  kind: 'reject';
  error: RowError;
  pos: SourcePosition;
  data: Record<string, unknown>;
}

export type StepItem = ValidItem | RejectItem;

/** What a batch will cost: requests on one endpoint. */
export interface BatchCost {
  endpoint: EndpointTemplate;
  calls: number;
}

/** Why the loop stopped before the end of its source. */
export type StepStop = 'interrupted' | 'outside-window' | 'reject-limit';

/** Whether the next batch may start. */
export type Gate = { go: true } | { go: false; reason: 'interrupted' | 'outside-window' };

export interface SendOutcome {
  results: ItemResult[];
  /** Keys whose request never left. */
  unsent?: string[];
  fatal?: ZpetlError;
}

/** What recording a batch changed, for the live counters (repeats of rows this run finished are not counted). */
export interface CountsDelta {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  inDoubt: number;
}

export interface StepPort {
  readonly name: string;
  readonly entity: EntityKind;
  /** Maximum valid items per batch (≥ 1). */
  readonly batchSize: number;
  /** What this run already did in this step (non-zero on resume). */
  initialCounts(): StepCounts;
  /** Items from the high-water mark on. */
  items(): AsyncIterable<StepItem>;
  /**
   * Splits a batch into what must be sent and what is settled without a request (a key already in the
   * crosswalk in `create` mode). Items in neither list were finished earlier in this same run (a
   * resumed run re-reading them) and are dropped: they are already counted.
   */
  settle(items: ValidItem[]): { send: ValidItem[]; settled: ItemResult[] };
  /** Records a prepare-stage reject (its own transaction); false when this run had already recorded it. */
  reject(item: RejectItem): boolean;
  /** Marks `items` sent before any request; returns the batch id. One transaction. */
  markSent(items: ValidItem[]): number;
  /**
   * Sends the batch (no transaction open). Answers per key: a row Zoho refused is 'rejected', a create
   * with no answer 'in-doubt'; keys whose request never left (a stop, a fatal error) are `unsent`.
   * A fatal problem comes back as `fatal` once every item has an answer, so the batch is recorded first.
   */
  send(items: ValidItem[]): Promise<SendOutcome>;
  /**
   * Puts `unsent` keys back to planned, then records results and the high-water mark in one
   * transaction. `batchId` is null when nothing was sent. `hw` undefined: the source is exhausted.
   */
  record(batchId: number | null, items: ValidItem[], results: ItemResult[], unsent: string[], hw: HighWater | undefined): CountsDelta;
  /** Requests a batch will make (for the window drain and the ETA). */
  cost(items: ValidItem[]): BatchCost;
  /** Called before each batch: may wait (window, --wait) and says whether to go on. */
  gate(cost: BatchCost): Promise<Gate>;
  /** A reject-limit error when the counts are over the pipeline's limits, else undefined. */
  overLimit(counts: StepCounts): ZpetlError | undefined;
  /** ETA of the rest of the step, when it can be told. */
  etaMs?(counts: StepCounts): number | undefined;
  emit(e: PipelineEvent): void;
}

export interface StepOutcome {
  counts: StepCounts;
  /** undefined when the source was read to the end. */
  stopped?: StepStop;
  /** The reject-limit error, when over the limit (with or without reading to the end). */
  error?: ZpetlError;
}

const hwOf = (pos: SourcePosition): HighWater => ({ index: pos.index, line: pos.line, ...(pos.byteOffset !== undefined ? { byteOffset: pos.byteOffset } : {}) });

/**
 * Runs one step to the end of its source or until told to stop. Throws fatal errors (the batch in
 * flight stays `sent` and is reconciled by the next run).
 *
 * Counts are this run's, as the store keeps them: a resumed run starts from what it had already done,
 * and read = created + updated + skipped + rejected + inDoubt at every progress event. Rows read but
 * not yet recorded (the batch being filled) are not counted until their batch is.
 */
export async function runStep(port: StepPort): Promise<StepOutcome> {
  const counts = { ...port.initialCounts() };
  let rejectedPrepare = counts.read - counts.valid;
  const sync = () => {
    counts.read = counts.created + counts.updated + counts.skipped + counts.rejected + counts.inDoubt;
    counts.valid = counts.read - rejectedPrepare;
  };
  sync();
  let pending: ValidItem[] = [];
  const progress = () => {
    const etaMs = port.etaMs?.(counts);
    port.emit({ type: 'step-progress', step: port.name, counts: { ...counts }, ...(etaMs !== undefined ? { etaMs } : {}) });
  };

  /** Sends `batch`; `hw` is the first item after it (undefined at the end). Returns a stop reason. */
  const flush = async (batch: ValidItem[], hw: HighWater | undefined): Promise<StepStop | undefined> => {
    const { send, settled } = port.settle(batch);
    if (send.length > 0) {
      // Nothing of this batch is sent when the gate says no, and the mark has not passed it: a later
      // run reads it again.
      const gate = await port.gate(port.cost(send));
      if (!gate.go) return gate.reason;
    }
    let results: ItemResult[] = [];
    let unsent: string[] = [];
    let fatal: ZpetlError | undefined;
    let batchId: number | null = null;
    if (send.length > 0) {
      batchId = port.markSent(send);
      const out = await port.send(send);
      unsent = out.unsent ?? [];
      fatal = out.fatal;
      results = checkResults(port.name, send, out.results, unsent);
    }
    // Keys that never left go back to planned; the mark must not pass the first of them.
    let mark = hw;
    if (unsent.length > 0) {
      const left = new Set(unsent);
      const first = batch.find((i) => left.has(i.key));
      if (first) mark = hwOf(first.pos);
    }
    const delta = port.record(batchId, batch, [...settled, ...results], unsent, mark);
    counts.created += delta.created;
    counts.updated += delta.updated;
    counts.skipped += delta.skipped;
    counts.rejected += delta.rejected;
    counts.inDoubt += delta.inDoubt;
    sync();
    for (const r of results) if (r.status === 'rejected') port.emit({ type: 'reject', step: port.name, error: r.error });
    progress();
    if (fatal) throw fatal;
    return unsent.length > 0 ? 'interrupted' : undefined;
  };

  const stopFor = (stopped: StepStop, error?: ZpetlError): StepOutcome => ({ counts, stopped, ...(error ? { error } : {}) });

  for await (const item of port.items()) {
    if (pending.length >= port.batchSize) {
      // The batch is full and `item` is the first one after it: its position is the new mark.
      const stop = await flush(pending, hwOf(item.pos));
      pending = [];
      if (stop) return stopFor(stop);
      const limit = port.overLimit(counts);
      if (limit) return stopFor('reject-limit', limit);
    }
    if (item.kind === 'reject') {
      if (port.reject(item)) {
        counts.rejected++;
        rejectedPrepare++;
        sync();
        port.emit({ type: 'reject', step: port.name, error: item.error });
      }
      // Rows waiting in `pending` were not sent and the mark has not passed them: a later run reads
      // them again.
      const limit = port.overLimit(counts);
      if (limit) return stopFor('reject-limit', limit);
    } else {
      pending.push(item);
    }
  }
  const stop = pending.length > 0 ? await flush(pending, undefined) : (port.record(null, [], [], [], undefined), undefined);
  if (stop) return stopFor(stop);
  progress();
  // The source is finished; over the limit now, the step is complete but the run goes no further.
  const limit = port.overLimit(counts);
  return { counts, ...(limit ? { error: limit } : {}) };
}

/**
 * Exactly one answer per key sent (a result, or unsent); a key with no answer is in doubt: reconciled
 * later, never re-sent blindly.
 */
function checkResults(step: string, sent: ValidItem[], results: ItemResult[], unsent: readonly string[]): ItemResult[] {
  const byKey = new Map<string, ItemResult>();
  const expected = new Set(sent.map((i) => i.key));
  const left = new Set(unsent);
  for (const r of results) {
    if (!expected.has(r.key)) {
      throw new ZpetlError('INTERNAL', `loader for step ${step} answered for key "${r.key}", which was not in the batch`);
    }
    if (byKey.has(r.key) || left.has(r.key)) throw new ZpetlError('INTERNAL', `loader for step ${step} answered twice for key "${r.key}"`);
    byKey.set(r.key, r);
  }
  return sent.filter((i) => !left.has(i.key)).map((i) => byKey.get(i.key) ?? { key: i.key, status: 'in-doubt' as const });
}
