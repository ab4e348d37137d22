/**
 * What mode M does with key K: the one decision the real run (step-loader.ts) and the dry run
 * (src/pipeline/dry-run/dry-run.ts) both take, so the dry run's prediction cannot drift from the run.
 * Pure: the caller looks the crosswalk and Zoho up; this only says what follows from what it found.
 * See README.md#the-mode-decision.
 */
import type { LoadMode } from '../../core/load-mode.js';

/**
 * create: send a create · skip: leave what exists alone · update: PATCH what exists ·
 * look-up: ask Zoho by natural key first (matchExisting), then decide again with `naturalMatch` known.
 */
export type KeyAction = 'create' | 'skip' | 'update' | 'look-up';

/** What the caller knows of one key. */
export interface KeyFacts {
  /** The crosswalk has the key: an earlier run created or matched its entity. */
  inCrosswalk: boolean;
  /** Zoho holds the record under its natural key (an unclaimed match); undefined: not looked up yet. */
  naturalMatch?: boolean;
  /** The loader matches in every mode (users: EntityLoader.matchesInEveryMode). */
  matchesInEveryMode?: boolean;
}

/**
 * The action for one key. The crosswalk wins over a natural-key match (it is this very key's entity);
 * mode create looks Zoho up only for loaders that match in every mode; a lookup that found nothing
 * creates. Never 'look-up' once `naturalMatch` is given.
 */
export function keyAction(mode: LoadMode, facts: KeyFacts): KeyAction {
  const onExisting: KeyAction = mode === 'upsert' ? 'update' : 'skip';
  if (facts.inCrosswalk) return onExisting;
  if (mode === 'create' && facts.matchesInEveryMode !== true) return 'create';
  if (facts.naturalMatch === undefined) return 'look-up';
  return facts.naturalMatch ? onExisting : 'create';
}
