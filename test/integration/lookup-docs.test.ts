/**
 * The lookup reference (src/transform/lookup-docs.ts) is true: every lookup kind has an entry, and
 * every example runs against a sandbox seeded with the portal the entries describe, through the real
 * run's resolvers (the crosswalk, then the Zoho API), mapped by the real field mapping.
 */
import { parse } from 'yaml';
import { describe, expect } from 'vitest';
import { openCheckpointDb } from '../../src/checkpoint/db.js';
import { createCheckpointStore } from '../../src/checkpoint/store.js';
import { createCrosswalkResolver } from '../../src/load/crosswalk-resolver.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { createApiLookupResolver } from '../../src/transform/api-lookup-resolver.js';
import { userDisplayName } from '../../src/zoho/user-display-name.js';
import { FieldSpecSchema } from '../../src/transform/field-spec.js';
import { LOOKUP_DOCS, type LookupExample } from '../../src/transform/lookup-docs.js';
import { LOOKUP_KINDS, type LookupSpec } from '../../src/transform/lookup-spec.js';
import { resolveLookups } from '../../src/transform/lookups.js';
import { compileMapping } from '../../src/transform/map-record.js';
import { foldName } from '../../src/transform/name-match.js';
import type { User } from '../../src/zoho/types.js';
import { test } from '../helpers/fixtures.js';
import { PROFILES, ROLES } from '../../src/sandbox/routes/users.js';
import { sandboxClient } from '../helpers/sandbox-client.js';

test.override({ sandboxOptions: { seed: 'empty' } });


interface World {
  apollo: string;
  tasklists: Record<string, string>;
  keys: Record<string, string>;
}

/** The portal the catalog's header describes. */
function seedWorld(sandbox: Sandbox): World {
  const a = sandbox.admin;
  a.insert('users', [
    { email: 'jonas.mueller@example.com', full_name: 'Jonas Müller', first_name: 'Jonas', last_name: 'Mueller' },
    { email: 'ann.lee@example.com', first_name: 'Ann', last_name: 'Lee', full_name: '' },
    { email: 'sam.smith@example.com', full_name: 'Sam Smith' },
    { email: 's.smith@example.com', full_name: 'Sam Smith' },
  ]);
  const [apollo] = a.insert('projects', [{ name: 'Apollo' }, { name: 'Website' }, { name: 'Website' }]).ids as [string];
  const [p1, p2] = a.insert('tasklists', [
    { name: 'Phase 1', project_id: apollo },
    { name: 'Phase 2', project_id: apollo },
  ]).ids as [string, string];
  a.insert('milestones', [{ name: 'Beta', project_id: apollo, start_date: '2026-01-05', end_date: '2026-02-27' }]);
  const tasks = a.insert('tasks', [
    { name: 'Design', project_id: apollo, tasklist: { id: p1 } },
    { name: 'Design', project_id: apollo, tasklist: { id: p2 } },
    { name: 'Launch', project_id: apollo, tasklist: { id: p2 } },
  ]).ids;
  a.insert('project-users', [{ project_id: apollo, email: 'ann.lee@example.com' }]);
  return { apollo, tasklists: { 'Phase 1': p1, 'Phase 2': p2 }, keys: { 'tasks|PROJ-1': tasks[0]!, 'subtasks|PROJ-7': tasks[2]! } };
}

/** The ids of the seeded records an example's value (or its `onMissing` default) names. */
function namedIds(sandbox: Sandbox, world: World, spec: LookupSpec, name: string, values: Record<string, unknown>): string[] {
  const entities = (kind: 'users' | 'projects' | 'tasklists' | 'milestones' | 'tasks', project?: string) =>
    sandbox.admin.entities(kind, project ? { project } : undefined) as ({ id: string; name?: string; tasklist?: { id: string } } & Partial<User>)[];
  const same = (n: string | undefined) => n !== undefined && foldName(n) === foldName(name);
  switch (spec.kind) {
    case 'user-by-email':
      return entities('users').filter((u) => u.email === name.toLowerCase()).map((u) => u.id);
    case 'user-by-name':
      return entities('users').filter((u) => same(userDisplayName(u as User))).map((u) => u.id);
    case 'project-by-name':
      return entities('projects').filter((p) => same(p.name)).map((p) => p.id);
    case 'tasklist-by-name':
    case 'milestone-by-name':
      return entities(spec.kind === 'tasklist-by-name' ? 'tasklists' : 'milestones', world.apollo).filter((x) => same(x.name)).map((x) => x.id);
    case 'task-by-name': {
      const list = spec.tasklist === undefined ? undefined : values[spec.tasklist];
      return entities('tasks', world.apollo).filter((t) => same(t.name) && (list === undefined || t.tasklist?.id === list)).map((t) => t.id);
    }
    case 'role-by-name':
      return Object.values(ROLES).filter((r) => same(r.name)).map((r) => r.id);
    case 'profile-by-name':
      return Object.values(PROFILES).filter((p) => same(p.name)).map((p) => p.id);
    case 'task-by-key':
      return (typeof spec.step === 'string' ? [spec.step] : spec.step!).flatMap((s) => world.keys[`${s}|${name}`] ?? []).slice(0, 1);
  }
}

