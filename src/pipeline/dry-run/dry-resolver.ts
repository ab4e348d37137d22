/**
 * Lookups during a dry run: against what earlier steps of the same dry run would create (the scratch
 * store), then the checkpoint's crosswalk (what an earlier real run loaded: a dry run after a partial
 * load finds those parents), then, when an API is given, against Zoho (read-only, cached, within the
 * budget). Ids of records this dry run would create are placeholders `dry:<kind>:<name>`: they exist
 * only in the report; records already in the crosswalk keep their real Zoho id.
 */
import { NEEDS_IO, type LookupResolver } from '../../transform/lookup-types.js';
import type { LookupSpec } from '../../transform/lookup-spec.js';
import type { ScratchStore } from '../prepare/scratch-store.js';
import type { DryCheckpoint } from '../dry-checkpoint.js';
import type { PreparedValid } from '../../core/prepared-item.js';
import type { LoadStepConfig } from '../file/schema.js';

const KIND: Record<LookupSpec['kind'], string> = {
  'user-by-email': 'user',
  'project-by-name': 'project',
  'tasklist-by-name': 'tasklist',
  'milestone-by-name': 'milestone',
  'task-by-key': 'task',
  // No step creates roles or profiles: the scratch store never has them, so Zoho answers.
  'role-by-name': 'role',
  'profile-by-name': 'profile',
};

const norm = (kind: string, v: string): string => (kind === 'user' ? v.trim().toLowerCase() : v.trim());

export function createDryRunResolver(scratch: ScratchStore, api?: LookupResolver, checkpoint?: DryCheckpoint): LookupResolver {
  // Lookups repeat (a few projects, a few hundred users, millions of logs): a bounded cache in front,
  // kind → scope → value (no key string built per row). Only ids are cached: an id never changes (the
  // scratch store keeps the first name registered, the crosswalk is read-only), but a miss can stop
  // being one when a later step registers the name (project-scoped users run after the projects that
  // look them up as owners, before the tasks that do): a cached miss was a false ROW_UNKNOWN_* there.
  const cache = new Map<string, Map<string, Map<string, string>>>();
  /** Misses Zoho answered (kind, scope, value): asked once, yet the local tables are still read first. */
  const apiMisses = new Map<string, Map<string, Set<string>>>();
  let cached = 0;
  const remember = (kind: string, sc: string, value: string, id: string) => {
    if (cached >= 10_000) {
      cache.clear();
      cached = 0;
    }
    let byScope = cache.get(kind);
    if (byScope === undefined) cache.set(kind, (byScope = new Map()));
    let byValue = byScope.get(sc);
    if (byValue === undefined) byScope.set(sc, (byValue = new Map()));
    byValue.set(value, id);
    cached++;
  };
  const rememberApiMiss = (kind: string, sc: string, value: string) => {
    let byScope = apiMisses.get(kind);
    if (byScope === undefined) apiMisses.set(kind, (byScope = new Map()));
    let values = byScope.get(sc);
    if (values === undefined) byScope.set(sc, (values = new Set()));
    if (values.size < 10_000) values.add(value);
  };
  const scopeOf = (spec: LookupSpec, scope: string | undefined) => (spec.kind === 'task-by-key' ? (spec.step ?? '') : (scope ?? ''));
  const resolveSync = (spec: LookupSpec, value: string, scope?: string): string | undefined | typeof NEEDS_IO => {
    const kind = KIND[spec.kind];
    const sc = scopeOf(spec, scope);
    const hit = cache.get(kind)?.get(sc)?.get(value);
    if (hit !== undefined) return hit;
    const n = norm(kind, value);
    const id = scratch.getName(kind, sc, n) ?? checkpoint?.lookup(kind, sc, n);
    if (id !== undefined) {
      remember(kind, sc, value, id);
      return id;
    }
    // Placeholder scopes (`dry:…`) exist only in this dry run: Zoho cannot know what is inside them.
    if (api !== undefined && !(scope ?? '').startsWith('dry:') && apiMisses.get(kind)?.get(sc)?.has(value) !== true) return NEEDS_IO;
    return undefined;
  };
  return {
    resolveSync,
    async resolve(spec, value, scope) {
      const id = resolveSync(spec, value, scope);
      if (id !== NEEDS_IO) return id;
      const found = await api!.resolve(spec, value, scope);
      if (found === undefined) rememberApiMiss(KIND[spec.kind], scopeOf(spec, scope), value);
      else remember(KIND[spec.kind], scopeOf(spec, scope), value, found);
      return found;
    },
  };
}

/**
 * Records what a valid item of `step` would create (or, with `zohoId`, what the crosswalk says it
 * already is), so later steps' lookups find it.
 */
export function registerDryRecord(scratch: ScratchStore, step: LoadStepConfig, item: PreparedValid, zohoId?: string): void {
  const v = item.values;
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  switch (step.entity) {
    case 'user': {
      const email = norm('user', str(v['email']));
      if (email) scratch.putName('user', '', email, zohoId ?? `dry:user:${email}`);
      return;
    }
    case 'project':
      scratch.putName('project', '', norm('project', str(v['name'])), zohoId ?? `dry:project:${item.key}`);
      return;
    case 'milestone':
    case 'tasklist':
      scratch.putName(step.entity, str(v['project']), norm(step.entity, str(v['name'])), zohoId ?? `dry:${step.entity}:${item.key}`);
      return;
    case 'task':
    case 'subtask':
      scratch.putName('task', step.name, item.key, zohoId ?? `dry:task:${step.name}:${item.key}`);
      return;
    case 'timelog':
      return;
  }
}
