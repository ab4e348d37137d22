/**
 * The target entities a step can load, in the usual load order (users, the project tree, time logs;
 * the real order comes from each step's lookups, src/pipeline/file/plan.ts). Every layer names an entity
 * with this one list: the pipeline schema, the field table, loaders, events, reports.
 */
export const ENTITY_KINDS = ['user', 'project', 'milestone', 'tasklist', 'task', 'subtask', 'timelog'] as const;

/** Target entity of a step: one of {@link ENTITY_KINDS}. */
export type EntityKind = (typeof ENTITY_KINDS)[number];
