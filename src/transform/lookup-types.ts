/** Lookups: turning a name, e-mail or source key into a Zoho id, after mapping and before loading. */
import type { LookupSpec } from './lookup-spec.js';

/** Returned by `LookupResolver.resolveSync` when the answer is not at hand without I/O: call `resolve`. */
export const NEEDS_IO: unique symbol = Symbol('lookup needs I/O');

/**
 * "Several records carry this name": the row is refused with ROW_AMBIGUOUS_REFERENCE (never attached
 * to a guess). `candidates` describe them for the message: users by e-mail, other records by id.
 */
export interface AmbiguousMatch {
  readonly ambiguous: readonly string[];
}

/** A resolver's answer: the Zoho id (a dry run's placeholder), several candidates, or undefined for "not found". */
export type LookupAnswer = string | AmbiguousMatch | undefined;

/** True when a resolver answered "several records match". */
export const isAmbiguous = (a: LookupAnswer | typeof NEEDS_IO): a is AmbiguousMatch => typeof a === 'object' && a !== null;

/** A lookup `mapRecord()` found and `resolveLookups()` will perform. */
export interface PendingLookup {
  /** Target field whose value is replaced by the resolved id. */
  field: string;
  spec: LookupSpec;
  /** The key to look up (the field's mapped value, as a string). */
  value: string;
  /** For list fields (e.g. task owners): the element of `values[field]` this lookup replaces. */
  item?: number;
}

/**
 * Answers lookups. Implementations: `createApiLookupResolver` (through the Zoho client, cached),
 * the loader's crosswalk resolver, the dry run's resolver over earlier steps' rows; chain them with
 * `createChainedResolver`. Answer undefined for "not found" (the lookup's `onMissing` then decides)
 * and an AmbiguousMatch for "several" (always a ROW_AMBIGUOUS_REFERENCE reject, whatever `onMissing`
 * says); throw only for failures that should stop the run (ZpetlError with disposition 'fatal').
 */
export interface LookupResolver {
  /**
   * @param spec the field's lookup spec
   * @param value the key: an e-mail, a name, or a source key
   * @param scope the resolved id of the `within` field (a project id), when the spec has one
   * @param tasklist for `task-by-name` with a `tasklist` field: that field's resolved id, when the row has one
   * @returns the Zoho id (or, in a dry run, a placeholder id), an AmbiguousMatch, or undefined when unknown
   */
  resolve(spec: LookupSpec, value: string, scope?: string, tasklist?: string): Promise<LookupAnswer>;
  /**
   * Optional synchronous fast path: the same answer as `resolve` when it needs no I/O (a cache hit,
   * a local table), else NEEDS_IO. Millions of rows looking up the same few names then cost no await
   * each (per-row awaits were a large share of a dry run's time).
   */
  resolveSync?(spec: LookupSpec, value: string, scope?: string, tasklist?: string): LookupAnswer | typeof NEEDS_IO;
}
