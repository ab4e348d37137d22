/**
 * The async lookup stage: resolves a mapped record's PendingLookups to ids, or rejects the row, and
 * applies each lookup's `onMissing` policy (src/transform/lookup-spec.ts).
 *
 * One algorithm (`lookupRounds`, a generator) serves the async path (`resolveLookups`) and the sync
 * fast path (`tryResolveLookupsSync`): it yields the lookups of one round and takes their answers, so
 * the two can never disagree. Rounds follow the fields' dependencies: a lookup waits for its
 * `within` and `tasklist` fields when those are lookups too.
 */
import type { ErrorCode, SourcePosition } from '../core/errors.js';
import type { EntityKind } from '../core/entity-kind.js';
import { clip, fail, ok, type Outcome, type RowError } from '../core/record.js';
import { isApiUserCredit } from '../core/api-user.js';
import { lookupDependsOn, lookupSteps, type LookupKind, type LookupSpec } from './lookup-spec.js';
import { isAmbiguous, NEEDS_IO, type LookupAnswer, type LookupResolver, type PendingLookup } from './lookup-types.js';
import type { MappedRecord } from './map-record.js';
import { validateRow } from './validate-row.js';

/** A record whose lookups are done: the values to load, and what `onMissing: warn` let through. */
export interface ResolvedRecord {
  values: Record<string, unknown>;
  /** One per lookup that found nothing (or several) under `onMissing: warn`; [] for most rows. */
  warnings: readonly RowError[];
}

const NO_WARNINGS: readonly RowError[] = Object.freeze([]);

const NOT_FOUND: Record<LookupKind, ErrorCode> = {
  'user-by-email': 'ROW_UNKNOWN_USER',
  'user-by-name': 'ROW_UNKNOWN_USER',
  'project-by-name': 'ROW_UNKNOWN_PROJECT',
  'tasklist-by-name': 'ROW_UNKNOWN_REFERENCE',
  'milestone-by-name': 'ROW_UNKNOWN_REFERENCE',
  'task-by-name': 'ROW_UNKNOWN_REFERENCE',
  'task-by-key': 'ROW_MISSING_PARENT',
  'role-by-name': 'ROW_UNKNOWN_REFERENCE',
  'profile-by-name': 'ROW_UNKNOWN_REFERENCE',
};

const WHAT: Record<LookupKind, [one: string, many: string]> = {
  'user-by-email': ['no user with e-mail', 'users'],
  'user-by-name': ['no user named', 'users'],
  'project-by-name': ['no project named', 'projects'],
  'tasklist-by-name': ['no task list named', 'task lists'],
  'milestone-by-name': ['no milestone named', 'milestones'],
  'task-by-name': ['no task named', 'tasks'],
  'task-by-key': ['no task with key', 'tasks'],
  'role-by-name': ['no portal role named', 'portal roles'],
  'profile-by-name': ['no portal profile named', 'portal profiles'],
};

/** One lookup as asked of the resolver: the value (the field's, or its `onMissing` default) and its scope. */
interface Ask {
  l: PendingLookup;
  value: string;
  scope?: string;
  tasklist?: string;
}

const where = (a: Ask): string => {
  const steps = lookupSteps(a.l.spec);
  if (steps.length > 0) return steps.length === 1 ? ` in step "${steps[0]}"` : ` in steps ${steps.map((s) => `"${s}"`).join(', ')}`;
  if (a.scope === undefined) return '';
  return ` in ${a.l.spec.within} ${a.scope}${a.tasklist !== undefined ? `, ${a.l.spec.tasklist} ${a.tasklist}` : ''}`;
};

const rowError = (a: Ask, pos: SourcePosition, code: ErrorCode, message: string): RowError => ({ code, message, field: a.l.field, value: clip(a.l.value), pos });

const notFoundMessage = (a: Ask): string => `${WHAT[a.l.spec.kind][0]} "${clip(a.value, 120)}"${where(a)}`;

/** What `onMissing: warn` did, appended to its warning. */
const warned = (a: Ask): string => (a.l.item === undefined ? '; onMissing: warn left the field empty' : '; onMissing: warn dropped it from the list');

function ambiguousError(a: Ask, candidates: readonly string[], pos: SourcePosition, policy: 'reject' | 'policy'): RowError {
  const shown = candidates.slice(0, 10).join(', ') + (candidates.length > 10 ? `, … (${candidates.length} in all)` : '');
  const tail = policy === 'policy' ? ' (onMissing applies to names that match nothing; an ambiguous one is always rejected)' : '';
  return rowError(a, pos, 'ROW_AMBIGUOUS_REFERENCE', `"${clip(a.value, 120)}" names ${candidates.length} ${WHAT[a.l.spec.kind][1]}${where(a)}: ${shown}${tail}`);
}

const isEmpty = (v: unknown): boolean => v === undefined || v === null || v === '';

/**
 * The rounds of one record's lookups. Yields the asks of a round, receives their answers in order,
 * and returns the outcome. Works on a copy of the values (list fields copied too): `mapped` is never
 * changed, so a driver may abandon it (the sync driver does when an answer needs I/O).
 */
