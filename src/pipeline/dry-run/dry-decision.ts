/**
 * What the run will do with one valid row, predicted with the run's own decisions and nothing copied:
 * the mode's action (keyAction), the natural-key match in Zoho (matchExisting, read-only, with the
 * checkpoint's claims), the loader's refusal of what matches nothing and cannot be created
 * (EntityLoader.refuseUnmatched: a portal user not in the portal), and the loader's request (a value
 * buildRequest refuses is a reject the run meets at send time). Errors are classified as the run's
 * (classifyFailure), so a predicted reject has the run's code and message.
 *
 * Without read access (an offline rehearsal) a row whose fate depends on what Zoho holds (mode
 * skip-existing or upsert, users in every mode) is counted as a create, as the run would if Zoho held
 * nothing, and flagged `unverified`: the run may skip it, or (a portal user) reject it.
 */
import type { RowError } from '../../core/record.js';
import { toZpetlError } from '../../core/errors.js';
import type { LoadMode } from '../../core/load-mode.js';
import type { PreparedValid } from '../../core/prepared-item.js';
import type { CheckpointStore } from '../../checkpoint/store.js';
import { classifyFailure } from '../../load/exactly-once/classify-failure.js';
import { keyAction } from '../../load/exactly-once/key-action.js';
import { matchExisting } from '../../load/exactly-once/match-existing.js';
import type { EntityLoader } from '../../load/types.js';

/** The predicted outcome of one valid row. */
export type DryPrediction =
  | { action: 'create'; unverified?: true }
  | { action: 'skip' | 'update'; zohoId: string }
  | { action: 'reject'; error: RowError };

/** What a step's predictions need. */
export interface DryDecisionContext {
  step: string;
  mode: LoadMode;
  /** The step's loader (stepEntityLoader), over the run's client; its Zoho reads are made only when `online`. */
  loader: EntityLoader;
  /** Read access to Zoho: the natural-key match is asked. */
  online: boolean;
  /** The claims of the checkpoint's crosswalk (an id another key owns is not this row's). */
  claims: Pick<CheckpointStore, 'claimedIds' | 'crosswalkByName'>;
  /** Whether an id names a record this dry run would create (a placeholder): Zoho holds nothing under it yet. */
  isPlaceholder: (id: string) => boolean;
  /**
   * What Zoho will hold under a parent the run creates, matching the row: its id, else undefined (a new
   * project's owner is a member of it, so the run finds and skips that membership).
   */
  heldUnder?: (placeholder: string, item: PreparedValid) => Promise<string | undefined>;
}

/** A step's predictor: call it once per valid row, in source order (claims are taken as the run takes them). */
export function createDryDecision(ctx: DryDecisionContext): (item: PreparedValid, crosswalkId: string | undefined) => Promise<DryPrediction> {
  const { loader, mode } = ctx;
  const matchesInEveryMode = loader.matchesInEveryMode === true;
  // The ids this pass has matched (claimToken's), as the run's batches claim them.
  const taken = new Set<string>();
  const asReject = (e: unknown, item: PreparedValid): DryPrediction | undefined => {
    if (toZpetlError(e).disposition !== 'reject-row') return undefined;
    const f = classifyFailure(e, item, loader.entity, false);
    return f.kind === 'rejected' ? { action: 'reject', error: f.error } : undefined;
  };

  /** The natural-key match: an id, none, or the run's reject of the lookup. Throws what would stop the run. */
  async function match(item: PreparedValid): Promise<{ id: string | undefined } | DryPrediction> {
    // Under a parent this dry run would create (its scope a placeholder) Zoho holds only what creating it
    // brings (heldUnder). Other placeholders (a new milestone of an existing task list) are the loader's to compare.
    const scope = loader.describe(item.values).scopeId;
    if (scope !== undefined && ctx.isPlaceholder(scope)) return { id: await ctx.heldUnder?.(scope, item) };
    try {
      return { id: await matchExisting(loader, ctx.claims, { step: ctx.step, key: item.key, values: item.values }, taken) };
    } catch (e) {
      const r = asReject(e, item);
      if (r) return r;
      throw e;
    }
  }

  return async (item, crosswalkId) => {
    if (crosswalkId !== undefined) {
      return { action: keyAction(mode, { inCrosswalk: true }) === 'update' ? 'update' : 'skip', zohoId: crosswalkId };
    }
    let action = keyAction(mode, { inCrosswalk: false, matchesInEveryMode });
    if (action === 'look-up') {
      if (!ctx.online) return { action: 'create', unverified: true };
      const m = await match(item);
      if ('action' in m) return m;
      action = keyAction(mode, { inCrosswalk: false, matchesInEveryMode, naturalMatch: m.id !== undefined });
      if (action !== 'create') return { action: action === 'update' ? 'update' : 'skip', zohoId: m.id! };
    }
    // Matches nothing in Zoho: the run creates it, unless the loader refuses what it cannot create.
    const refused = loader.refuseUnmatched?.(item);
    if (refused) return { action: 'reject', error: refused };
    try {
      loader.buildRequest(item.values, item.key);
    } catch (e) {
      const r = asReject(e, item);
      if (r) return r;
      throw e;
    }
    return { action: 'create' };
  };
}
