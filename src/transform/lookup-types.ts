/** Lookups: turning a name, e-mail or source key into a Zoho id, after mapping and before loading. */
import type { LookupSpec } from './field-spec.js';

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
 * `createChainedResolver`. Return undefined for "not found" (the row is rejected); throw only for
 * failures that should stop the run (ZpetlError with disposition 'fatal').
 */
export interface LookupResolver {
  /**
   * @param spec the field's lookup spec
   * @param value the key: an e-mail, a name, or a source key
   * @param scope the resolved id of the `within` field (a project id), when the spec has one
   * @returns the Zoho id (or, in a dry run, a placeholder id) or undefined when unknown
   */
  resolve(spec: LookupSpec, value: string, scope?: string): Promise<string | undefined>;
}
