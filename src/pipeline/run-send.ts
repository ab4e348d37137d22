/**
 * A step's load mode applied to one batch (issue 5 §4):
 *  - `create` (default): keys already in the crosswalk are skipped without a request; the rest are created.
 *  - `skip-existing`: each remaining record is looked up in Zoho by its natural key first; a match is
 *    skipped (and joins the crosswalk), otherwise it is created.
 *  - `upsert`: a record known to the crosswalk, or found in Zoho, is PATCHed; otherwise created.
 * Ids already given to another key of the same entity are never reused for a second key.
 */
import { toZpetlError, type ZpetlError } from '../core/errors.js';
import type { CheckpointStore, ItemResult, LoadMode, SentItem } from '../checkpoint/store.js';
import type { EntityLoader, LoadItem } from '../load/types.js';
import type { SendOutcome, ValidItem } from './run-step.js';

export interface StepSenderOptions {
  store: CheckpointStore;
  runId: number;
  step: string;
  entity: string;
  mode: LoadMode;
  loader: EntityLoader;
  /** Concurrent lookups / updates within a batch (default 4; the client paces per endpoint). */
  concurrency?: number;
  /** Stops starting new requests (in-flight ones finish). */
  signal?: AbortSignal;
}

export interface StepSender {
  /** See StepPort.settle. */
  settle(items: ValidItem[]): { send: ValidItem[]; settled: ItemResult[] };
  /** The items as markSent stores them (op: create, or update for an upsert of a known key). */
  toSent(items: ValidItem[]): SentItem[];
  send(items: ValidItem[]): Promise<SendOutcome>;
}

export function createStepSender(o: StepSenderOptions): StepSender {
  const { store, runId, step, mode, loader } = o;
  const concurrency = Math.max(1, o.concurrency ?? 4);
  /** Crosswalk ids of the keys of the batch being sent (upsert: PATCH those). */
  let known = new Map<string, string>();

  const settle = (items: ValidItem[]) => {
    const keys = items.map((i) => i.key);
    const records = store.getRecords(step, keys);
    const crosswalk = store.crosswalkGetMany(step, keys);
    const send: ValidItem[] = [];
    const settled: ItemResult[] = [];
    known = new Map();
    for (const item of items) {
      const rec = records.get(item.key);
      // Finished earlier in this same run (a resumed run re-reading it): already counted.
      if (rec && rec.runId === runId && (rec.state === 'confirmed' || rec.state === 'rejected')) continue;
      const cw = crosswalk.get(item.key);
      if (cw && mode !== 'upsert') {
        settled.push({ key: item.key, status: 'skipped', zohoId: cw.zohoId });
        continue;
      }
      if (cw) known.set(item.key, cw.zohoId);
      send.push(item);
    }
    return { send, settled };
  };

  const toSent = (items: ValidItem[]): SentItem[] =>
    items.map((i) => ({ key: i.key, values: i.values, pos: i.pos, op: known.has(i.key) ? 'update' : 'create' }));

  /** Runs `fn` over items with bounded concurrency; stops starting new ones after a fatal error or an abort. */
  async function each(items: ValidItem[], fn: (i: ValidItem) => Promise<void>): Promise<ZpetlError | undefined> {
    let next = 0;
    let fatal: ZpetlError | undefined;
    const worker = async () => {
      for (;;) {
        if (fatal || o.signal?.aborted) return;
        const item = items[next++];
        if (!item) return;
        try {
          await fn(item);
        } catch (e) {
          fatal ??= toZpetlError(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    return fatal;
  }

  async function send(items: ValidItem[]): Promise<SendOutcome> {
    const results: ItemResult[] = [];
    const unsent: string[] = [];
    let fatal: ZpetlError | undefined;
    let toCreate: ValidItem[] = items;

    if (mode !== 'create') {
      toCreate = [];
      const done = new Set<string>();
      fatal = await each(items, async (item) => {
        let id = known.get(item.key);
        if (id === undefined) {
          const found = await loader.findExisting(item.values, { key: item.key });
          const claimed = store.claimedIds(o.entity, found, { step, key: item.key });
          id = found.find((f) => !claimed.has(f));
        }
        if (id === undefined) {
          toCreate.push(item);
          done.add(item.key);
          return;
        }
        if (mode === 'skip-existing') results.push({ key: item.key, status: 'skipped', zohoId: id });
        else results.push(await loader.update(asLoad(item), id));
        done.add(item.key);
      });
      for (const i of items) if (!done.has(i.key)) unsent.push(i.key);
      if (fatal || o.signal?.aborted) {
        unsent.push(...toCreate.map((i) => i.key));
        toCreate = [];
      }
    }

    if (toCreate.length > 0) {
      const batch = await loader.create(toCreate.map(asLoad), o.signal);
      for (const r of batch.results) {
        if (r.status === 'unsent') unsent.push(r.key);
        else results.push(r);
      }
      fatal ??= batch.fatal;
    }
    return { results, unsent, ...(fatal ? { fatal } : {}) };
  }

  return { settle, toSent, send };
}

const asLoad = (i: ValidItem): LoadItem => ({ key: i.key, values: i.values, pos: i.pos, data: i.data });
