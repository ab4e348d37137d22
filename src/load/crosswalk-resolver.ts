/**
 * A lookup resolver over the crosswalk: later steps resolve references (task → tasklist id, subtask →
 * parent task id, time log → task id / project id / owner zpuid) from what earlier steps created or
 * matched, without an API call, and fall back to another resolver (the API one) for anything else.
 *
 * Structurally compatible with src/transform/lookup-types.ts `LookupResolver` (load does not import
 * transform: the pipeline wires them together).
 */
import type { CheckpointStore } from '../checkpoint/store.js';

/** The fields of a transform LookupSpec this resolver reads. */
export interface CrosswalkLookupSpec {
  kind: string;
  /** task-by-key: one step, or several in order (the first holding the key wins). */
  step?: string | readonly string[];
  within?: string;
}

/** Never answers "ambiguous": two crosswalk entries with one name leave the decision to the fallback (Zoho's listing). */
export interface CrosswalkResolver {
  resolve(spec: CrosswalkLookupSpec, value: string, scope?: string): Promise<string | undefined>;
}

const ENTITY_BY_KIND: Record<string, string> = {
  'user-by-email': 'user',
  'project-by-name': 'project',
  'tasklist-by-name': 'tasklist',
  'milestone-by-name': 'milestone',
};

export function createCrosswalkResolver(store: CheckpointStore, fallback?: CrosswalkResolver): CrosswalkResolver {
  function local(spec: CrosswalkLookupSpec, value: string, scope?: string): string | undefined {
    if (spec.kind === 'task-by-key') {
      const steps = spec.step === undefined ? [] : typeof spec.step === 'string' ? [spec.step] : spec.step;
      for (const step of steps) {
        const id = store.crosswalkGet(step, value)?.zohoId;
        if (id !== undefined) return id;
      }
      return undefined;
    }
    const entity = ENTITY_BY_KIND[spec.kind];
    if (entity === undefined) return undefined;
    if (entity === 'user') {
      // A zpuid is portal-wide: any project's entry (or the portal's) will do.
      return store.crosswalkByName('user', value)[0]?.zohoId;
    }
    const scopeId = entity === 'project' ? '' : scope;
    if (entity !== 'project' && scopeId === undefined) return undefined;
    const rows = store.crosswalkByName(entity, value, scopeId);
    // Two entries with one name in one scope are ambiguous: let the fallback (or a reject) decide.
    const ids = new Set(rows.map((r) => r.zohoId));
    return ids.size === 1 ? rows[0]!.zohoId : undefined;
  }
  return {
    async resolve(spec, value, scope) {
      return local(spec, value, scope) ?? (fallback ? fallback.resolve(spec, value, scope) : undefined);
    },
  };
}
