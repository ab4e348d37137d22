/**
 * Lookups during a dry run: against what earlier steps of the same dry run would create (the scratch
 * store), then the checkpoint's crosswalk (what an earlier real run loaded: a dry run after a partial
 * load finds those parents), then, when an API is given, against Zoho (read-only, cached, within the
 * budget). Ids of records this dry run would create are placeholders `dry:<kind>:<name>`: they exist
 * only in the report; records already in the crosswalk keep their real Zoho id.
 *
 * Names registered here match as Zoho's listings do (src/transform/api-lookup-resolver.ts): exactly,
 * then case-insensitively, and two records of one name in one scope are ambiguous, as the run would
 * find them in Zoho after creating both.
 */
import { NEEDS_IO, type AmbiguousMatch, type LookupAnswer, type LookupResolver } from '../../transform/lookup-types.js';
import { lookupSteps, type LookupSpec } from '../../transform/lookup-spec.js';
import { foldName, normName } from '../../transform/name-match.js';
import type { ScratchStore } from '../prepare/scratch-store.js';
import type { DryCheckpoint } from '../dry-checkpoint.js';
import type { PreparedValid } from '../../core/prepared-item.js';
import type { LoadStepConfig } from '../file/schema.js';

/** The scratch store's kind per lookup kind; user-by-name has none (display names are Zoho's: asked of the API). */
const KIND: Record<LookupSpec['kind'], string | undefined> = {
  'user-by-email': 'user',
  'user-by-name': undefined,
  'project-by-name': 'project',
  'tasklist-by-name': 'tasklist',
  'milestone-by-name': 'milestone',
  'task-by-name': 'task-name',
  'task-by-key': 'task',
  // No step creates roles or profiles: the scratch store never has them, so Zoho answers.
  'role-by-name': 'role',
  'profile-by-name': 'profile',
};

/** Kinds the checkpoint's crosswalk answers (dry-checkpoint.ts): tasks there are by key, not by name. */
const IN_CROSSWALK = new Set(['user', 'project', 'tasklist', 'milestone']);

const email = (v: string): string => v.trim().toLowerCase();
const isDry = (id: string | undefined): boolean => id !== undefined && id.startsWith('dry:');
/** A task-by-name scope: the project, narrowed by the task list when the row has one. */
const taskScope = (project: string, tasklist: string | undefined): string => (tasklist === undefined ? project : `${project}\u0000${tasklist}`);

/**
 * Registers one named record: under its exact name and its case-folded one, and, for a second record
 * of the same name in the same scope, under `<kind>*` (the scratch store keeps the first of each).
 */
function putNamed(scratch: ScratchStore, kind: string, scope: string, name: string, id: string): void {
  for (const [k, n] of [
    [kind, normName(name)],
    [`${kind}~`, foldName(name)],
  ] as const) {
    if (n === '') continue;
    const first = scratch.getName(k, scope, n);
    if (first === undefined) scratch.putName(k, scope, n, id);
    else if (first !== id) scratch.putName(`${k}*`, scope, n, id);
  }
}

/** The registered record of that name: exact first, then case-insensitive; two of one name are ambiguous. */
function getNamed(scratch: ScratchStore, kind: string, scope: string, name: string): LookupAnswer {
  for (const [k, n] of [
    [kind, normName(name)],
    [`${kind}~`, foldName(name)],
  ] as const) {
    const id = scratch.getName(k, scope, n);
    if (id === undefined) continue;
    const second = scratch.getName(`${k}*`, scope, n);
    return second === undefined ? id : { ambiguous: [id, second] };
  }
  return undefined;
}

