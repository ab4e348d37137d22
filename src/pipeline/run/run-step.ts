/**
 * The loop of one step: read prepared items from the high-water mark on, group the valid ones into
 * batches, ask the gate (stop request, window drain) before each, and hand each batch to the step
 * loader (src/load/exactly-once/step-loader.ts), which marks it sent (one transaction), sends it (no transaction
 * open) and records every result with the new high-water mark (one transaction). Rejects found while
 * preparing are recorded as they are read.
 *
 * The loop talks to the store, the loader and the window through a `StepPort`, so it is tested
 * without SQLite or HTTP (test/unit/pipeline/run/run-step.test.ts) and wired for real in run.ts.
 *
 * Exactly-once does not rest on the high-water mark: records are keyed by step + source key, so a row
 * re-read after a crash is found confirmed (or sent, and reconciled) before it could be sent twice.
 * The mark only saves re-reading. It is the position of the first item not yet finished: batches run
 * one after the other, so when batch N is recorded, everything before the item read after it is done.
 */
import { ZpetlError } from '../../core/errors.js';
import type { EntityKind } from '../../core/entity-kind.js';
import type { PreparedItem, PreparedReject, PreparedSkip, PreparedValid } from '../../core/prepared-item.js';
import type { SourcePosition } from '../../core/record.js';
import { isSourceBreak } from '../../core/source-break.js';
import { emptyCounts, type StepCounts } from '../../core/step-counts.js';
import type { HighWater, ItemResult } from '../../checkpoint/store-types.js';
import type { EndpointTemplate } from '../../zoho/types.js';
import type { PipelineEvent } from '../events.js';
import { countSkip, countWarned, skippedBeforeLoad, warningsOf } from '../prepare/item-counts.js';

/** What a batch will cost: requests on one endpoint. */
export interface BatchCost {
  endpoint: EndpointTemplate;
  calls: number;
}

/** Why the loop stopped before the end of its source. */
export type StepStop = 'interrupted' | 'outside-window' | 'reject-limit';

/** Whether the next batch may start. */
export type Gate = { go: true } | { go: false; reason: 'interrupted' | 'outside-window' };

/** What loading one batch did (see src/load/exactly-once/step-loader.ts). */
export interface BatchResult {
  /** New outcomes, for the live counters (repeats of rows this run finished are not counted). */
  delta: CountsDelta;
  /** Results of this batch; rejected ones are reported as events. */
  results: ItemResult[];
  /** Keys whose request never left (a stop): back to planned, and the mark did not pass them. */
  unsent: string[];
}

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
  items(): AsyncIterable<PreparedItem>;
  /** Records a prepare-stage reject (its own transaction); false when this run had already recorded it. */
  reject(item: PreparedReject): boolean;
  /** Records a filtered or folded row (its own transaction); false when this run had already recorded it. Absent: counted only. */
  skip?(item: PreparedSkip): boolean;
  /**
   * Records a row's warnings (its own transaction) before its batch is sent; false when this run had
   * already recorded them (a resumed run re-reading the row). Absent: counted only.
   */
  warn?(item: PreparedValid | PreparedSkip): boolean;
  /**
   * Loads one batch: settle (crosswalk, mode), mark sent (one transaction), send (no transaction
   * open), record results and `hw` (one transaction; undefined for the last batch: the step is then
   * marked done, and a mark is only needed to resume an unfinished step). Throws the
   * fatal error that stopped the batch only after recording what completed.
   */
  load(items: PreparedValid[], hw: HighWater | undefined): Promise<BatchResult>;
  /** Requests a batch will make at most (for the window drain and the ETA). */
  cost(items: PreparedValid[]): BatchCost;
  /** Called before each batch: may wait (window, --wait) and says whether to go on. */
  gate(cost: BatchCost): Promise<Gate>;
  /** A reject-limit error when the counts are over the pipeline's limits, else undefined. */
  overLimit(counts: StepCounts): ZpetlError | undefined;
  /** Records in the step's source, when known: carried by every progress event (the bar's total). */
  readonly total?: number;
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
  let rejectedPrepare = counts.read - counts.valid - skippedBeforeLoad(counts);
  const sync = () => {
    counts.read = counts.created + counts.updated + counts.skipped + counts.rejected + counts.inDoubt;
    counts.valid = counts.read - rejectedPrepare - skippedBeforeLoad(counts);
  };
  sync();
  let pending: PreparedValid[] = [];
  const progress = () => {
    const etaMs = port.etaMs?.(counts);
    port.emit({ type: 'step-progress', step: port.name, counts: { ...counts }, ...(port.total !== undefined ? { total: port.total } : {}), ...(etaMs !== undefined ? { etaMs } : {}) });
  };

  /** Loads `batch`; `hw` is the first item after it (undefined at the end). Returns a stop reason. */
  const flush = async (batch: PreparedValid[], hw: HighWater | undefined): Promise<StepStop | undefined> => {
    // Nothing of this batch is sent when the gate says no, and the mark has not passed it: a later
    // run reads it again.
    const gate = await port.gate(port.cost(batch));
    if (!gate.go) return gate.reason;
    const out = await port.load(batch, hw);
    counts.created += out.delta.created;
    counts.updated += out.delta.updated;
    counts.skipped += out.delta.skipped;
    counts.rejected += out.delta.rejected;
    counts.inDoubt += out.delta.inDoubt;
    sync();
    for (const r of out.results) if (r.status === 'rejected') port.emit({ type: 'reject', step: port.name, error: r.error });
    progress();
    return out.unsent.length > 0 ? 'interrupted' : undefined;
  };

  /** A row's warnings, recorded as they are read (as prepare-stage rejects are), each one an event. */
  const warned = (item: PreparedValid | PreparedSkip): void => {
    const warnings = warningsOf(item);
    if (warnings.length === 0 || !(port.warn?.(item) ?? true)) return;
    countWarned(counts);
    for (const error of warnings) port.emit({ type: 'warning', step: port.name, error });
  };

  const stopFor = (stopped: StepStop, error?: ZpetlError): StepOutcome => ({ counts, stopped, ...(error ? { error } : {}) });

  let broke: ZpetlError | undefined;
  // A marked break ends the loop like the end of the source (core/source-break.ts). Caught here, not
  // through pipeline/source-break.ts's generator, which would add an async hop to every row.
  try {
    for await (const item of port.items()) {
      if (pending.length >= port.batchSize) {
        // The batch is full and `item` is the first one after it: its position is the new mark.
        const stop = await flush(pending, hwOf(item.pos));
        pending = [];
        if (stop) return stopFor(stop);
        const limit = port.overLimit(counts);
        if (limit) return stopFor('reject-limit', limit);
      }
      if (item.kind !== 'reject') warned(item);
      if (item.kind === 'skip') {
        if (port.skip?.(item) ?? true) {
          countSkip(counts, item.reason);
          sync();
        }
      } else if (item.kind === 'reject') {
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
  } catch (e) {
    if (!isSourceBreak(e)) throw e;
    broke = e;
  }
  // After a break (only a marked one: core/source-break.ts), the rows read before it are loaded with
  // the mark at the break. A gate that stops them wins over the break: the step was interrupted, the
  // rows are read again (and the break met again) by the next run.
  const stop = pending.length > 0 ? await flush(pending, broke?.pos ? hwOf(broke.pos) : undefined) : undefined;
  if (stop) return stopFor(stop);
  if (broke) throw broke;
  progress();
  // The source is finished; over the limit now, the step is complete but the run goes no further.
  const limit = port.overLimit(counts);
  return { counts, ...(limit ? { error: limit } : {}) };
}
