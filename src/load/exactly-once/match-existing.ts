/**
 * Claims and the natural-key match of modes skip-existing and upsert: a Zoho id is bound to one source
 * key only (README.md#claims).
 */
import type { CheckpointStore } from '../../checkpoint/store.js';
import type { EntityLoader } from '../types.js';

/**
 * Of `ids` (natural-key matches for the record of `owner`), those the crosswalk already gives to
 * another key: a match another key owns is that key's record, never claimed twice. For a loader whose
 * ids name one record per scope (`idsPerScope`: a user in several projects), only the other keys of
 * the same scope count: Ana's id owned by her Website membership does not make her Mobile membership
 * new.
 */
export function claimedElsewhere(
  store: Pick<CheckpointStore, 'claimedIds' | 'crosswalkByName'>,
  loader: Pick<EntityLoader, 'entity' | 'describe' | 'idsPerScope'>,
  ids: readonly string[],
  owner: { step: string; key: string; values: Record<string, unknown> },
): Set<string> {
  if (!loader.idsPerScope) return store.claimedIds(loader.entity, ids, { step: owner.step, key: owner.key });
  const { name, scopeId } = loader.describe(owner.values);
  const wanted = new Set(ids);
  const rows = name === undefined ? [] : store.crosswalkByName(loader.entity, name, scopeId ?? '');
  return new Set(rows.filter((c) => !(c.step === owner.step && c.key === owner.key) && wanted.has(c.zohoId)).map((c) => c.zohoId));
}

/** What one batch claims of an id: the id, or the id within the record's scope (`idsPerScope`). */
export function claimToken(loader: Pick<EntityLoader, 'describe' | 'idsPerScope'>, values: Record<string, unknown>, id: string): string {
  return loader.idsPerScope ? `${loader.describe(values).scopeId ?? ''}\u0000${id}` : id;
}

/**
 * The natural-key decision of modes skip-existing and upsert, shared by the run (step-loader.ts) and
 * the dry run's prediction: the first id findExisting gives that no other key owns (claimedElsewhere)
 * and this pass has not taken yet (`taken`, claimToken's). Undefined: nothing in Zoho is this record.
 */
export async function matchExisting(
  loader: Pick<EntityLoader, 'entity' | 'describe' | 'idsPerScope' | 'findExisting'>,
  store: Pick<CheckpointStore, 'claimedIds' | 'crosswalkByName'>,
  owner: { step: string; key: string; values: Record<string, unknown> },
  taken: Set<string>,
): Promise<string | undefined> {
  return takeUnclaimed(store, loader, await loader.findExisting(owner.values, { key: owner.key }), owner, taken);
}

/**
 * Of `ids` (in the caller's order of preference), the first that no other key owns (claimedElsewhere)
 * and this pass has not taken (`taken`, claimToken's); it is added to `taken`. The one claim rule of
 * matchExisting and of reconciliation (reconcile.ts).
 */
export function takeUnclaimed(
  store: Pick<CheckpointStore, 'claimedIds' | 'crosswalkByName'>,
  loader: Pick<EntityLoader, 'entity' | 'describe' | 'idsPerScope'>,
  ids: readonly string[],
  owner: { step: string; key: string; values: Record<string, unknown> },
  taken: Set<string>,
): string | undefined {
  const claimed = claimedElsewhere(store, loader, ids, owner);
  const id = ids.find((x) => !claimed.has(x) && !taken.has(claimToken(loader, owner.values, x)));
  if (id !== undefined) taken.add(claimToken(loader, owner.values, id));
  return id;
}
