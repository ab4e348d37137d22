import { describe, expect, it } from 'vitest';
import { openCheckpointDb } from '../../../src/checkpoint/db.js';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import { createCrosswalkResolver } from '../../../src/load/crosswalk-resolver.js';
import type { LookupResolver } from '../../../src/transform/lookup-types.js';

describe('crosswalk lookup resolver', () => {
  it('resolves from earlier steps, scoped, then falls back', async () => {
    const cdb = openCheckpointDb(':memory:');
    const store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    store.recordResults(run, { name: 'users', entity: 'user' }, [{ key: 'u1', status: 'created', zohoId: '111', meta: { name: 'ann@x.io', scopeId: 'P1' } }]);
    store.recordResults(run, { name: 'lists', entity: 'tasklist' }, [
      { key: 'l1', status: 'created', zohoId: '222', meta: { name: 'Design', scopeId: 'P1' } },
      { key: 'l2', status: 'created', zohoId: '333', meta: { name: 'Design', scopeId: 'P2' } },
    ]);
    store.recordResults(run, { name: 'tasks', entity: 'task' }, [{ key: 'T-9', status: 'created', zohoId: '444', meta: { name: 'x', scopeId: 'P1' } }]);
    const asked: string[] = [];
    const fallback = { resolve: async (_s: unknown, v: string) => (asked.push(v), v === 'Other' ? '999' : undefined) };
    const r: LookupResolver = createCrosswalkResolver(store, fallback);
    expect(await r.resolve({ kind: 'user-by-email' }, 'Ann@X.io')).toBe('111');
    expect(await r.resolve({ kind: 'tasklist-by-name', within: 'project' }, 'Design', 'P2')).toBe('333');
    expect(await r.resolve({ kind: 'task-by-key', step: 'tasks' }, 'T-9')).toBe('444');
    expect(await r.resolve({ kind: 'project-by-name' }, 'Other')).toBe('999');
    expect(await r.resolve({ kind: 'task-by-key', step: 'tasks' }, 'T-10')).toBeUndefined();
    // A name is joined with the fallback's answer (Zoho's listing): asked for the task list too.
    expect(asked).toEqual(['Design', 'Other', 'T-10']);
    cdb.close();
  });

  it('a user `within` a project only when their entry was added to it; portal-wide, any entry', async () => {
    const cdb = openCheckpointDb(':memory:');
    const store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    store.recordResults(run, { name: 'users', entity: 'user' }, [
      { key: 'u1', status: 'created', zohoId: '111', meta: { name: 'ann@x.io', scopeId: 'P1,P2' } },
      { key: 'u2', status: 'skipped', zohoId: '222', meta: { name: 'bo@x.io', scopeId: '' } },
    ]);
    const asked: string[] = [];
    const r: LookupResolver = createCrosswalkResolver(store, { resolve: async (_s: unknown, v: string, scope?: string) => (asked.push(`${v}@${scope}`), undefined) });
    const spec = { kind: 'user-by-email', within: 'project' } as const;
    expect(await r.resolve(spec, 'ann@x.io', 'P2')).toBe('111');
    expect(await r.resolve(spec, 'ann@x.io', 'P3')).toBeUndefined();
    expect(await r.resolve(spec, 'bo@x.io', 'P1')).toBeUndefined();
    expect(await r.resolve({ kind: 'user-by-email' }, 'bo@x.io')).toBe('222');
    // Not a member by the crosswalk: Zoho's project listing decides.
    expect(asked).toEqual(['ann@x.io@P3', 'bo@x.io@P1']);
    cdb.close();
  });

  it('a name the pipeline created and Zoho also holds (or the crosswalk holds twice) is ambiguous', async () => {
    const cdb = openCheckpointDb(':memory:');
    const store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    store.recordResults(run, { name: 'projects', entity: 'project' }, [
      { key: 'p1', status: 'created', zohoId: '10', meta: { name: 'Website', scopeId: '' } },
      { key: 'p2', status: 'created', zohoId: '20', meta: { name: 'Twice', scopeId: '' } },
      { key: 'p3', status: 'created', zohoId: '30', meta: { name: 'Twice', scopeId: '' } },
    ]);
    const zoho: Record<string, string | { ambiguous: string[] }> = { Website: { ambiguous: ['10', '99'] }, Own: '40' };
    const r: LookupResolver = createCrosswalkResolver(store, { resolve: async (_s: unknown, v: string) => zoho[v] });
    expect(await r.resolve({ kind: 'project-by-name' }, 'Website')).toEqual({ ambiguous: ['10', '99'] });
    expect(await r.resolve({ kind: 'project-by-name' }, 'Twice')).toEqual({ ambiguous: ['20', '30'] });
    expect(await r.resolve({ kind: 'project-by-name' }, 'Own')).toBe('40');
    zoho['Website'] = '10';
    expect(await r.resolve({ kind: 'project-by-name' }, 'Website')).toBe('10');
    cdb.close();
  });

  it('task-by-key over several steps: the first step in list order holding the key wins', async () => {
    const cdb = openCheckpointDb(':memory:');
    const store = createCheckpointStore(cdb.db);
    const run = store.startRun('demo').id;
    store.recordResults(run, { name: 'tasks', entity: 'task' }, [{ key: 'K-1', status: 'created', zohoId: '501', meta: { name: 'a', scopeId: 'P1' } }]);
    store.recordResults(run, { name: 'subtasks', entity: 'subtask' }, [
      { key: 'K-1', status: 'created', zohoId: '601', meta: { name: 'b', scopeId: 'P1' } },
      { key: 'K-2', status: 'created', zohoId: '602', meta: { name: 'c', scopeId: 'P1' } },
    ]);
    const r: LookupResolver = createCrosswalkResolver(store);
    expect(await r.resolve({ kind: 'task-by-key', step: ['tasks', 'subtasks'] }, 'K-1')).toBe('501');
    expect(await r.resolve({ kind: 'task-by-key', step: ['subtasks', 'tasks'] }, 'K-1')).toBe('601');
    expect(await r.resolve({ kind: 'task-by-key', step: ['tasks', 'subtasks'] }, 'K-2')).toBe('602');
    expect(await r.resolve({ kind: 'task-by-key', step: 'tasks' }, 'K-2')).toBeUndefined();
    // Names it has no table for (display names, task names) are left to the next resolver.
    expect(await r.resolve({ kind: 'user-by-name' }, 'a')).toBeUndefined();
    expect(await r.resolve({ kind: 'task-by-name', within: 'project' }, 'a', 'P1')).toBeUndefined();
    cdb.close();
  });
});