export function createDryRunResolver(scratch: ScratchStore, api?: LookupResolver, checkpoint?: DryCheckpoint): LookupResolver {
  // Lookups repeat (a few projects, a few hundred users, millions of logs): a bounded cache in front,
  // kind → scope → value (no key string built per row). Only ids are cached: an id never changes (the
  // scratch store keeps the first name registered, the crosswalk is read-only), but a miss can stop
  // being one when a later step registers the name (project-scoped users run after the projects that
  // look them up as owners, before the tasks that do): a cached miss was a false ROW_UNKNOWN_* there.
  const cache = new Map<string, Map<string, Map<string, string>>>();
  /** What Zoho answered without an id (kind, scope, value → a miss or AmbiguousMatch): asked once, yet the local tables are still read first. */
  const apiAnswers = new Map<string, Map<string, Map<string, AmbiguousMatch | undefined>>>();
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
  const rememberApi = (kind: string, sc: string, value: string, answer: AmbiguousMatch | undefined) => {
    let byScope = apiAnswers.get(kind);
    if (byScope === undefined) apiAnswers.set(kind, (byScope = new Map()));
    let values = byScope.get(sc);
    if (values === undefined) byScope.set(sc, (values = new Map()));
    if (values.size < 10_000) values.set(value, answer);
  };
  const scopeOf = (spec: LookupSpec, scope: string | undefined, tasklist: string | undefined) =>
    spec.kind === 'task-by-key' ? lookupSteps(spec).join('\u0000') : spec.kind === 'task-by-name' ? taskScope(scope ?? '', tasklist) : (scope ?? '');
  /** The local tables: this dry run's records, then the checkpoint's crosswalk. */
  const local = (spec: LookupSpec, value: string, scope: string | undefined, tasklist: string | undefined): LookupAnswer => {
    const kind = KIND[spec.kind];
    switch (kind) {
      case undefined:
        return undefined;
      case 'task':
        // task-by-key over several steps: the first step (in list order) holding the key wins.
        for (const step of lookupSteps(spec)) {
          const id = scratch.getName('task', step, value.trim()) ?? checkpoint?.lookup('task', step, value.trim());
          if (id !== undefined) return id;
        }
        return undefined;
      case 'user':
        return scratch.getName('user', scope ?? '', email(value)) ?? checkpoint?.lookup('user', scope ?? '', email(value));
      default: {
        const sc = kind === 'task-name' ? taskScope(scope ?? '', tasklist) : (scope ?? '');
        return getNamed(scratch, kind, sc, value) ?? (IN_CROSSWALK.has(kind) ? checkpoint?.lookup(kind, sc, normName(value)) : undefined);
      }
    }
  };
  const resolveSync = (spec: LookupSpec, value: string, scope?: string, tasklist?: string): LookupAnswer | typeof NEEDS_IO => {
    const kind = spec.kind;
    const sc = scopeOf(spec, scope, tasklist);
    const hit = cache.get(kind)?.get(sc)?.get(value);
    if (hit !== undefined) return hit;
    const found = local(spec, value, scope, tasklist);
    if (typeof found === 'string') {
      remember(kind, sc, value, found);
      return found;
    }
    if (found !== undefined) return found;
    if (api === undefined || spec.kind === 'task-by-key') return undefined;
    // Placeholder scopes (`dry:…`) exist only in this dry run: Zoho cannot know what is inside them.
    // A user's display name is the exception: asked portal-wide (the project's members are portal users).
    if ((isDry(scope) && kind !== 'user-by-name') || isDry(tasklist)) return undefined;
    const answered = apiAnswers.get(kind)?.get(sc);
    if (answered?.has(value) === true) return answered.get(value);
    return NEEDS_IO;
  };
  return {
    resolveSync,
    async resolve(spec, value, scope, tasklist) {
      const now = resolveSync(spec, value, scope, tasklist);
      if (now !== NEEDS_IO) return now;
      const found = await api!.resolve(spec, value, isDry(scope) ? undefined : scope, tasklist);
      if (typeof found === 'string') remember(spec.kind, scopeOf(spec, scope, tasklist), value, found);
      else rememberApi(spec.kind, scopeOf(spec, scope, tasklist), value, found);
      return found;
    },
  };
}

/**
 * Records what a valid item of `step` would create (or, with `zohoId`, what the crosswalk says it
 * already is), so later steps' lookups find it. Returns the id registered (`zohoId` or the placeholder);
 * undefined for time logs, which nothing looks up.
 */
export function registerDryRecord(scratch: ScratchStore, step: LoadStepConfig, item: PreparedValid, zohoId?: string): string | undefined {
  const v = item.values;
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  switch (step.entity) {
    case 'user': {
      const e = email(str(v['email']));
      if (!e) return undefined;
      const id = zohoId ?? `dry:user:${e}`;
      scratch.putName('user', '', e, id);
      // A project's members, for lookups `within` that project (the run lists the project's users).
      if (str(v['project']) !== '') scratch.putName('user', str(v['project']), e, id);
      return id;
    }
    case 'project': {
      const id = zohoId ?? `dry:project:${item.key}`;
      putNamed(scratch, 'project', '', str(v['name']), id);
      return id;
    }
    case 'milestone':
    case 'tasklist': {
      const id = zohoId ?? `dry:${step.entity}:${item.key}`;
      putNamed(scratch, step.entity, str(v['project']), str(v['name']), id);
      return id;
    }
    case 'task':
    case 'subtask': {
      const id = zohoId ?? `dry:task:${step.name}:${item.key}`;
      scratch.putName('task', step.name, item.key, id);
      // By name too (task-by-name): within the project, and within the project and task list.
      const project = str(v['project']);
      putNamed(scratch, 'task-name', project, str(v['name']), id);
      if (str(v['tasklist']) !== '') putNamed(scratch, 'task-name', taskScope(project, str(v['tasklist'])), str(v['name']), id);
      return id;
    }
    case 'timelog':
      return undefined;
  }
}

/** Whether `id` is a placeholder for a record this dry run would create (`dry:…`): Zoho holds nothing under it. */
export const isDryPlaceholder = (id: string): boolean => id.startsWith('dry:');
