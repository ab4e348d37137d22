/**
 * Loader contracts. A loader turns an entity's target values (after mapping and lookups) into V3
 * request bodies, sends them through the ZohoApi, and answers per item matched by key.
 */
import type { RowError, SourcePosition } from '../core/record.js';
import type { ZpetlError } from '../core/errors.js';
import type { CrosswalkMeta, ItemResult } from '../checkpoint/store-types.js';
import type { LoadMode } from '../core/load-mode.js';
import type { EntityKind } from '../core/entity-kind.js';

export type { ItemResult, HighWater, CrosswalkMeta } from '../checkpoint/store-types.js';

/** One valid prepared record (prepareStep's `{kind:'valid'}` item). */
export interface LoadItem {
  /** The step's source key: identity across runs. */
  key: string;
  /** Target field values after converters and lookups (see src/load/target-values.ts for the names read). */
  values: Record<string, unknown>;
  pos: SourcePosition;
  /** Original source columns in order, for rejects.csv. */
  data?: Record<string, unknown>;
}

/** A send attempt's answer: an ItemResult, or 'unsent' when the request never left (stop, fatal error). */
export type AttemptResult = ItemResult | { key: string; status: 'unsent' };

export interface AttemptBatch {
  results: AttemptResult[];
  /** A fatal error that stopped the batch; results still cover every item. */
  fatal?: ZpetlError;
}

/** An entity matching a record's natural key (reconciliation's view of a findExisting hit). */
export interface Candidate {
  /** Zoho id (19-digit string). */
  id: string;
  /** It carries our external-id marker for this very key: ours, whatever its created time. */
  marker?: boolean;
  /** When Zoho created it (epoch ms, from created_time / created_time_long / added_time), when Zoho says so unambiguously (see createdMsOf). */
  createdMs?: number;
}

/** Options a step gives its loader. */
export interface LoaderOptions {
  /**
   * Api name of a custom field (`cf_…`) holding the source key, written on create and used first by
   * findExisting. Unsupported for users and time logs (Zoho has no custom fields on them we can search).
   */
  externalIdField?: string;
  /** Users per bulk add call (default 50). */
  userBatchSize?: number;
  /** Concurrent single-entity calls within one batch (default 4); the client paces per endpoint. */
  concurrency?: number;
  /**
   * The dry run's test for its stand-ins for ids of records it would create: buildRequest takes them as
   * ids (requireRefIds). The run never holds one, so it leaves this unset.
   */
  isPlaceholder?: (id: string) => boolean;
}

/** One loader per entity. */
export interface EntityLoader {
  readonly entity: EntityKind;
  /** The V3 body for a create (nested `{id}` links, never `*_id` keys). */
  buildRequest(values: Record<string, unknown>, key?: string): Record<string, unknown>;
  /** Crosswalk description (natural name, scope, parent ids) of a record with these values. */
  describe(values: Record<string, unknown>): CrosswalkMeta;
  /** Creates every item (one call each, or bulk for users); answers per key. */
  create(items: readonly LoadItem[], signal?: AbortSignal): Promise<AttemptBatch>;
  /** PATCHes an existing entity with the item's values. */
  update(item: LoadItem, zohoId: string): Promise<ItemResult>;
  /**
   * Zoho ids of entities matching the item's natural key, best first (an external-id marker match
   * before a name match). `fresh` drops cached listings first (reconciliation after a crash).
   * May return several: the caller skips ids the crosswalk already gives to other keys.
   */
  findExisting(values: Record<string, unknown>, options?: { fresh?: boolean; key?: string }): Promise<string[]>;
  /**
   * The same matches as findExisting, each with what reconciliation needs to tell ours from someone
   * else's: whether it carries our external-id marker, and when Zoho says it was created. Loaders
   * without it are reconciled from findExisting's ids alone.
   */
  findCandidates?(values: Record<string, unknown>, options?: { fresh?: boolean; key?: string }): Promise<Candidate[]>;
  /** Drops cached listings so the next findExisting sees what Zoho holds now. */
  forget(): void;
  /**
   * True when a Zoho id names more than one record, one per scope: a user's id is the person's, the
   * record is their membership of a project. Claims on an id are then counted within the record's
   * scope (see claimedElsewhere in exactly-once/match-existing.ts).
   */
  readonly idsPerScope?: boolean;
  /**
   * True when Zoho never holds two of this record (a person's membership of a project), so an existing
   * one is matched and skipped in mode create too: sending it again would add nothing.
   */
  readonly matchesInEveryMode?: boolean;
  /**
   * When an item matches nothing in Zoho and cannot be created, the error it is rejected with (a
   * portal user: the V3 API has no portal invitation call). The run rejects it instead of sending;
   * the dry run asks the same question and counts the same reject. Undefined = creatable.
   */
  refuseUnmatched?(item: LoadItem): RowError | undefined;
}