function* lookupRounds(mapped: MappedRecord, pos: SourcePosition): Generator<readonly Ask[], Outcome<ResolvedRecord>, readonly LookupAnswer[]> {
  const values: Record<string, unknown> = { ...mapped.values };
  for (const [k, v] of Object.entries(values)) if (Array.isArray(v)) values[k] = [...v];
  let warnings: RowError[] | undefined;
  const dropped = new Map<string, Set<number>>();
  const apply = (l: PendingLookup, id: string | undefined) => {
    if (l.item === undefined) {
      if (id === undefined) delete values[l.field];
      else values[l.field] = id;
    } else if (id === undefined) {
      let s = dropped.get(l.field);
      if (s === undefined) dropped.set(l.field, (s = new Set()));
      s.add(l.item);
    } else (values[l.field] as unknown[])[l.item] = id;
  };
  const open = new Map<string, number>();
  for (const l of mapped.lookups) open.set(l.field, (open.get(l.field) ?? 0) + 1);
  let pending: readonly PendingLookup[] = mapped.lookups;
  while (pending.length > 0) {
    const waits = (l: PendingLookup) => lookupDependsOn(l.spec).some((f) => f !== l.field && open.has(f));
    let ready: readonly PendingLookup[] = pending.filter((l) => !waits(l));
    // A circle of `within` fields (the pipeline schema refuses one): resolve in field order rather than never.
    if (ready.length === 0) ready = pending;
    pending = pending.filter((l) => !ready.includes(l));
    const asks: Ask[] = [];
    for (const l of ready) {
      const a: Ask = { l, value: l.value };
      if (l.spec.within !== undefined) {
        const scopeValue = values[l.spec.within];
        if (isEmpty(scopeValue)) {
          const code = NOT_FOUND[l.spec.kind] === 'ROW_MISSING_PARENT' ? 'ROW_MISSING_PARENT' : 'ROW_UNKNOWN_REFERENCE';
          return fail(rowError(a, pos, code, `cannot look up "${clip(l.value, 120)}": field "${l.spec.within}" (its scope) is empty`));
        }
        a.scope = String(scopeValue);
      }
      if (l.spec.tasklist !== undefined && !isEmpty(values[l.spec.tasklist])) a.tasklist = String(values[l.spec.tasklist]);
      asks.push(a);
    }
    const answers = yield asks;
    const defaults: Ask[] = [];
    for (let i = 0; i < asks.length; i++) {
      const a = asks[i]!;
      const answer = answers[i];
      const policy = a.l.spec.onMissing ?? 'reject';
      if (typeof answer === 'string') apply(a.l, answer);
      // An ambiguous name is a reject naming the candidates under every policy: it is no missing value
      // (the record exists, twice), and loading the row without it, or with a default, would hide that.
      else if (isAmbiguous(answer)) return fail(ambiguousError(a, answer.ambiguous, pos, policy === 'reject' ? 'reject' : 'policy'));
      else if (policy === 'warn') {
        (warnings ??= []).push(rowError(a, pos, NOT_FOUND[a.l.spec.kind], notFoundMessage(a) + warned(a)));
        apply(a.l, undefined);
      } else if (typeof policy === 'object') {
        // `{ default: api-user }` on a time log's user credits the API user: nothing to look up.
        if (isApiUserCredit(a.l.field, policy.default)) apply(a.l, policy.default);
        else defaults.push({ ...a, value: policy.default });
      }
      else return fail(rowError(a, pos, NOT_FOUND[a.l.spec.kind], notFoundMessage(a)));
    }
    if (defaults.length > 0) {
      const second = yield defaults;
      for (let i = 0; i < defaults.length; i++) {
        const d = defaults[i]!;
        const answer = second[i];
        if (typeof answer === 'string') apply(d.l, answer);
        else if (isAmbiguous(answer)) return fail(ambiguousError(d, answer.ambiguous, pos, 'reject'));
        else {
          const message = `${notFoundMessage({ ...d, value: d.l.value })}, nor its onMissing default "${clip(d.value, 120)}"`;
          return fail(rowError(d, pos, NOT_FOUND[d.l.spec.kind], message));
        }
      }
    }
    for (const l of ready) {
      const n = open.get(l.field)! - 1;
      if (n === 0) open.delete(l.field);
      else open.set(l.field, n);
    }
  }
  for (const [field, items] of dropped) {
    const kept = (values[field] as unknown[]).filter((_, i) => !items.has(i));
    if (kept.length === 0) delete values[field];
    else values[field] = kept;
  }
  return ok({ values, warnings: warnings ?? NO_WARNINGS });
}

