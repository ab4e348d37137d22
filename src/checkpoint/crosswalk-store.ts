/**
 * The crosswalk: source key → Zoho id, with the entity's natural name, scope and parent ids, so later
 * steps look entities up by key or name and reconciliation knows which ids are already ours. Part of
 * the checkpoint store (store.ts). Reads are the store's; the one write happens inside the record
 * store's results transaction (record-store.ts), through the writer.
 */
import { normEmail } from '../core/norm-email.js';
import { createKeyLookup, mapIter, type StoreContext } from './store-context.js';
import type { CrosswalkMeta, CrosswalkParents, CrosswalkRow } from './store-types.js';

/** Crosswalk reads. */
export interface CrosswalkStore {
  crosswalkGet(step: string, key: string): CrosswalkRow | undefined;
  crosswalkGetMany(step: string, keys: readonly string[]): Map<string, CrosswalkRow>;
  /** Entries of an entity by natural name (users: email, case-insensitive), optionally within a scope. */
  crosswalkByName(entity: string, name: string, scopeId?: string): CrosswalkRow[];
  crosswalkByZohoId(entity: string, zohoId: string): CrosswalkRow | undefined;
  /** Of `ids`, those already in the crosswalk of `entity` under a key other than (step, key). */
  claimedIds(entity: string, ids: readonly string[], except?: { step: string; key: string }): Set<string>;
  crosswalkCount(step?: string): number;
  /** Every entry of a step (or all), streamed: "where to find the created ids". */
  crosswalkAll(step?: string): IterableIterator<CrosswalkRow>;
}

/** One confirmed key's entry, as the results transaction writes it. */
export interface CrosswalkEntry {
  step: string;
  key: string;
  entity: string;
  zohoId: string;
  meta?: CrosswalkMeta;
  /** How the key got its id; kept from the first entry when the key is written again. */
  origin: CrosswalkRow['origin'];
  runId: number;
  nowMs: number;
}

/** The crosswalk write of the record protocol. */
export interface CrosswalkWriter {
  /** Adds the entry, or updates a key's id, name, scope and parents (name, scope, parents only when given). */
  put(entry: CrosswalkEntry): void;
}

interface CrosswalkDbRow {
  step: string;
  key: string;
  entity: string;
  zoho_id: string;
  name: string | null;
  scope_id: string;
  parents_json: string;
  origin: 'created' | 'updated' | 'skipped';
  run_id: number | null;
  created_ms: number;
}

const toCrosswalk = (r: CrosswalkDbRow): CrosswalkRow => ({
  step: r.step,
  key: r.key,
  entity: r.entity,
  zohoId: r.zoho_id,
  name: r.name,
  scopeId: r.scope_id,
  parents: JSON.parse(r.parents_json) as CrosswalkParents,
  origin: r.origin,
  runId: r.run_id,
  createdMs: r.created_ms,
});

/** The crosswalk's reads, over the shared handle. */
export function createCrosswalkStore({ db }: StoreContext): CrosswalkStore {
  const s = {
    get: db.prepare<[string, string], CrosswalkDbRow>('SELECT * FROM crosswalk WHERE step = ? AND key = ?'),
    byName: db.prepare<[string, string], CrosswalkDbRow>('SELECT * FROM crosswalk WHERE entity = ? AND name = ? ORDER BY created_ms, key'),
    byNameScope: db.prepare<[string, string, string], CrosswalkDbRow>(
      'SELECT * FROM crosswalk WHERE entity = ? AND name = ? AND scope_id = ? ORDER BY created_ms, key',
    ),
    byZoho: db.prepare<[string, string], CrosswalkDbRow>('SELECT * FROM crosswalk WHERE entity = ? AND zoho_id = ? LIMIT 1'),
    claim: db.prepare<[string, string], { step: string; key: string }>('SELECT step, key FROM crosswalk WHERE entity = ? AND zoho_id = ?'),
    countAll: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM crosswalk'),
    countStep: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM crosswalk WHERE step = ?'),
    all: db.prepare<[], CrosswalkDbRow>('SELECT * FROM crosswalk ORDER BY step, created_ms, key'),
    allStep: db.prepare<[string], CrosswalkDbRow>('SELECT * FROM crosswalk WHERE step = ? ORDER BY created_ms, key'),
  };
  const getMany = createKeyLookup<CrosswalkDbRow>(db, (marks) => `SELECT * FROM crosswalk WHERE step = ? AND key IN (${marks})`);

  return {
    crosswalkGet(step, key) {
      const r = s.get.get(step, key);
      return r ? toCrosswalk(r) : undefined;
    },
    crosswalkGetMany(step, keys) {
      const out = new Map<string, CrosswalkRow>();
      for (const r of getMany(step, keys)) out.set(r.key, toCrosswalk(r));
      return out;
    },
    crosswalkByName(entity, name, scopeId) {
      // Users' names are their emails, normalised (src/load/loaders/users.ts): match alike.
      const n = entity === 'user' ? normEmail(name) : name;
      const rows = scopeId === undefined ? s.byName.all(entity, n) : s.byNameScope.all(entity, n, scopeId);
      return rows.map(toCrosswalk);
    },
    crosswalkByZohoId(entity, zohoId) {
      const r = s.byZoho.get(entity, zohoId);
      return r ? toCrosswalk(r) : undefined;
    },
    claimedIds(entity, ids, except) {
      const out = new Set<string>();
      for (const id of ids) {
        for (const c of s.claim.all(entity, id)) {
          if (except && c.step === except.step && c.key === except.key) continue;
          out.add(id);
        }
      }
      return out;
    },
    crosswalkCount(step) {
      return (step === undefined ? s.countAll.get() : s.countStep.get(step))?.n ?? 0;
    },
    crosswalkAll(step) {
      return mapIter(step === undefined ? s.all.iterate() : s.allStep.iterate(step), toCrosswalk);
    },
  };
}

/** The crosswalk's write, over the shared handle (called inside the results transaction). */
export function createCrosswalkWriter({ db }: StoreContext): CrosswalkWriter {
  const put = db.prepare(`
      INSERT INTO crosswalk (step, key, entity, zoho_id, name, scope_id, parents_json, origin, run_id, created_ms)
      VALUES (@step, @key, @entity, @zoho, @name, coalesce(@scope, ''), coalesce(@parents, '{}'), @origin, @run, @now)
      ON CONFLICT (step, key) DO UPDATE SET zoho_id = @zoho, name = coalesce(@name, name), scope_id = coalesce(@scope, scope_id),
        parents_json = coalesce(@parents, parents_json)`);
  return {
    put(e) {
      put.run({
        step: e.step,
        key: e.key,
        entity: e.entity,
        zoho: e.zohoId,
        name: e.meta?.name ?? null,
        scope: e.meta?.scopeId ?? null,
        parents: e.meta?.parents ? JSON.stringify(e.meta.parents) : null,
        origin: e.origin,
        run: e.runId,
        now: e.nowMs,
      });
    },
  };
}
