/**
 * Reconciliation: the exactly-once mechanism. Zoho has no idempotency key, so a record left 'sent'
 * (killed between request and checkpoint) or 'in-doubt' (no answer) is looked up in Zoho by its natural
 * key before anything is re-sent:
 *   found      → confirmed + crosswalk (it was created; never send it again)
 *   not found  → planned (the request never landed; safe to re-send once)
 *
 * Natural keys can collide (two time logs with the same project, date, owner, hours and notes are two
 * distinct source rows): a candidate id already in the crosswalk under another key, or claimed earlier
 * in this pass, is never taken. Records are processed in source order.
 *
 * PATCHes left 'sent' go back to planned: re-sending a PATCH is harmless.
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import type { RecordRow, StoredResult } from '../checkpoint/store-types.js';
import { toZpetlError, ZpetlError } from '../core/errors.js';
import type { EntityLoader } from './types.js';

export interface ReconcileCounts {
  /** Found in Zoho: confirmed without a re-send. */
  found: number;
  /** Not in Zoho: back to planned, to be sent again. */
  notFound: number;
  /** Could not be checked (no stored payload); left as they were. */
  unresolved: number;
}

export interface ReconcileInput {
  store: CheckpointStore;
  loader: EntityLoader;
  runId: number;
  step: { name: string; entity: string };
  /** Records to resolve; default every 'sent' / 'in-doubt' record of the step. */
  records?: RecordRow[];
}

/** Looks every doubtful record up in Zoho and settles it. Throws (fatal) if Zoho cannot be asked. */
export async function reconcileRecords(input: ReconcileInput): Promise<ReconcileCounts> {
  const { store, loader, runId, step } = input;
  const records = input.records ?? [...store.pending(step.name, ['sent', 'in-doubt'])];
  const counts: ReconcileCounts = { found: 0, notFound: 0, unresolved: 0 };
  if (records.length === 0) return counts;
  // After a crash, cached listings are stale by definition.
  loader.forget();
  const claimedInPass = new Set<string>();
  const found: StoredResult[] = [];
  const absent: string[] = [];
  for (const rec of records) {
    if (rec.op === 'update') {
      absent.push(rec.key);
      continue;
    }
    if (!rec.values) {
      counts.unresolved++;
      continue;
    }
    let ids: string[];
    try {
      ids = await loader.findExisting(rec.values, { key: rec.key });
    } catch (e) {
      const err = toZpetlError(e);
      if (err.disposition === 'reject-row') {
        // The payload cannot even be looked up (e.g. its project is gone): it cannot have been created there.
        absent.push(rec.key);
        continue;
      }
      throw new ZpetlError(err.code === 'INTERNAL' ? 'ZOHO_UNEXPECTED_RESPONSE' : err.code, `reconciling ${step.name} key ${rec.key}: ${err.message}`, {
        cause: err,
        disposition: 'fatal',
        hint: 'Nothing was re-sent. Run `zpetl resume` again once Zoho answers.',
      });
    }
    const claimed = store.claimedIds(step.entity, ids, { step: step.name, key: rec.key });
    const id = ids.find((x) => !claimed.has(x) && !claimedInPass.has(x));
    if (id === undefined) {
      absent.push(rec.key);
      continue;
    }
    claimedInPass.add(id);
    found.push({ key: rec.key, status: 'created', zohoId: id, meta: loader.describe(rec.values), ...(rec.pos ? { pos: rec.pos } : {}) });
  }
  if (absent.length > 0) store.revertToPlanned(step.name, absent);
  if (found.length > 0) store.recordResults(runId, step, found);
  counts.found = found.length;
  counts.notFound = absent.length;
  return counts;
}
