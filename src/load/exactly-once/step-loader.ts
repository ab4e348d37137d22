/**
 * The exactly-once protocol for one step, batch by batch:
 *
 *   plan      keys this run already finished → repeated; keys left sent/in-doubt → reconciled first;
 *             then what the mode does with each key (key-action.ts): create skips keys in the
 *             crosswalk, skip-existing also looks Zoho up by natural key (users in every mode:
 *             matchesInEveryMode), upsert PATCHes what exists (crosswalk or natural key) and creates the rest
 *   markSent  one transaction, before any request
 *   send      outside any transaction (loader.create / loader.update)
 *   record    one transaction: outcomes, crosswalk, rejects, high-water mark
 *
 * A fatal error (auth, retries exhausted) is thrown after the batch's results are recorded; items that
 * never left go back to 'planned'.
 */
import type { ZpetlError } from '../../core/errors.js';
import { DEFAULT_LOAD_MODE } from '../../core/load-mode.js';
import type { CheckpointStore, ResultsDelta } from '../../checkpoint/store.js';
import type { HighWater, RecordRow, SentItem, StoredResult } from '../../checkpoint/store-types.js';
import type { EntityKind } from '../../core/entity-kind.js';
import type { ZohoApi } from '../../zoho/types.js';
import { createEntityLoader } from '../loaders/index.js';
import type { LoadMode } from '../../core/load-mode.js';
import type { AttemptResult, EntityLoader, ItemResult, LoadItem, LoaderOptions } from '../types.js';
import { classifyFailure, failureResult, stopCause } from './classify-failure.js';
import { keyAction } from './key-action.js';
import { matchExisting } from './match-existing.js';
import { reconcileRecords, type ReconcileCounts, type ReconcileTiming } from './reconcile.js';

export interface StepConfig extends LoaderOptions {
  name: string;
  entity: EntityKind;
  /** Default DEFAULT_LOAD_MODE ('create', src/core/load-mode.ts). */
  mode?: LoadMode;
  /** Users only: 'project' (default) or 'portal'. */
  userScope?: 'project' | 'portal';
}

export interface StepLoaderOptions {
  api: ZohoApi;
  store: CheckpointStore;
  runId: number;
  step: StepConfig;
  /** Replaces the entity's default loader (tests, custom entities). */
  loader?: EntityLoader;
  /**
   * Reconciliation's clock: a candidate created before the record was sent (less the skew allowance)
   * is someone else's, and a create not found within `settleMs` of its send stays in-doubt (a late
   * commit may still land). Without it, any natural-key match is taken and nothing waits.
   */
  timing?: ReconcileTiming;
}

export interface BatchOutcome {
  /** New outcomes of this batch (counted). */
  results: ItemResult[];
  /** Keys this run had already finished (a resumed run re-reading them): not counted again. */
  repeated: ItemResult[];
  /** Keys that never left (stop signal, fatal error): back to 'planned'; the high-water mark stops before them. */
  unsent: string[];
  delta: ResultsDelta;
  /** In-doubt records reconciled inline before sending (keys left sent/in-doubt by an earlier attempt). */
  reconciled: ReconcileCounts;
}

export interface StepLoader {
  readonly loader: EntityLoader;
  /**
   * Loads one batch. `highWater` is the position of the first record not finished once this batch is
   * (the run loop knows what else is in flight); it is clamped before any unsent item.
   * Throws the fatal ZpetlError that stopped the batch, after recording what completed.
   */
  load(items: readonly LoadItem[], options?: { highWater?: HighWater | null; signal?: AbortSignal }): Promise<BatchOutcome>;
  /** Resolves every record of the step left 'sent' or 'in-doubt' (any run) against Zoho. Run before sending. */
  reconcile(): Promise<ReconcileCounts>;
  /**
   * Re-sends records of this run that went back to 'planned' (reconciled as absent, or unsent) from
   * their stored payload. Use at the end of a step after reconcile() so in-doubt rows finish in this run.
   */
  retryPlanned(options?: { signal?: AbortSignal; batchSize?: number }): Promise<BatchOutcome[]>;
}

