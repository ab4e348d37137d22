/**
 * Lookups during a dry run: against what earlier steps of the same dry run would create (the scratch
 * store), then the checkpoint's crosswalk (what an earlier real run loaded: a dry run after a partial
 * load finds those parents), then, when an API is given, against Zoho (read-only, cached, within the
 * budget). Ids of records this dry run would create are placeholders `dry:<kind>:<name>`: they exist
 * only in the report; records already in the crosswalk keep their real Zoho id.
 *
 * Names registered here match as Zoho's listings do (src/transform/api-lookup-resolver.ts): exactly,
 * then case-insensitively, and two records of one name in one scope are ambiguous, as the run would
 * find them in Zoho after creating both. A name is asked of Zoho too, and joined with what this dry run
 * and the crosswalk know (load/crosswalk-resolver.ts combineAnswers, the run's rule): a task this dry
 * run creates under a name Zoho already holds is ambiguous, as the run finds it.
 *
 * A display name (user-by-name) within a project is Zoho's: the project's members, and the people this
 * dry run adds to it who are portal users already (Zoho has their names). A person new to the portal
 * has a name only once Zoho adds them: a name nobody else answers may be theirs, so it is answered with
 * an unverified placeholder (isUnverifiedName), and the row counted unverified, as offline rows are.
 */
import { NEEDS_IO, type LookupAnswer, type LookupResolver } from '../../transform/lookup-types.js';
import { combineAnswers, NAME_KINDS } from '../../load/crosswalk-resolver.js';
import { projectsOfUser } from '../../load/loaders/index.js';
import { lookupSteps, type LookupSpec } from '../../transform/lookup-spec.js';
import { foldName, normName } from '../../transform/name-match.js';
import type { ScratchStore } from '../prepare/scratch-store.js';
import type { DryCheckpoint } from '../dry-checkpoint.js';
import type { PreparedValid } from '../../core/prepared-item.js';
import type { LoadStepConfig } from '../file/schema.js';

/** The scratch store's kind per lookup kind; none: Zoho's only (display names are asked of the API, roles and profiles no step creates). */
const KIND: Record<LookupSpec['kind'], string | undefined> = {
  'user-by-email': 'user',
  'user-by-name': undefined,
  'project-by-name': 'project',
  'tasklist-by-name': 'tasklist',
  'milestone-by-name': 'milestone',
  'task-by-name': 'task-name',
  'task-by-key': 'task',
  'role-by-name': undefined,
  'profile-by-name': undefined,
};

const DRY = 'dry:';
/** Whether `id` is a placeholder for a record this dry run would create (`dry:…`): Zoho holds nothing under it. */
export const isDryPlaceholder = (id: string | undefined): id is string => id !== undefined && id.startsWith(DRY);
/** The placeholder of a record this dry run would create. */
const placeholder = (kind: string, name: string): string => `${DRY}${kind}:${name}`;
const UNVERIFIED = placeholder('unverified-user', '');
/** Whether a user-by-name answer is a person this dry run adds whose Zoho name is not known yet (the row is unverified). */
export const isUnverifiedName = (id: unknown): boolean => typeof id === 'string' && id.startsWith(UNVERIFIED);

/** Scratch kinds of the people registered per project (for user-by-name): portal users by id, and whether someone new joins. */
const MEMBER = 'user-member';
const NEWCOMER = 'user-new';

const email = (v: string): string => v.trim().toLowerCase();
/** A task-by-name scope: the project, narrowed by the task list when the row has one. */
const taskScope = (project: string, tasklist: string | undefined): string => (tasklist === undefined ? project : `${project}\u0000${tasklist}`);
const idsOf = (a: LookupAnswer): readonly string[] => (a === undefined ? [] : typeof a === 'string' ? [a] : a.ambiguous);

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