/**
 * Resolves every lookup of a mapped record. Lookups whose scope fields (`within`, `tasklist`) are not
 * lookups run first, concurrently; then those waiting on another field get that field's resolved value.
 * What is not found follows the lookup's `onMissing`: `reject` (the default: ROW_UNKNOWN_USER,
 * ROW_UNKNOWN_PROJECT, ROW_UNKNOWN_REFERENCE, or ROW_MISSING_PARENT for task-by-key), `warn` (the
 * field is left out of the values, a list field drops the element, and a warning with the same code
 * is returned), or `{ default }` (that value is looked up instead; not found either → reject naming
 * both). A name matching several records is a ROW_AMBIGUOUS_REFERENCE reject naming the candidates,
 * under every policy (never warned past, never defaulted). The first reject found wins (rounds in dependency order, field order
 * within a round, defaults after the round's own values). Resolver exceptions propagate (they are
 * run-level failures).
 */
export async function resolveLookups(mapped: MappedRecord, resolver: LookupResolver, pos: SourcePosition): Promise<Outcome<ResolvedRecord>> {
  if (mapped.lookups.length === 0) return ok({ values: mapped.values, warnings: NO_WARNINGS });
  const rounds = lookupRounds(mapped, pos);
  let step = rounds.next();
  while (!step.done) {
    const asks = step.value;
    step = rounds.next(await Promise.all(asks.map((a) => resolver.resolve(a.l.spec, a.value, a.scope, a.tasklist))));
  }
  return step.value;
}

/**
 * `resolveLookups` without an await, when every answer is at hand (`resolver.resolveSync`): the same
 * outcome, or NEEDS_IO when some lookup needs I/O (then call `resolveLookups`; nothing was changed).
 * On success the returned values may be `mapped.values` itself, updated in place: pass a mapped
 * record this caller owns (a fresh mapper result), as prepare does.
 */
export function tryResolveLookupsSync(mapped: MappedRecord, resolver: LookupResolver, pos: SourcePosition): Outcome<ResolvedRecord> | typeof NEEDS_IO {
  const lookups = mapped.lookups;
  if (lookups.length === 0) return ok({ values: mapped.values, warnings: NO_WARNINGS });
  if (resolver.resolveSync === undefined) return NEEDS_IO;
  const sync = resolver.resolveSync.bind(resolver);
  // The common shape (scalar fields, no scope, every value found): resolve all first, then write in place.
  let simple = true;
  for (let i = 0; i < lookups.length; i++) {
    const s = lookups[i]!.spec;
    if (s.within !== undefined || s.tasklist !== undefined || lookups[i]!.item !== undefined) simple = false;
  }
  if (simple) {
    const ids: string[] = new Array(lookups.length);
    for (let i = 0; i < lookups.length && simple; i++) {
      const l = lookups[i]!;
      const id = sync(l.spec, l.value);
      if (id === NEEDS_IO) return NEEDS_IO;
      if (typeof id === 'string') ids[i] = id;
      else simple = false;
    }
    if (simple) {
      const values = mapped.values;
      for (let i = 0; i < lookups.length; i++) values[lookups[i]!.field] = ids[i];
      return ok({ values, warnings: NO_WARNINGS });
    }
  }
  const rounds = lookupRounds(mapped, pos);
  let step = rounds.next();
  while (!step.done) {
    const answers: LookupAnswer[] = [];
    for (const a of step.value) {
      const answer = sync(a.l.spec, a.value, a.scope, a.tasklist);
      if (answer === NEEDS_IO) return NEEDS_IO;
      answers.push(answer);
    }
    step = rounds.next(answers);
  }
  return step.value;
}

/**
 * Validation once more, for a row that `onMissing: warn` left with empty fields: validation ran on the
 * mapped values, before the lookups, and a field emptied since may be one the entity requires (or one
 * another rule needs, e.g. a time log's `task` without `logName`). Such a row is refused with the
 * lookup's own code (the miss is what to fix), its message naming the rule; undefined when it loads.
 */
export function refuseWarnedRow(entity: EntityKind, resolved: ResolvedRecord, pos: SourcePosition): RowError | undefined {
  if (resolved.warnings.length === 0) return undefined;
  const problem = validateRow(entity, resolved.values, pos)[0];
  if (problem === undefined) return undefined;
  const w = resolved.warnings.find((x) => x.field === problem.field) ?? resolved.warnings[0]!;
  return { ...w, message: `${w.message}, but "${w.field}" cannot be empty here: ${problem.message}` };
}

/**
 * Asks each resolver in turn; the first answer that is not "not found" wins, an ambiguous one included
 * (e.g. crosswalk, then dry-run rows, then the API).
 */
export function createChainedResolver(...resolvers: LookupResolver[]): LookupResolver {
  const chained: LookupResolver = {
    async resolve(spec: LookupSpec, value: string, scope?: string, tasklist?: string) {
      for (const r of resolvers) {
        const answer = await r.resolve(spec, value, scope, tasklist);
        if (answer !== undefined) return answer;
      }
      return undefined;
    },
  };
  if (resolvers.every((r) => r.resolveSync !== undefined)) {
    chained.resolveSync = (spec, value, scope, tasklist) => {
      for (const r of resolvers) {
        const answer = r.resolveSync!(spec, value, scope, tasklist);
        if (answer !== undefined) return answer;
      }
      return undefined;
    };
  }
  return chained;
}
