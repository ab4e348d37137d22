/** The async lookup stage: resolves a mapped record's PendingLookups to ids, or rejects the row. */
import type { ErrorCode, SourcePosition } from '../core/errors.js';
import { clip, fail, ok, type Outcome } from '../core/record.js';
import type { LookupKind, LookupSpec } from './lookup-spec.js';
import { NEEDS_IO, type LookupResolver, type PendingLookup } from './lookup-types.js';
import type { MappedRecord } from './map-record.js';

const NOT_FOUND: Record<LookupKind, ErrorCode> = {
  'user-by-email': 'ROW_UNKNOWN_USER',
  'project-by-name': 'ROW_UNKNOWN_PROJECT',
  'tasklist-by-name': 'ROW_UNKNOWN_REFERENCE',
  'milestone-by-name': 'ROW_UNKNOWN_REFERENCE',
  'task-by-key': 'ROW_MISSING_PARENT',
  'role-by-name': 'ROW_UNKNOWN_REFERENCE',
  'profile-by-name': 'ROW_UNKNOWN_REFERENCE',
};

const WHAT: Record<LookupKind, string> = {
  'user-by-email': 'no user with e-mail',
  'project-by-name': 'no project named',
  'tasklist-by-name': 'no task list named',
  'milestone-by-name': 'no milestone named',
  'task-by-key': 'no task with key',
  'role-by-name': 'no portal role named',
  'profile-by-name': 'no portal profile named',
};

function notFound(l: PendingLookup, pos: SourcePosition, scope?: string): Outcome<never> {
  const where = l.spec.kind === 'task-by-key' ? ` in step "${l.spec.step}"` : scope !== undefined ? ` in ${l.spec.within} ${scope}` : '';
  return fail({ code: NOT_FOUND[l.spec.kind], message: `${WHAT[l.spec.kind]} "${clip(l.value, 120)}"${where}`, field: l.field, value: clip(l.value), pos });
}

/**
 * Resolves every lookup of a mapped record. Lookups without `within` run first (concurrently); then
 * those scoped by another field get that field's resolved value as `scope`. The first unknown key
 * rejects the row (ROW_UNKNOWN_USER, ROW_UNKNOWN_PROJECT, ROW_UNKNOWN_REFERENCE, or ROW_MISSING_PARENT
 * for task-by-key). Resolver exceptions propagate (they are run-level failures).
 */
export async function resolveLookups(mapped: MappedRecord, resolver: LookupResolver, pos: SourcePosition): Promise<Outcome<Record<string, unknown>>> {
  if (mapped.lookups.length === 0) return ok(mapped.values);
  const values: Record<string, unknown> = { ...mapped.values };
  for (const [k, v] of Object.entries(values)) if (Array.isArray(v)) values[k] = [...v];
  const apply = (l: PendingLookup, id: string) => {
    if (l.item === undefined) values[l.field] = id;
    else (values[l.field] as unknown[])[l.item] = id;
  };
  const unscoped = mapped.lookups.filter((l) => l.spec.within === undefined);
  const scoped = mapped.lookups.filter((l) => l.spec.within !== undefined);
  const first = await Promise.all(unscoped.map((l) => resolver.resolve(l.spec, l.value)));
  for (let i = 0; i < unscoped.length; i++) {
    const id = first[i];
    if (id === undefined) return notFound(unscoped[i]!, pos);
    apply(unscoped[i]!, id);
  }
  for (const l of scoped) {
    const scopeValue = values[l.spec.within!];
    if (scopeValue === undefined || scopeValue === null || scopeValue === '') {
      return fail({
        code: NOT_FOUND[l.spec.kind] === 'ROW_MISSING_PARENT' ? 'ROW_MISSING_PARENT' : 'ROW_UNKNOWN_REFERENCE',
        message: `cannot look up "${clip(l.value, 120)}": field "${l.spec.within}" (its scope) is empty`,
        field: l.field,
        value: clip(l.value),
        pos,
      });
    }
    const scope = String(scopeValue);
    const id = await resolver.resolve(l.spec, l.value, scope);
    if (id === undefined) return notFound(l, pos, scope);
    apply(l, id);
  }
  return ok(values);
}