/** The dry run's resolver: this dry run's records and the checkpoint's crosswalk, joined with Zoho's answers (read-only, cached) when an api is given. */
export function createDryRunResolver(scratch: ScratchStore, api?: LookupResolver, checkpoint?: DryCheckpoint): LookupResolver {
  // Lookups repeat (a few projects, a few hundred users, millions of logs): a bounded cache in front,
  // kind → scope → value (no key string built per row). Only ids are cached: an id never changes (the
  // scratch store keeps the first name registered, the crosswalk is read-only), but a miss can stop
  // being one when a later step registers the name (project-scoped users run after the projects that
  // look them up as owners, before the tasks that do): a cached miss was a false ROW_UNKNOWN_* there.
  const cache = new Map<string, Map<string, Map<string, string>>>();
  /** What Zoho answered (kind, scope, value → its answer): asked once, yet the local tables are still read first. */
  const apiAnswers = new Map<string, Map<string, Map<string, LookupAnswer>>>();
  let cached = 0;
  const remember = (kind: string, sc: string, value: string, answer: LookupAnswer): LookupAnswer => {
    if (typeof answer !== 'string') return answer;
    if (cached >= 10_000) {
      cache.clear();
      cached = 0;
    }
    let byScope = cache.get(kind);
    if (byScope === undefined) cache.set(kind, (byScope = new Map()));
    let byValue = byScope.get(sc);
    if (byValue === undefined) byScope.set(sc, (byValue = new Map()));
    byValue.set(value, answer);
    cached++;
    return answer;
  };
  const rememberApi = (kind: string, sc: string, value: string, answer: LookupAnswer) => {
    let byScope = apiAnswers.get(kind);
    if (byScope === undefined) apiAnswers.set(kind, (byScope = new Map()));
    let values = byScope.get(sc);
    if (values === undefined) byScope.set(sc, (values = new Map()));
    if (values.size < 10_000) values.set(value, answer);
  };
  const scopeOf = (spec: LookupSpec, scope: string | undefined, tasklist: string | undefined) =>
    spec.kind === 'task-by-key' ? lookupSteps(spec).join('\u0000') : spec.kind === 'task-by-name' ? taskScope(scope ?? '', tasklist) : (scope ?? '');
  /** The local tables' ids: this dry run's records, then (by the run's own rule) the checkpoint's crosswalk. */
  const local = (spec: LookupSpec, value: string, scope: string | undefined, tasklist: string | undefined): readonly string[] => {
    const kind = KIND[spec.kind];
    switch (kind) {
      case undefined:
        return [];
      case 'task':
        // task-by-key over several steps: the first step (in list order) holding the key wins.
        for (const step of lookupSteps(spec)) {
          const id = scratch.getName('task', step, value.trim()) ?? checkpoint?.lookup({ kind: spec.kind, step }, value.trim())[0];
          if (id !== undefined) return [id];
        }
        return [];
      case 'user': {
        const id = scratch.getName('user', scope ?? '', email(value));
        return id !== undefined ? [id] : (checkpoint?.lookup(spec, value, scope) ?? []);
      }
      default: {
        const sc = kind === 'task-name' ? taskScope(scope ?? '', tasklist) : (scope ?? '');
        const mine = idsOf(getNamed(scratch, kind, sc, value));
        return kind === 'task-name' || checkpoint === undefined ? mine : [...mine, ...checkpoint.lookup(spec, value, scope)];
      }
    }
  };
  /** Whether Zoho is asked at all: not for source keys, nor inside a parent this dry run creates (a display name is asked portal-wide there). */
  const asksZoho = (spec: LookupSpec, scope: string | undefined, tasklist: string | undefined): boolean =>
    api !== undefined && spec.kind !== 'task-by-key' && (!isDryPlaceholder(scope) || spec.kind === 'user-by-name') && !isDryPlaceholder(tasklist);
  /** Zoho's remembered answer; NEEDS_IO when not asked yet. */
  const answered = (kind: string, sc: string, value: string): LookupAnswer | typeof NEEDS_IO => {
    const values = apiAnswers.get(kind)?.get(sc);
    return values?.has(value) === true ? values.get(value) : NEEDS_IO;
  };
  /**
   * One answer from the local ids and Zoho's (`zoho`). A display name within a project (`portal`: Zoho's
   * portal-wide answer): Zoho's members joined with the portal users this dry run adds to it; none, and
   * someone new to the portal joins it: unverified (the name may be theirs).
   */
  const settle = (spec: LookupSpec, value: string, scope: string | undefined, ids: readonly string[], zoho: LookupAnswer, portal: LookupAnswer): LookupAnswer => {
    if (spec.kind !== 'user-by-name') return combineAnswers(ids, zoho);
    const sc = scope ?? '';
    const added = scope === undefined ? [] : idsOf(portal).filter((id) => scratch.getName(MEMBER, sc, id) !== undefined);
    const a = combineAnswers(added, zoho);
    return a ?? (scratch.getName(NEWCOMER, sc, '') !== undefined ? placeholder('unverified-user', value) : undefined);
  };
  const resolveSync = (spec: LookupSpec, value: string, scope?: string, tasklist?: string): LookupAnswer | typeof NEEDS_IO => {
    const kind = spec.kind;
    const sc = scopeOf(spec, scope, tasklist);
    const hit = cache.get(kind)?.get(sc)?.get(value);
    if (hit !== undefined) return hit;
    const ids = local(spec, value, scope, tasklist);
    // E-mails and keys name one record: a local hit stands. A name is joined with Zoho's (NAME_KINDS).
    if (ids.length > 0 && !NAME_KINDS.has(kind)) return remember(kind, sc, value, ids[0]);
    if (!asksZoho(spec, scope, tasklist)) return remember(kind, sc, value, settle(spec, value, scope, ids, undefined, undefined));
    const zoho = isDryPlaceholder(scope) ? undefined : answered(kind, sc, value);
    const portal = kind === 'user-by-name' && scope !== undefined ? answered(kind, '', value) : undefined;
    if (zoho === NEEDS_IO || portal === NEEDS_IO) return NEEDS_IO;
    return remember(kind, sc, value, settle(spec, value, scope, ids, zoho, portal));
  };
  /** Zoho's answer within `scope` (a placeholder: none), asked once. */
  const ask = async (spec: LookupSpec, value: string, scope: string | undefined, tasklist: string | undefined): Promise<LookupAnswer> => {
    if (isDryPlaceholder(scope)) return undefined;
    const sc = scopeOf(spec, scope, tasklist);
    const known = answered(spec.kind, sc, value);
    if (known !== NEEDS_IO) return known;
    const found = await api!.resolve(spec, value, scope, tasklist);
    rememberApi(spec.kind, sc, value, found);
    return found;
  };
  return {
    resolveSync,
    async resolve(spec, value, scope, tasklist) {
      const now = resolveSync(spec, value, scope, tasklist);
      if (now !== NEEDS_IO) return now;
      const zoho = await ask(spec, value, scope, tasklist);
      const portal = spec.kind === 'user-by-name' && scope !== undefined ? await ask(spec, value, undefined, undefined) : undefined;
      return remember(spec.kind, scopeOf(spec, scope, tasklist), value, settle(spec, value, scope, local(spec, value, scope, tasklist), zoho, portal));
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
      const id = zohoId ?? placeholder('user', e);
      // The portal, and each project the row names, for lookups `within` it (the run lists its users).
      // For display names: a portal user by id (Zoho has the name), else the fact that someone new joins.
      for (const scope of ['', ...projectsOfUser(v)]) {
        scratch.putName('user', scope, e, id);
        if (isDryPlaceholder(id)) scratch.putName(NEWCOMER, scope, '', id);
        else scratch.putName(MEMBER, scope, id, id);
      }
      return id;
    }
    case 'project': {
      const id = zohoId ?? placeholder('project', item.key);
      putNamed(scratch, 'project', '', str(v['name']), id);
      // A new project's owner is a member of it (Zoho adds the owner): found by display name within it.
      const owner = str(v['owner']);
      if (zohoId === undefined && owner !== '') scratch.putName(isDryPlaceholder(owner) ? NEWCOMER : MEMBER, id, isDryPlaceholder(owner) ? '' : owner, owner);
      return id;
    }
    case 'milestone':
    case 'tasklist': {
      const id = zohoId ?? placeholder(step.entity, item.key);
      putNamed(scratch, step.entity, str(v['project']), str(v['name']), id);
      return id;
    }
    case 'task':
    case 'subtask': {
      const id = zohoId ?? placeholder('task', `${step.name}:${item.key}`);
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

/**
 * Whether a row of `step` names a person by display name whom this dry run could not name yet
 * (isUnverifiedName): the row is counted unverified. Reads only the step's user-by-name fields.
 */
export function unverifiedNames(step: LoadStepConfig): (values: Record<string, unknown>) => boolean {
  const fields = Object.entries(step.fields).filter(([, f]) => f.lookup?.kind === 'user-by-name').map(([name]) => name);
  if (fields.length === 0) return () => false;
  return (values) => fields.some((f) => {
    const v = values[f];
    return Array.isArray(v) ? v.some(isUnverifiedName) : isUnverifiedName(v);
  });
}
