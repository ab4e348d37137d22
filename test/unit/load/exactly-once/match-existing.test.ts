/**
 * Claims and the natural-key match (README.md#claims): a Zoho id is bound to one source key only.
 * The claims are read from a real checkpoint (in memory), so `claimedIds` / `crosswalkByName` are the
 * store's own; the loader is a fake that answers findExisting with fixed ids, except where the real
 * project loader shows what the order of findExisting means (marker first, no created-time floor).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCheckpointDb, type CheckpointDb } from '../../../../src/checkpoint/db.js';
import { createCheckpointStore, type CheckpointStore } from '../../../../src/checkpoint/store.js';
import type { EntityKind } from '../../../../src/core/entity-kind.js';
import { claimedElsewhere, claimToken, matchExisting } from '../../../../src/load/exactly-once/match-existing.js';
import { createEntityLoader } from '../../../../src/load/loaders/index.js';
import type { EntityLoader } from '../../../../src/load/types.js';
import { createFakeApi } from '../../../helpers/fake-api.js';

type FakeLoader = Pick<EntityLoader, 'entity' | 'describe' | 'idsPerScope' | 'findExisting'> & { asked: { values: Record<string, unknown>; key?: string | undefined }[] };

/** A loader whose findExisting answers `ids(values)` in that order, and remembers what it was asked. */
function fakeLoader(entity: EntityKind, ids: (values: Record<string, unknown>) => string[], idsPerScope = false): FakeLoader {
  const asked: FakeLoader['asked'] = [];
  return {
    entity,
    asked,
    ...(idsPerScope ? { idsPerScope: true } : {}),
    // Users: the name is the email, the scope the project (as src/load/loaders/users.ts describes them).
    describe: (values) => ({ name: String(values.email ?? values.name), scopeId: String(values.project ?? '') }),
    findExisting: async (values, options) => {
      asked.push({ values, key: options?.key });
      return ids(values);
    },
  };
}

let cdb: CheckpointDb;
let store: CheckpointStore;
let run: number;

beforeEach(() => {
  cdb = openCheckpointDb(':memory:');
  store = createCheckpointStore(cdb.db);
  run = store.startRun('demo').id;
});
afterEach(() => cdb.close());

/** A crosswalk entry: `key` of `step` is Zoho's `zohoId`. */
function owned(step: string, entity: EntityKind, key: string, zohoId: string, meta: { name: string; scopeId: string } = { name: 'x', scopeId: '' }): void {
  store.recordResults(run, { name: step, entity }, [{ key, status: 'created', zohoId, meta }]);
}

describe('claimToken', () => {
  it('is the id itself for a loader whose ids name one record each', () => {
    const tasks = fakeLoader('task', () => []);
    expect(claimToken(tasks, { project: 'P1' }, '42')).toBe('42');
    expect(claimToken(tasks, { project: 'P2' }, '42')).toBe('42');
  });

  it('is the id within the record scope for idsPerScope: one person, two project memberships, two tokens', () => {
    const users = fakeLoader('user', () => [], true);
    const website = claimToken(users, { email: 'ana@x.io', project: 'P1' }, '42');
    const mobile = claimToken(users, { email: 'ana@x.io', project: 'P2' }, '42');
    expect(website).not.toBe(mobile);
    expect(website).toBe(claimToken(users, { email: 'bob@x.io', project: 'P1' }, '42'));
    // Never the bare id, even in the portal scope (''): the token space is the scoped one.
    expect(claimToken(users, { email: 'ana@x.io' }, '42')).not.toBe('42');
  });
});

describe('claimedElsewhere', () => {
  const owner = { step: 'tasks', key: 'T-1', values: { name: 'Design' } };

  it('gives the ids the crosswalk holds under another key, not the owner own id, nor ids not asked about', () => {
    owned('tasks', 'task', 'T-2', '200');
    owned('tasks', 'task', 'T-1', '100');
    owned('tasks', 'task', 'T-3', '300');
    const claimed = claimedElsewhere(store, fakeLoader('task', () => []), ['100', '200', '999'], owner);
    expect([...claimed]).toEqual(['200']);
  });

  it('counts the same key in another step as another owner, and an id of another entity as no claim', () => {
    owned('old-tasks', 'task', 'T-1', '100');
    owned('lists', 'tasklist', 'L-1', '200');
    const claimed = claimedElsewhere(store, fakeLoader('task', () => []), ['100', '200'], owner);
    expect([...claimed]).toEqual(['100']);
  });

  it('idsPerScope: counts only the other keys of the same scope (Ana in Website does not claim Ana in Mobile)', () => {
    const users = fakeLoader('user', () => [], true);
    owned('members', 'user', 'website-ana', '42', { name: 'ana@x.io', scopeId: 'P1' });
    const mobileAna = { step: 'members', key: 'mobile-ana', values: { email: 'ana@x.io', project: 'P2' } };
    expect(claimedElsewhere(store, users, ['42'], mobileAna).size).toBe(0);
    // Another key of the same membership (the same person in the same project) does own it.
    const websiteAgain = { step: 'members', key: 'website-ana-2', values: { email: 'ana@x.io', project: 'P1' } };
    expect([...claimedElsewhere(store, users, ['42'], websiteAgain)]).toEqual(['42']);
    // The owner's own entry is never a claim against it.
    const websiteAna = { step: 'members', key: 'website-ana', values: { email: 'ana@x.io', project: 'P1' } };
    expect(claimedElsewhere(store, users, ['42'], websiteAna).size).toBe(0);
  });

  it('idsPerScope: the same key in another step of the same scope is another owner', () => {
    const users = fakeLoader('user', () => [], true);
    owned('members-2025', 'user', 'ana', '42', { name: 'ana@x.io', scopeId: 'P1' });
    expect([...claimedElsewhere(store, users, ['42', '43'], { step: 'members', key: 'ana', values: { email: 'ana@x.io', project: 'P1' } })]).toEqual(['42']);
  });
});