const examples = LOOKUP_DOCS.flatMap((d) => d.examples.map((e, i): [string, LookupExample] => [`${d.kind} #${i + 1}: ${e.value}`, e]));

describe('the lookup reference', () => {
  test('documents every lookup kind, with an example that resolves and one that is refused', () => {
    const documented = new Set(LOOKUP_DOCS.map((d) => d.kind));
    expect(LOOKUP_KINDS.filter((k) => !documented.has(k))).toEqual([]);
    expect(LOOKUP_DOCS.map((d) => d.kind).length).toBe(documented.size);
    for (const d of LOOKUP_DOCS) {
      expect(d.examples.some((e) => e.resolvesTo !== undefined && e.rejects === undefined && e.warns === undefined), d.kind).toBe(true);
      expect(d.examples.some((e) => e.rejects !== undefined), d.kind).toBe(true);
      expect(d.options.some((o) => o.includes('onMissing')), d.kind).toBe(true);
    }
  });

  test.for(examples)('%s', async ([, example], { sandbox }) => {
    const world = seedWorld(sandbox);
    const fields = Object.fromEntries(Object.entries(parse(example.yaml) as Record<string, unknown>).map(([f, s]) => [f, FieldSpecSchema.parse(s)]));
    const target = Object.keys(fields).at(-1)!;
    const spec = fields[target]!.lookup!;
    const data: Record<string, unknown> = { ...example.row, [fields[target]!.from ?? target]: example.value };
    const pos = { source: 'example.csv', line: 2, index: 0 };
    const mapped = compileMapping(fields)({ data, pos });
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;

    const cdb = openCheckpointDb(':memory:');
    try {
      const store = createCheckpointStore(cdb.db);
      const run = store.startRun('docs').id;
      for (const [sk, id] of Object.entries(world.keys)) {
        const [step, key] = sk.split('|') as [string, string];
        store.recordResults(run, { name: step, entity: step === 'tasks' ? 'task' : 'subtask' }, [{ key, status: 'created', zohoId: id, meta: { name: key, scopeId: world.apollo } }]);
      }
      // The run's wiring (run-build-plan.ts): names are joined with Zoho's listing.
      const resolver = createCrosswalkResolver(store, createApiLookupResolver(sandboxClient(sandbox)));
      const r = await resolveLookups(mapped.value, resolver, pos);

      if (example.rejects !== undefined) {
        expect(r).toMatchObject({ ok: false, error: { code: example.rejects, field: target } });
        if (example.rejects === 'ROW_AMBIGUOUS_REFERENCE' && !r.ok) {
          // The message names every candidate.
          for (const id of namedIds(sandbox, world, spec, example.value, {})) {
            const user = (sandbox.admin.entities('users') as { id: string; email: string }[]).find((u) => u.id === id);
            expect(r.error.message).toContain(user?.email ?? id);
          }
        }
        return;
      }
      expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
      if (!r.ok) return;
      if (example.warns !== undefined) {
        expect(r.value.values).not.toHaveProperty(target);
        expect(r.value.warnings.map((w) => [w.code, w.field, w.value])).toEqual([[example.warns, target, example.value]]);
        return;
      }
      expect(r.value.warnings).toEqual([]);
      const own = namedIds(sandbox, world, spec, example.value, r.value.values);
      const fallback = typeof spec.onMissing === 'object' ? namedIds(sandbox, world, spec, spec.onMissing.default, r.value.values) : [];
      const expected = own.length > 0 ? own : fallback;
      expect(expected).toHaveLength(1);
      expect(r.value.values[target]).toBe(expected[0]);
    } finally {
      cdb.close();
    }
  });
});
