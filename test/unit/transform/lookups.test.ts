import { describe, expect, it } from 'vitest';
import type { LookupSpec } from '../../../src/transform/lookup-spec.js';
import { createApiLookupResolver } from '../../../src/transform/api-lookup-resolver.js';
import { createChainedResolver, resolveLookups } from '../../../src/transform/lookups.js';
import type { LookupResolver } from '../../../src/transform/lookup-types.js';
import type { ZohoApi } from '../../../src/zoho/types.js';

const pos = { source: 'logs.csv', line: 3, index: 1, byteOffset: 50 };

async function* gen<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

/** A fake ZohoApi with just the list methods lookups use, counting listings. */
function fakeApi() {
  const calls: string[] = [];
  const api = {
    portalId: '1',
    projects: {
      list: () => {
        calls.push('projects');
        return gen([
          { id: '1000000000000000001', name: 'Apollo' },
          { id: '1000000000000000002', name: 'Gemini' },
          { id: '1000000000000000003', name: 'gemini' },
          { id: '1000000000000000004', name: 'Twin' },
          { id: '1000000000000000005', name: 'Twin' },
        ]);
      },
    },
    users: {
      listPortal: () => {
        calls.push('users');
        return gen([{ id: '2000000000000000001', email: 'Ann@Example.com' }]);
      },
      listProject: (p: string) => {
        calls.push(`users|${p}`);
        return gen(p === '1000000000000000001' ? [{ id: '2000000000000000001', email: 'ann@example.com' }] : []);
      },
    },
    tasklists: {
      list: (p: string) => {
        calls.push(`tasklists|${p}`);
        return gen([{ id: `30000000000000000${p.slice(-2)}`, name: 'Phase 1' }]);
      },
    },
    milestones: {
      list: (p: string) => {
        calls.push(`milestones|${p}`);
        return gen([{ id: '4000000000000000001', name: 'M1' }]);
      },
    },
  };
  return { api: api as unknown as ZohoApi, calls };
}

describe('createApiLookupResolver', () => {
  it('lists once per scope, matches names exactly then case-insensitively, refuses ambiguous names', async () => {
    const { api, calls } = fakeApi();
    const r = createApiLookupResolver(api, { cacheSize: 8 });
    const project: LookupSpec = { kind: 'project-by-name' };
    const results = await Promise.all([r.resolve(project, 'Apollo'), r.resolve(project, ' apollo '), r.resolve(project, 'Gemini'), r.resolve(project, 'GEMINI'), r.resolve(project, 'Twin'), r.resolve(project, 'Nope')]);
    expect(results).toEqual([
      '1000000000000000001',
      '1000000000000000001',
      '1000000000000000002',
      { ambiguous: ['1000000000000000002', '1000000000000000003'] },
      { ambiguous: ['1000000000000000004', '1000000000000000005'] },
      undefined,
    ]);
    expect(await r.resolve({ kind: 'user-by-email' }, 'ANN@example.com')).toBe('2000000000000000001');
    expect(await r.resolve({ kind: 'user-by-email' }, 'ann@example.com', '1000000000000000002')).toBeUndefined();
    expect(await r.resolve({ kind: 'tasklist-by-name', within: 'project' }, 'Phase 1', '1000000000000000001')).toBe('3000000000000000001');
    expect(await r.resolve({ kind: 'tasklist-by-name', within: 'project' }, 'Phase 1', '1000000000000000001')).toBe('3000000000000000001');
    expect(await r.resolve({ kind: 'milestone-by-name', within: 'project' }, 'm1', '1000000000000000001')).toBe('4000000000000000001');
    expect(await r.resolve({ kind: 'task-by-key', step: 'tasks' }, 'T-1')).toBeUndefined();
    expect(calls).toEqual(['projects', 'users', 'users|1000000000000000002', 'tasklists|1000000000000000001', 'milestones|1000000000000000001']);
    expect(r.listings()).toBe(5);
  });

  it('evicts the least recently used scope beyond cacheSize', async () => {
    const { api, calls } = fakeApi();
    const r = createApiLookupResolver(api, { cacheSize: 2 });
    const tl: LookupSpec = { kind: 'tasklist-by-name', within: 'project' };
    for (const p of ['1000000000000000011', '1000000000000000012', '1000000000000000011', '1000000000000000013', '1000000000000000011', '1000000000000000012']) await r.resolve(tl, 'Phase 1', p);
    expect(calls).toEqual(['tasklists|1000000000000000011', 'tasklists|1000000000000000012', 'tasklists|1000000000000000013', 'tasklists|1000000000000000012']);
  });

  it('a failed listing is not cached', async () => {
    let n = 0;
    const api = { projects: { list: () => (n++ === 0 ? (async function* () { throw new Error('boom'); })() : gen([{ id: '1', name: 'A' }])) } } as unknown as ZohoApi;
    const r = createApiLookupResolver(api);
    await expect(r.resolve({ kind: 'project-by-name' }, 'A')).rejects.toThrow('boom');
    expect(await r.resolve({ kind: 'project-by-name' }, 'A')).toBe('1');
  });
});