describe('matchExisting', () => {
  const owner = (key: string, values: Record<string, unknown> = { name: 'Design' }) => ({ step: 'tasks', key, values });

  it('takes the first id findExisting gives, asking with the record values and its key (the marker needs the key)', async () => {
    const loader = fakeLoader('task', () => ['100', '200']);
    const taken = new Set<string>();
    expect(await matchExisting(loader, store, owner('T-1'), taken)).toBe('100');
    expect(loader.asked).toEqual([{ values: { name: 'Design' }, key: 'T-1' }]);
    expect([...taken]).toEqual(['100']);
  });

  it('nothing found: undefined, and nothing taken', async () => {
    const taken = new Set<string>();
    expect(await matchExisting(fakeLoader('task', () => []), store, owner('T-1'), taken)).toBeUndefined();
    expect(taken.size).toBe(0);
  });

  it('an id the crosswalk gives to another key is not a match: the next one is, or none', async () => {
    owned('tasks', 'task', 'T-9', '100');
    const taken = new Set<string>();
    expect(await matchExisting(fakeLoader('task', () => ['100', '200']), store, owner('T-1'), taken)).toBe('200');
    expect(await matchExisting(fakeLoader('task', () => ['100']), store, owner('T-2'), taken)).toBeUndefined();
    expect([...taken]).toEqual(['200']);
  });

  it('the id the crosswalk gives to this very key is its match', async () => {
    owned('tasks', 'task', 'T-1', '100');
    expect(await matchExisting(fakeLoader('task', () => ['100', '200']), store, owner('T-1'), new Set())).toBe('100');
  });

  it('twins in one pass: the second record with the same natural key takes the next id, a third finds none', async () => {
    const loader = fakeLoader('task', () => ['100', '200']);
    const taken = new Set<string>();
    expect(await matchExisting(loader, store, owner('T-1'), taken)).toBe('100');
    expect(await matchExisting(loader, store, owner('T-2'), taken)).toBe('200');
    expect(await matchExisting(loader, store, owner('T-3'), taken)).toBeUndefined();
    expect([...taken]).toEqual(['100', '200']);
  });

  it('an id already in `taken` (from earlier in the batch) is skipped; a fresh set takes it again', async () => {
    const loader = fakeLoader('task', () => ['100', '200']);
    expect(await matchExisting(loader, store, owner('T-1'), new Set(['100']))).toBe('200');
    expect(await matchExisting(loader, store, owner('T-1'), new Set())).toBe('100');
  });

  it('idsPerScope: the same person matches once per project in one pass, never twice in one project', async () => {
    const users = fakeLoader('user', () => ['42'], true);
    const taken = new Set<string>();
    const member = (key: string, project: string) => ({ step: 'members', key, values: { email: 'ana@x.io', project } });
    expect(await matchExisting(users, store, member('website-ana', 'P1'), taken)).toBe('42');
    expect(await matchExisting(users, store, member('mobile-ana', 'P2'), taken)).toBe('42');
    expect(await matchExisting(users, store, member('website-ana-2', 'P1'), taken)).toBeUndefined();
    expect(taken).toEqual(new Set([claimToken(users, { project: 'P1' }, '42'), claimToken(users, { project: 'P2' }, '42')]));
  });

  describe('with the real project loader (findExisting orders the ids)', () => {
    const ext = 'cf_source_key';

    it('a project carrying our marker for this key wins over an older one of the same name listed before it', async () => {
      const api = createFakeApi();
      api.projects_.push(
        { id: '1000000000000000001', name: 'Website', created_time: '2020-01-01T00:00:00Z' } as never,
        { id: '1000000000000000002', name: 'Website', [ext]: 'P-1' } as never,
      );
      const loader = createEntityLoader('project', api, { externalIdField: ext });
      const projects = { step: 'projects', key: 'P-1', values: { name: 'Website' } };
      expect(await matchExisting(loader, store, projects, new Set())).toBe('1000000000000000002');
      // For another key the marked project is P-1's, never a match: the unmarked one is.
      expect(await matchExisting(loader, store, { ...projects, key: 'P-2' }, new Set())).toBe('1000000000000000001');
    });

    it('a project marked for another key is never a name match', async () => {
      const api = createFakeApi();
      api.projects_.push({ id: '1000000000000000003', name: 'Website', [ext]: 'P-9' } as never);
      const loader = createEntityLoader('project', api, { externalIdField: ext });
      expect(await matchExisting(loader, store, { step: 'projects', key: 'P-1', values: { name: 'Website' } }, new Set())).toBeUndefined();
    });

    it('has no created-time floor: a same-named project made years before the run is the one skip-existing finds', async () => {
      // The floor belongs to reconciliation of our own sends (reconcile.ts); an existing entity is what this match is for.
      const api = createFakeApi();
      api.projects_.push({ id: '1000000000000000004', name: 'Website', created_time: '2014-05-13T17:57:00Z' } as never);
      const loader = createEntityLoader('project', api);
      expect(await matchExisting(loader, store, { step: 'projects', key: 'P-1', values: { name: 'Website' } }, new Set())).toBe('1000000000000000004');
    });
  });
});
