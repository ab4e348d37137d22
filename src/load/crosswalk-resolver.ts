/**
 * A lookup resolver over the crosswalk: later steps resolve references (task → tasklist id, subtask →
 * parent task id, time log → task id / project id / owner zpuid) from what earlier steps created or
 * matched, without an API call, and fall back to another resolver (the API one) for anything else.
 *
 * A name is no key: a record the pipeline created may share its name with one Zoho already held (a
 * second "Website relaunch"). For names the crosswalk's answer is therefore joined with the fallback's
 * (Zoho's listing, which holds the pipeline's own records too): a name held by two records is ambiguous,
 * never silently the pipeline's own (combineAnswers). E-mails and source keys name one record each: the
 * crosswalk's answer stands.
 *
 * Structurally compatible with src/transform/lookup-types.ts `LookupResolver` (load does not import
 * transform: the pipeline wires them together). The dry run reads its checkpoint by the same rule
 * (crosswalkIds), so the run and the rehearsal cannot disagree on it.
 */
import type { CheckpointStore } from '../checkpoint/store.js';

/** The fields of a transform LookupSpec this resolver reads. */
export interface CrosswalkLookupSpec {
  kind: string;
  /** task-by-key: one step, or several in order (the first holding the key wins). */
  step?: string | readonly string[];
  within?: string;
}

/** An answer: an id, several candidates (as transform's AmbiguousMatch), or undefined for "not found". */
export type CrosswalkAnswer = string | { readonly ambiguous: readonly string[] } | undefined;

/** Answers lookups from the crosswalk, then the fallback. */
export interface CrosswalkResolver {
  resolve(spec: CrosswalkLookupSpec, value: string, scope?: string, tasklist?: string): Promise<CrosswalkAnswer>;
}

/** The crosswalk reads a lookup needs. */
export type CrosswalkReads = Pick<CheckpointStore, 'crosswalkGet' | 'crosswalkByName'>;

const ENTITY_BY_KIND: Record<string, string> = {
  'user-by-email': 'user',
  'project-by-name': 'project',
  'tasklist-by-name': 'tasklist',
  'milestone-by-name': 'milestone',
};

/** Lookup kinds by name: what the pipeline created is joined with what Zoho holds (combineAnswers). */
export const NAME_KINDS: ReadonlySet<string> = new Set(['project-by-name', 'tasklist-by-name', 'milestone-by-name', 'task-by-name']);

/**
 * The crosswalk's ids for a lookup: task-by-key the first step's entry holding the key; a user the
 * person, within `scope` only when one of the projects their entry was added to is that project (a
 * portal user is not a member of every project); a name every distinct id of that name in the scope.
 */
export function crosswalkIds(store: CrosswalkReads, spec: CrosswalkLookupSpec, value: string, scope?: string): string[] {
  if (spec.kind === 'task-by-key') {
    const steps = spec.step === undefined ? [] : typeof spec.step === 'string' ? [spec.step] : spec.step;
    for (const step of steps) {
      const id = store.crosswalkGet(step, value)?.zohoId;
      if (id !== undefined) return [id];
    }
    return [];
  }
  const entity = ENTITY_BY_KIND[spec.kind];
  if (entity === undefined) return [];
  if (entity === 'user') {
    // A zpuid is portal-wide; a membership is not: the entry's scope is its projects (users.ts describe).
    const rows = store.crosswalkByName('user', value).filter((r) => scope === undefined || r.scopeId.split(',').includes(scope));
    return rows.length > 0 ? [rows[0]!.zohoId] : [];
  }
  const scopeId = entity === 'project' ? '' : scope;
  if (scopeId === undefined) return [];
  return [...new Set(store.crosswalkByName(entity, value, scopeId).map((r) => r.zohoId))];
}

/** One answer from the ids the pipeline knows and another resolver's answer: one id is it, several are ambiguous. */
export function combineAnswers(known: readonly string[], other: CrosswalkAnswer): CrosswalkAnswer {
  const ids = new Set(known);
  if (typeof other === 'string') ids.add(other);
  else if (other !== undefined) for (const id of other.ambiguous) ids.add(id);
  if (ids.size === 0) return undefined;
  return ids.size === 1 ? [...ids][0] : { ambiguous: [...ids] };
}

/** The crosswalk resolver; with a fallback (the API resolver), names are joined with its answer. */
export function createCrosswalkResolver(store: CheckpointStore, fallback?: CrosswalkResolver): CrosswalkResolver {
  return {
    async resolve(spec, value, scope, tasklist) {
      const ids = crosswalkIds(store, spec, value, scope);
      const ask = () => (fallback ? fallback.resolve(spec, value, scope, tasklist) : Promise.resolve(undefined));
      if (NAME_KINDS.has(spec.kind)) return combineAnswers(ids, await ask());
      return ids[0] ?? ask();
    },
  };
}