/** The entity loader of a step (the run's, and the dry run's for its natural-key predictions). */
export function stepEntityLoader(step: StepConfig, api: ZohoApi): EntityLoader {
  return createEntityLoader(step.entity, api, { ...step, ...(step.userScope ? { scope: step.userScope } : {}) });
}

const minPos = (a: HighWater | null | undefined, b: HighWater): HighWater => (a == null || b.index < a.index ? b : a);

export function createStepLoader(opts: StepLoaderOptions): StepLoader {
  const { api, store, runId, step } = opts;
  const mode: LoadMode = step.mode ?? DEFAULT_LOAD_MODE;
  const loader = opts.loader ?? stepEntityLoader(step, api);
  const stepRef = { name: step.name, entity: step.entity };

  async function reconcile(records?: RecordRow[]): Promise<ReconcileCounts> {
    return reconcileRecords({ store, loader, runId, step: stepRef, ...(records ? { records } : {}), ...(opts.timing ? { timing: opts.timing } : {}) });
  }

  async function load(items: readonly LoadItem[], o: { highWater?: HighWater | null; signal?: AbortSignal } = {}): Promise<BatchOutcome> {
    const keys = items.map((i) => i.key);
    let records = store.getRecords(step.name, keys);
    // Keys an earlier attempt left without a known outcome: find out before anything is re-sent.
    const doubtful = [...records.values()].filter((r) => r.state === 'sent' || r.state === 'in-doubt');
    let reconciled: ReconcileCounts = { found: 0, notFound: 0, unresolved: 0 };
    if (doubtful.length > 0) {
      reconciled = await reconcile(doubtful);
      records = store.getRecords(step.name, keys);
    }
    const crosswalk = store.crosswalkGetMany(step.name, keys);

    const repeated: ItemResult[] = [];
    const immediate: StoredResult[] = [];
    const toCreate: LoadItem[] = [];
    const toUpdate: { item: LoadItem; zohoId: string }[] = [];
    const claimedInBatch = new Set<string>();
    const everyMode = loader.matchesInEveryMode === true;
    let fatal: ZpetlError | undefined;
    const unsentKeys: string[] = [];

    for (const item of items) {
      const rec = records.get(item.key);
      if (rec && rec.runId === runId && (rec.state === 'confirmed' || rec.state === 'rejected')) {
        repeated.push(
          rec.state === 'confirmed'
            ? { key: item.key, status: (rec.outcome as 'created' | 'updated' | 'skipped' | null) ?? 'skipped', zohoId: rec.zohoId ?? crosswalk.get(item.key)?.zohoId ?? '' }
            : { key: item.key, status: 'rejected', error: { code: 'ROW_REJECTED_BY_ZOHO', message: 'rejected earlier in this run (see rejects)', field: '', pos: item.pos } },
        );
        continue;
      }
      if (rec && rec.state === 'in-doubt') {
        // Still unresolved (lookup failed): never re-send blindly.
        immediate.push({ key: item.key, status: 'in-doubt', pos: item.pos });
        continue;
      }
      const xw = crosswalk.get(item.key);
      const action = keyAction(mode, { inCrosswalk: xw !== undefined, matchesInEveryMode: everyMode });
      if (xw) {
        if (action === 'update') toUpdate.push({ item, zohoId: xw.zohoId });
        else immediate.push({ key: item.key, status: 'skipped', zohoId: xw.zohoId, pos: item.pos });
        continue;
      }
      if (action === 'create' || fatal) {
        toCreate.push(item);
        continue;
      }
      // 'look-up': the natural-key match, never claiming an id another key already owns.
      try {
        const id = await matchExisting(loader, store, { step: step.name, key: item.key, values: item.values }, claimedInBatch);
        const found = keyAction(mode, { inCrosswalk: false, matchesInEveryMode: everyMode, naturalMatch: id !== undefined });
        if (id === undefined || found === 'create') toCreate.push(item);
        else if (found === 'update') toUpdate.push({ item, zohoId: id });
        else immediate.push({ key: item.key, status: 'skipped', zohoId: id, meta: loader.describe(item.values), pos: item.pos });
      } catch (e) {
        const f = classifyFailure(e, item, step.entity, false);
        if (f.kind === 'rejected') immediate.push({ key: item.key, status: 'rejected', error: f.error, pos: item.pos, ...(item.data ? { data: item.data } : {}) });
        else {
          fatal ??= f.cause;
          unsentKeys.push(item.key);
        }
      }
    }
    // After a fatal lookup nothing more is sent.
    const creating = fatal ? [] : toCreate;
    const updating = fatal ? [] : toUpdate;
    if (fatal) unsentKeys.push(...toCreate.map((i) => i.key), ...toUpdate.map((u) => u.item.key));

    const sent: SentItem[] = [
      ...creating.map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: 'create' as const, ...(i.data ? { data: i.data } : {}) })),
      ...updating.map((u) => ({ key: u.item.key, values: u.item.values, pos: u.item.pos, op: 'update' as const, ...(u.item.data ? { data: u.item.data } : {}) })),
    ];
    const batchId = sent.length > 0 ? store.markSent(runId, step.name, sent) : undefined;

    const attempts: AttemptResult[] = [];
    if (creating.length > 0) {
      const r = await loader.create(creating, o.signal);
      attempts.push(...r.results);
      if (r.fatal) fatal ??= r.fatal;
    }
    for (const u of updating) {
      if (fatal || o.signal?.aborted) {
        attempts.push({ key: u.item.key, status: 'unsent' });
        continue;
      }
      try {
        attempts.push(await loader.update(u.item, u.zohoId));
      } catch (e) {
        const f = classifyFailure(e, u.item, step.entity, true);
        attempts.push(failureResult(f, u.item.key));
        fatal ??= stopCause(f);
      }
    }

    const byKey = new Map(items.map((i) => [i.key, i]));
    const stored: StoredResult[] = [...immediate];
    for (const a of attempts) {
      const item = byKey.get(a.key)!;
      if (a.status === 'unsent') {
        unsentKeys.push(a.key);
        continue;
      }
      const extra = { pos: item.pos, ...(item.data ? { data: item.data } : {}) };
      stored.push(a.status === 'created' || a.status === 'updated' || a.status === 'skipped' ? { ...a, ...extra, meta: loader.describe(item.values) } : { ...a, ...extra });
    }
    if (unsentKeys.length > 0) store.revertToPlanned(step.name, unsentKeys);
    let hw = o.highWater;
    for (const k of unsentKeys) hw = minPos(hw, { index: byKey.get(k)!.pos.index, line: byKey.get(k)!.pos.line, ...(byKey.get(k)!.pos.byteOffset === undefined ? {} : { byteOffset: byKey.get(k)!.pos.byteOffset! }) });
    const delta = store.recordResults(runId, stepRef, stored, { ...(hw !== undefined ? { highWater: hw } : {}), ...(batchId !== undefined ? { batchId } : {}) });
    if (fatal) throw fatal;
    return {
      results: stored.map(({ meta: _m, data: _d, pos: _p, ...r }) => r as ItemResult),
      repeated,
      unsent: unsentKeys,
      delta,
      reconciled,
    };
  }

  return {
    loader,
    load,
    reconcile: () => reconcile(),
    async retryPlanned(o = {}) {
      const planned: LoadItem[] = [];
      for (const r of store.pending(step.name, ['planned'])) {
        if (r.runId === runId && r.values && r.pos) planned.push({ key: r.key, values: r.values, pos: r.pos, ...(r.data ? { data: r.data } : {}) });
      }
      const out: BatchOutcome[] = [];
      const size = o.batchSize ?? 50;
      for (let i = 0; i < planned.length; i += size) {
        out.push(await load(planned.slice(i, i + size), o.signal ? { signal: o.signal } : {}));
      }
      return out;
    },
  };
}
