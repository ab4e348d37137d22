/**
 * What a dry run reads from the pipeline's checkpoint database: the crosswalk (keys an earlier real run
 * created or matched). Opened READ-ONLY and without the process lock, so a dry run works beside a real
 * run that holds the database (WAL readers never block the writer); it never creates, migrates or
 * writes the file. No file → no crosswalk: every valid row would be created. Another pipeline's file is
 * refused (CHECKPOINT_OTHER_PIPELINE), as a real run would refuse it: its crosswalk would predict skips.
 */
import { existsSync } from 'node:fs';
import { openCheckpointDb, type CheckpointDb } from '../checkpoint/db.js';
import { MIGRATIONS } from '../checkpoint/migrations.js';
import { checkOwner, type CheckpointOwner } from '../checkpoint/owner.js';
import { createCheckpointStore, type CheckpointStore } from '../checkpoint/store.js';
import { ZpetlError } from '../core/errors.js';
import { crosswalkIds, type CrosswalkLookupSpec } from '../load/crosswalk-resolver.js';

/** The crosswalk as the dry run sees it. */
export interface DryCheckpoint {
  /** Absolute path of the database read. */
  readonly path: string;
  /** Of `keys`, those with a crosswalk entry for `step`, with their Zoho id. */
  crosswalkIds(step: string, keys: readonly string[]): Map<string, string>;
  /**
   * A lookup's ids in the crosswalk, by the real run's own rule (load/crosswalk-resolver.ts
   * crosswalkIds): none, one, or (a name held twice) several. `scope` is the `within` field's id.
   */
  lookup(spec: CrosswalkLookupSpec, value: string, scope?: string): string[];
  /** The crosswalk's claims, for the run's natural-key match (load/exactly-once/match-existing.ts matchExisting): an id another key owns is not this row's. */
  readonly claims: Pick<CheckpointStore, 'claimedIds' | 'crosswalkByName'>;
  close(): void;
}

/**
 * Opens an existing checkpoint read-only and unlocked (a real run may hold it: WAL readers never block
 * it), for a reader that must never create, migrate or write it: the dry run, `status`, `rejects`.
 * A file of another schema version or no checkpoint at all is a clear CHECKPOINT_SCHEMA /
 * CHECKPOINT_CORRUPT error naming `who` reads it; another pipeline's file is CHECKPOINT_OTHER_PIPELINE
 * (compared with `owner`, never written: src/checkpoint/owner.ts).
 */
export function openCheckpointForReading(path: string, who: string, owner: CheckpointOwner): { cdb: CheckpointDb; store: CheckpointStore } {
  const cdb = openCheckpointDb(path, { readonly: true, lock: false });
  let store: CheckpointStore;
  try {
    store = createCheckpointStore(cdb.db);
  } catch (e) {
    // A read-only open is lazy: a file that is no checkpoint, or of another schema version (never
    // migrated here: that would be a write), fails here.
    let version: number | undefined;
    try {
      version = cdb.db.pragma('user_version', { simple: true }) as number;
    } catch {
      version = undefined;
    }
    cdb.close();
    const latest = MIGRATIONS.length;
    if (version !== undefined && version > 0 && version !== latest) {
      throw new ZpetlError('CHECKPOINT_SCHEMA', `checkpoint database ${path} has schema version ${version}, this zpetl reads ${latest}; ${who} never upgrades it`, {
        cause: e,
        hint: version < latest ? 'The next real run (zpetl run or resume) upgrades the file.' : 'Upgrade zoho-projects-etl.',
      });
    }
    throw new ZpetlError('CHECKPOINT_CORRUPT', `cannot read checkpoint database ${path}: ${(e as Error).message}`, {
      cause: e,
      hint: 'Point --db at the pipeline\'s checkpoint (default .zpetl/<pipeline>.db), or move the file away to rehearse as if nothing was loaded.',
    });
  }
  try {
    checkOwner(cdb.db, path, owner, { write: false });
  } catch (e) {
    cdb.close();
    throw e;
  }
  return { cdb, store };
}

/** Opens `path` read-only for `owner` when it exists; undefined when there is no checkpoint yet. */
export function openDryCheckpoint(path: string, owner: CheckpointOwner): DryCheckpoint | undefined {
  if (!existsSync(path)) return undefined;
  const { cdb, store } = openCheckpointForReading(path, 'a dry run', owner);
  return {
    path,
    crosswalkIds(step, keys) {
      const out = new Map<string, string>();
      if (keys.length === 0) return out;
      for (const [k, row] of store.crosswalkGetMany(step, keys)) out.set(k, row.zohoId);
      return out;
    },
    lookup: (spec, value, scope) => crosswalkIds(store, spec, value, scope),
    claims: store,
    close: () => cdb.close(),
  };
}
