/**
 * Reconciliation: the exactly-once mechanism. Zoho has no idempotency key, so a record left 'sent'
 * (killed between request and checkpoint) or 'in-doubt' (no answer) is looked up in Zoho by its natural
 * key before anything is re-sent:
 *   found      → confirmed + crosswalk (it was created; never send it again)
 *   not found  → planned (the request never landed; safe to re-send once)
 *
 * Natural keys can collide (two time logs with the same project, date, owner, hours and notes are two
 * distinct source rows): a candidate id already in the crosswalk under another key, or claimed earlier
 * in this pass, is never taken; for a loader whose ids name one record per scope (a person in several
 * projects), only claims within the same scope count (takeUnclaimed in match-existing.ts).
 * Records are processed in source order.
 *
 * Someone else's entity is never ours: a candidate Zoho says was created before we marked the record
 * sent (less `skewMs`, the allowance for our clock and Zoho's disagreeing) existed before our request
 * and is skipped, or our key would be bound to it and the entity we did create left over as a
 * duplicate. An external-id marker match is ours whatever its time. Among the rest: candidates with a
 * created time oldest first (twins of ours were created in source order), then those without one
 * newest first (ids grow over time; compared as strings by length, never through Number).
 *
 * Late commits: Zoho may commit a create after the client gave up on it. A create record not found
 * whose send went into doubt less than `settleMs` ago stays in-doubt (counted `waiting`, never re-sent)
 * until a later pass, at or after `retryAtMs` (the earliest) or `settledAtMs` (when every waiting
 * record can be judged), can tell. The settle time counts from the instant the send is known to have
 * been in doubt, never before its request could have left:
 *   in-doubt  its updated_ms: the in-doubt outcome of that send (recorded once the client had given up
 *             on it, so after the request left, however long it waited in its batch), or the pass that
 *             first found it left 'sent' (below);
 *   sent      left by a dead process (a process looks at a key only when none of its own batches
 *             has it in flight; a duplicate key is rejected before any batch). Its sent_ms is when the
 *             whole batch was marked; its request may have left any time after, waiting for the rate
 *             budget, up to the moment that process died, which the checkpoint does not know. So it is
 *             never judged absent in the pass that finds it: it becomes in-doubt with updated_ms = now
 *             and matures `settleMs` later. Nothing in the checkpoint bounds that moment sooner:
 *             recordResults settles a batch's records and closes its batch row in one transaction, so
 *             a record still 'sent' always belongs to a batch its process never finished.
 * Re-reading the key after a restart and looks that leave it waiting do not move updated_ms
 * (src/checkpoint/record-store.ts), so restarts closer together than `settleMs` still reach the verdict (each
 * record waits at most one settle time from when it was first seen in doubt); only a new send, once the
 * record was judged absent, starts a new settle time. sent_ms stays the batch's mark instant: it is the
 * created-time floor above (the earliest the request could have left).
 *
 * PATCHes left 'sent' go back to planned: re-sending a PATCH is harmless.
 */
