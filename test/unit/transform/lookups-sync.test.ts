import { describe, expect, it } from 'vitest';
import type { LookupSpec } from '../../../src/transform/lookup-spec.js';
import { createChainedResolver, resolveLookups, tryResolveLookupsSync } from '../../../src/transform/lookups.js';
import { NEEDS_IO, type LookupResolver, type PendingLookup } from '../../../src/transform/lookup-types.js';
import type { MappedRecord } from '../../../src/transform/map-record.js';
import { createDryRunResolver } from '../../../src/pipeline/dry-run/dry-resolver.js';
import { createScratchStore } from '../../../src/pipeline/prepare/scratch-store.js';

const pos = { source: 'logs.csv', line: 7, index: 5, byteOffset: 90 };
const project: LookupSpec = { kind: 'project-by-name' };
const user: LookupSpec = { kind: 'user-by-email' };
const tasklist: LookupSpec = { kind: 'tasklist-by-name', within: 'project' };

/** Answers from a table; names in `slow` need I/O (resolveSync says NEEDS_IO, resolve answers). */
function tableResolver(table: Record<string, string>, slow: string[] = []): LookupResolver {
  const key = (spec: LookupSpec, value: string, scope?: string) => `${spec.kind}|${scope ?? ''}|${value}`;
  return {
    resolve: async (spec, value, scope) => table[key(spec, value, scope)],
    resolveSync: (spec, value, scope) => (slow.includes(value) ? NEEDS_IO : table[key(spec, value, scope)]),
  };
}

const table = {
  'project-by-name||Apollo': 'P1',
  'user-by-email||ann@x.com': 'U1',
  'user-by-email||bob@x.com': 'U2',
  'tasklist-by-name|P1|Phase 1': 'TL1',
};

function mapped(values: Record<string, unknown>, lookups: PendingLookup[]): MappedRecord {
  return { values, lookups };
}

const cases: [string, () => MappedRecord][] = [
  ['scalar lookups', () => mapped({ project: 'Apollo', user: 'ann@x.com', n: 1 }, [{ field: 'project', spec: project, value: 'Apollo' }, { field: 'user', spec: user, value: 'ann@x.com' }])],
  ['an unknown name (first unknown in field order wins)', () => mapped({ project: 'Nope', user: 'zed@x.com' }, [{ field: 'project', spec: project, value: 'Nope' }, { field: 'user', spec: user, value: 'zed@x.com' }])],
  ['a lookup scoped by a looked-up field', () => mapped({ project: 'Apollo', tasklist: 'Phase 1' }, [{ field: 'project', spec: project, value: 'Apollo' }, { field: 'tasklist', spec: tasklist, value: 'Phase 1' }])],
  ['a scoped lookup whose scope is unknown there', () => mapped({ project: 'Apollo', tasklist: 'Phase 9' }, [{ field: 'project', spec: project, value: 'Apollo' }, { field: 'tasklist', spec: tasklist, value: 'Phase 9' }])],
  ['a scoped lookup with an empty scope', () => mapped({ tasklist: 'Phase 1' }, [{ field: 'tasklist', spec: tasklist, value: 'Phase 1' }])],
  ['a list field', () => mapped({ owners: ['ann@x.com', 'bob@x.com'] }, [{ field: 'owners', spec: user, value: 'ann@x.com', item: 0 }, { field: 'owners', spec: user, value: 'bob@x.com', item: 1 }])],
];

describe('tryResolveLookupsSync', () => {
  it.each(cases)('%s: the same outcome as resolveLookups', async (_name, make) => {
    const r = tableResolver(table);
    const expected = await resolveLookups(make(), r, pos);
    const got = tryResolveLookupsSync(make(), r, pos);
    expect(got).toEqual(expected);
  });

  it('says NEEDS_IO, and changes nothing, when one lookup is not at hand; resolveLookups then answers', async () => {
    for (const slow of ['Apollo', 'bob@x.com', 'Phase 1']) {
      const r = tableResolver(table, [slow]);
      for (const [, make] of cases.filter(([n]) => n !== 'an unknown name (first unknown in field order wins)' && !n.includes('empty scope'))) {
        const m = make();
        const before = structuredClone(m);
        const got = tryResolveLookupsSync(m, r, pos);
        const involved = m.lookups.some((l) => l.value === slow);
        if (!involved) continue;
        expect(got).toBe(NEEDS_IO);
        expect(m).toEqual(before);
        expect(await resolveLookups(m, r, pos)).toEqual(await resolveLookups(make(), tableResolver(table), pos));
      }
    }
  });

  it('without resolveSync (or with no lookups) behaves as documented', () => {
    const asyncOnly: LookupResolver = { resolve: async () => 'X' };
    expect(tryResolveLookupsSync(cases[0]![1](), asyncOnly, pos)).toBe(NEEDS_IO);
    expect(tryResolveLookupsSync(mapped({ a: 1 }, []), asyncOnly, pos)).toEqual({ ok: true, value: { values: { a: 1 }, warnings: [] } });
  });

  it('a chain answers synchronously only when every member can', () => {
    const a = tableResolver({ 'project-by-name||Apollo': 'P1' });
    const b = tableResolver({ 'user-by-email||ann@x.com': 'U1' }, ['slow@x.com']);
    const chain = createChainedResolver(a, b);
    expect(chain.resolveSync!(project, 'Apollo')).toBe('P1');
    expect(chain.resolveSync!(user, 'ann@x.com')).toBe('U1');
    expect(chain.resolveSync!(user, 'slow@x.com')).toBe(NEEDS_IO);
    expect(chain.resolveSync!(user, 'none@x.com')).toBeUndefined();
    expect(createChainedResolver(a, { resolve: async () => undefined }).resolveSync).toBeUndefined();
  });
});

describe('dry-run resolver fast path', () => {
  it('answers earlier steps’ rows synchronously, asks the API (once) for the rest', async () => {
    const scratch = createScratchStore();
    try {
      scratch.putName('project', '', 'Apollo', 'dry:project:Apollo');
      let apiCalls = 0;
      const api: LookupResolver = {
        resolve: async (_s, v) => {
          apiCalls++;
          return v === 'Gemini' ? '1000000000000000002' : undefined;
        },
      };
      const r = createDryRunResolver(scratch, api);
      // A name is joined with Zoho's (it may hold another Apollo): asked once, then at hand.
      expect(r.resolveSync!(project, 'Apollo')).toBe(NEEDS_IO);
      expect(await r.resolve(project, 'Apollo')).toBe('dry:project:Apollo');
      expect(r.resolveSync!(project, 'Apollo')).toBe('dry:project:Apollo');
      expect(r.resolveSync!(project, 'Gemini')).toBe(NEEDS_IO);
      expect(await r.resolve(project, 'Gemini')).toBe('1000000000000000002');
      expect(await r.resolve(project, 'Nope')).toBeUndefined();
      expect(r.resolveSync!(project, 'Gemini')).toBe('1000000000000000002');
      expect(r.resolveSync!(project, 'Nope')).toBeUndefined();
      expect(apiCalls).toBe(3);
      // A placeholder scope never goes to Zoho: unknown there is simply unknown.
      expect(r.resolveSync!(tasklist, 'Phase 1', 'dry:project:Apollo')).toBeUndefined();
      // Offline: no API, so an unknown name is answered (undefined) without I/O.
      expect(createDryRunResolver(scratch).resolveSync!(project, 'Gemini')).toBeUndefined();
    } finally {
      scratch.close();
    }
  });
});
