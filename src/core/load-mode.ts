/**
 * A load step's mode, the one list and the one default (the pipeline schema, the step loader and the
 * checkpoint store all use these). What each mode does with a key is decided in
 * src/load/exactly-once/key-action.ts.
 */

/**
 * create: skip keys the crosswalk already has · skip-existing: also skip what Zoho holds under the
 * record's natural key · upsert: PATCH what exists (crosswalk or natural key), create the rest.
 */
export const LOAD_MODES = ['create', 'skip-existing', 'upsert'] as const;

/** One of LOAD_MODES. */
export type LoadMode = (typeof LOAD_MODES)[number];

/** The mode of a step that names none. */
export const DEFAULT_LOAD_MODE: LoadMode = 'create';