/**
 * `resolveLookups` without an await, when every answer is at hand (`resolver.resolveSync`): the same
 * outcome, or NEEDS_IO when some lookup needs I/O (then call `resolveLookups`; nothing was changed).
 * On success the returned values may be `mapped.values` itself, updated in place: pass a mapped
 * record this caller owns (a fresh mapper result), as prepare does.
 */
export function tryResolveLookupsSync(mapped: MappedRecord, resolver: LookupResolver, pos: SourcePosition): Outcome<Record<string, unknown>> | typeof NEEDS_IO {
  const lookups = mapped.lookups;
  if (lookups.length === 0) return ok(mapped.values);
  if (resolver.resolveSync === undefined) return NEEDS_IO;
  // The common shape (scalar fields, no `within`): resolve all first, then write in place.
  let simple = true;
  for (let i = 0; i < lookups.length; i++) if (lookups[i]!.spec.within !== undefined || lookups[i]!.item !== undefined) simple = false;
  if (!simple) return tryResolveGeneralSync(mapped, resolver, pos);
  const ids: string[] = new Array(lookups.length);
  for (let i = 0; i < lookups.length; i++) {
    const l = lookups[i]!;
    const id = resolver.resolveSync(l.spec, l.value);
    if (id === NEEDS_IO) return NEEDS_IO;
    if (id === undefined) return notFound(l, pos);
    ids[i] = id;
  }
  const values = mapped.values;
  for (let i = 0; i < lookups.length; i++) values[lookups[i]!.field] = ids[i];
  return ok(values);
}

/** The general case (scoped lookups, list fields) of tryResolveLookupsSync, on a copy like resolveLookups. */
function tryResolveGeneralSync(mapped: MappedRecord, resolver: LookupResolver, pos: SourcePosition): Outcome<Record<string, unknown>> | typeof NEEDS_IO {
  const sync = resolver.resolveSync!.bind(resolver);
  const values: Record<string, unknown> = { ...mapped.values };
  for (const [k, v] of Object.entries(values)) if (Array.isArray(v)) values[k] = [...v];
  const apply = (l: PendingLookup, id: string) => {
    if (l.item === undefined) values[l.field] = id;
    else (values[l.field] as unknown[])[l.item] = id;
  };
  const unscoped = mapped.lookups.filter((l) => l.spec.within === undefined);
  const scoped = mapped.lookups.filter((l) => l.spec.within !== undefined);
  const first = unscoped.map((l) => sync(l.spec, l.value));
  if (first.includes(NEEDS_IO)) return NEEDS_IO;
  for (let i = 0; i < unscoped.length; i++) {
    const id = first[i];
    if (id === undefined || id === NEEDS_IO) return notFound(unscoped[i]!, pos);
    apply(unscoped[i]!, id);
  }
  for (const l of scoped) {
    const scopeValue = values[l.spec.within!];
    if (scopeValue === undefined || scopeValue === null || scopeValue === '') {
      return fail({
        code: NOT_FOUND[l.spec.kind] === 'ROW_MISSING_PARENT' ? 'ROW_MISSING_PARENT' : 'ROW_UNKNOWN_REFERENCE',
        message: `cannot look up "${clip(l.value, 120)}": field "${l.spec.within}" (its scope) is empty`,
        field: l.field,
        value: clip(l.value),
        pos,
      });
    }
    const scope = String(scopeValue);
    const id = sync(l.spec, l.value, scope);
    if (id === NEEDS_IO) return NEEDS_IO;
    if (id === undefined) return notFound(l, pos, scope);
    apply(l, id);
  }
  return ok(values);
}

/** Asks each resolver in turn; the first defined answer wins (e.g. crosswalk, then dry-run rows, then the API). */
export function createChainedResolver(...resolvers: LookupResolver[]): LookupResolver {
  const chained: LookupResolver = {
    async resolve(spec: LookupSpec, value: string, scope?: string) {
      for (const r of resolvers) {
        const id = await r.resolve(spec, value, scope);
        if (id !== undefined) return id;
      }
      return undefined;
    },
  };
  if (resolvers.every((r) => r.resolveSync !== undefined)) {
    chained.resolveSync = (spec, value, scope) => {
      for (const r of resolvers) {
        const id = r.resolveSync!(spec, value, scope);
        if (id !== undefined) return id;
      }
      return undefined;
    };
  }
  return chained;
}