import type { CheckpointStore } from '../../checkpoint/store.js';
import type { RecordRow, StoredResult } from '../../checkpoint/store-types.js';
import { toZpetlError, ZpetlError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import { compareIds } from '../../core/ids.js';
import type { Candidate, EntityLoader } from '../types.js';
import { takeUnclaimed } from './match-existing.js';

/** Default allowance for the difference between our clock and Zoho's (5 minutes). */
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;
/** Default time a create not found stays in-doubt after its send, for a late commit to show (60 s: twice the client's default timeout). */
export const DEFAULT_IN_DOUBT_SETTLE_MS = 60_000;

export interface ReconcileCounts {
  /** Found in Zoho: confirmed without a re-send. */
  found: number;
  /** Not in Zoho: back to planned, to be sent again. */
  notFound: number;
  /** Could not be checked (no stored payload); left as they were. */
  unresolved: number;
  /** Not found yet but sent too recently to be sure (a late commit may still land): left in-doubt. */
  waiting?: number;
  /** When the earliest waiting record can be judged absent (clock ms); set when waiting > 0. */
  retryAtMs?: number;
  /** When every waiting record can be judged (the latest maturity, clock ms); set when waiting > 0. */
  settledAtMs?: number;
}

/** How reconciliation judges time (see the module comment); both default to off when no clock is given. */
export interface ReconcileTiming {
  clock: Clock;
  /** Allowance for clock skew between us and Zoho, ms (default 5 minutes). */
  skewMs?: number;
  /** A create not found is judged absent only this long after its send went into doubt (a record left 'sent': after this pass), ms (default 0). */
  settleMs?: number;
}

/**
 * Candidate ids in the order reconciliation may take them: marker matches first, then candidates
 * created at or after `floorMs` oldest first, then candidates without a created time newest first.
 * Candidates created before `floorMs` are dropped (they existed before our request).
 */
export function orderCandidates(candidates: readonly Candidate[], floorMs?: number): string[] {
  const marker = candidates.filter((c) => c.marker);
  const rest = candidates.filter((c) => !c.marker && (floorMs === undefined || c.createdMs === undefined || c.createdMs >= floorMs));
  const timed = rest.filter((c) => c.createdMs !== undefined).sort((a, b) => a.createdMs! - b.createdMs! || compareIds(a.id, b.id));
  const untimed = rest.filter((c) => c.createdMs === undefined).sort((a, b) => compareIds(b.id, a.id));
  return [...new Set([...marker, ...timed, ...untimed].map((c) => c.id))];
}

export interface ReconcileInput {
  store: CheckpointStore;
  loader: EntityLoader;
  runId: number;
  step: { name: string; entity: string };
  /** Records to resolve; default every 'sent' / 'in-doubt' record of the step. */
  records?: RecordRow[];
  /** Created-time floor and late-commit settling; without it, any match is taken and nothing waits. */
  timing?: ReconcileTiming;
}

/** Looks every doubtful record up in Zoho and settles it. Throws (fatal) if Zoho cannot be asked. */
export async function reconcileRecords(input: ReconcileInput): Promise<ReconcileCounts> {
  const { store, loader, runId, step } = input;
  const records = input.records ?? [...store.pending(step.name, ['sent', 'in-doubt'])];
  const counts: ReconcileCounts = { found: 0, notFound: 0, unresolved: 0 };
  if (records.length === 0) return counts;
  const timing = input.timing;
  const nowMs = timing ? timing.clock.now() : undefined;
  const skewMs = timing?.skewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const settleMs = timing?.settleMs ?? 0;
  let retryAtMs: number | undefined;
  let settledAtMs: number | undefined;
  // After a crash, cached listings are stale by definition.
  loader.forget();
  const claimedInPass = new Set<string>();
  const found: StoredResult[] = [];
  const absent: string[] = [];
  const stillInDoubt: string[] = [];
  for (const rec of records) {
    if (rec.op === 'update') {
      absent.push(rec.key);
      continue;
    }
    if (!rec.values) {
      counts.unresolved++;
      continue;
    }
    let candidates: Candidate[];
    try {
      candidates = loader.findCandidates
        ? await loader.findCandidates(rec.values, { key: rec.key })
        : (await loader.findExisting(rec.values, { key: rec.key })).map((id) => ({ id }));
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
    // Without a clock there is no floor: the caller asked for the plain natural-key match.
    const floorMs = timing && rec.sentMs !== null ? rec.sentMs - skewMs : undefined;
    const ids = orderCandidates(candidates, floorMs);
    const id = takeUnclaimed(store, loader, ids, { step: step.name, key: rec.key, values: rec.values }, claimedInPass);
    if (id === undefined) {
      // In doubt: from when its send went into doubt, not when the key was last read. Left 'sent' by a
      // dead process: from now, the first time a later process sees it (see the module comment).
      const matureAt = (rec.state === 'sent' && nowMs !== undefined ? nowMs : rec.updatedMs) + settleMs;
      if (nowMs !== undefined && settleMs > 0 && nowMs < matureAt) {
        retryAtMs = retryAtMs === undefined ? matureAt : Math.min(retryAtMs, matureAt);
        settledAtMs = settledAtMs === undefined ? matureAt : Math.max(settledAtMs, matureAt);
        stillInDoubt.push(rec.key);
        continue;
      }
      absent.push(rec.key);
      continue;
    }
    found.push({ key: rec.key, status: 'created', zohoId: id, meta: loader.describe(rec.values), ...(rec.pos ? { pos: rec.pos } : {}) });
  }
  if (absent.length > 0) store.revertToPlanned(step.name, absent);
  if (found.length > 0) store.recordResults(runId, step, found);
  // A record killed while 'sent' and not found yet becomes in-doubt, its settle time starting now: it is
  // not re-sent until it is judged. Records already in doubt keep theirs (the store leaves them as they are).
  if (stillInDoubt.length > 0) store.markInDoubt(step.name, stillInDoubt, nowMs);
  counts.found = found.length;
  counts.notFound = absent.length;
  if (stillInDoubt.length > 0) {
    counts.waiting = stillInDoubt.length;
    counts.retryAtMs = retryAtMs!;
    counts.settledAtMs = settledAtMs!;
  }
  return counts;
}