describe('resolveLookups', () => {
  const table: Record<string, string> = { 'project|Apollo': 'P1', 'user|ann@x.com': 'U1', 'user|bob@x.com': 'U2', 'tasklist|P1|Phase 1': 'TL1', 'task|T-1': 'T1' };
  const resolver: LookupResolver = {
    async resolve(spec, value, scope) {
      const kind = spec.kind.split('-')[0];
      return table[[kind, scope, value].filter((x) => x !== undefined).join('|')];
    },
  };

  it('resolves unscoped lookups, then scoped ones with the resolved scope id; list elements in place', async () => {
    const r = await resolveLookups(
      {
        values: { project: 'Apollo', tasklist: 'Phase 1', owners: ['ann@x.com', 'bob@x.com'], name: 'n' },
        lookups: [
          { field: 'tasklist', spec: { kind: 'tasklist-by-name', within: 'project' }, value: 'Phase 1' },
          { field: 'project', spec: { kind: 'project-by-name' }, value: 'Apollo' },
          { field: 'owners', spec: { kind: 'user-by-email' }, value: 'ann@x.com', item: 0 },
          { field: 'owners', spec: { kind: 'user-by-email' }, value: 'bob@x.com', item: 1 },
        ],
      },
      resolver,
      pos,
    );
    expect(r).toEqual({ ok: true, value: { values: { project: 'P1', tasklist: 'TL1', owners: ['U1', 'U2'], name: 'n' }, warnings: [] } });
  });

  it('unknown keys reject with the code per lookup kind', async () => {
    const one = (field: string, spec: LookupSpec, value: string, values: Record<string, unknown> = {}) =>
      resolveLookups({ values: { [field]: value, ...values }, lookups: [{ field, spec, value }] }, resolver, pos);
    expect(await one('user', { kind: 'user-by-email' }, 'zed@x.com')).toEqual({
      ok: false,
      error: { code: 'ROW_UNKNOWN_USER', message: 'no user with e-mail "zed@x.com"', field: 'user', value: 'zed@x.com', pos },
    });
    expect(await one('project', { kind: 'project-by-name' }, 'Nope')).toMatchObject({ ok: false, error: { code: 'ROW_UNKNOWN_PROJECT' } });
    expect(await one('tasklist', { kind: 'tasklist-by-name', within: 'project' }, 'X', { project: 'P1' })).toMatchObject({ ok: false, error: { code: 'ROW_UNKNOWN_REFERENCE', message: 'no task list named "X" in project P1' } });
    expect(await one('parent', { kind: 'task-by-key', step: 'tasks' }, 'T-9')).toMatchObject({ ok: false, error: { code: 'ROW_MISSING_PARENT', message: 'no task with key "T-9" in step "tasks"' } });
    expect(await one('tasklist', { kind: 'tasklist-by-name', within: 'project' }, 'Phase 1')).toMatchObject({ ok: false, error: { code: 'ROW_UNKNOWN_REFERENCE', field: 'tasklist' } });
  });

  it('a chained resolver takes the first defined answer', async () => {
    const a: LookupResolver = { resolve: async (_s, v) => (v === 'x' ? 'from-a' : undefined) };
    const b: LookupResolver = { resolve: async () => 'from-b' };
    const c = createChainedResolver(a, b);
    expect(await c.resolve({ kind: 'project-by-name' }, 'x')).toBe('from-a');
    expect(await c.resolve({ kind: 'project-by-name' }, 'y')).toBe('from-b');
  });
});
