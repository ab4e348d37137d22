/**
 * What each target entity costs and where it sits in the load order. Target fields (names, types,
 * limits, lookups) live in src/transform/entity-fields.ts (ENTITY_FIELDS); this table adds the
 * pipeline's view: endpoints, calls per record, dependency order.
 */
import { ENDPOINTS, type EndpointTemplate } from '../zoho/types.js';
import { ENTITY_FIELDS, type TargetField } from '../transform/entity-fields.js';
import type { EntityKind } from '../core/entity-kind.js';

export { ENTITY_FIELDS };
export type { TargetField };

export interface EntityInfo {
  /** The endpoint a create costs. */
  createEndpoint: EndpointTemplate;
  /** The endpoint an upsert's PATCH costs. */
  updateEndpoint?: EndpointTemplate;
  /** Records per create call: users go through the bulk add (`batchSize` per call); the rest one each. */
  bulk: boolean;
  /** Entities this one references through lookups (so their steps come first). */
  references: readonly EntityKind[];
}

export const ENTITIES: Readonly<Record<EntityKind, EntityInfo>> = {
  // Users: the V3 bulk add (`userdetails` array) with per-email results.
  user: { createEndpoint: ENDPOINTS.projectUsersAdd, bulk: true, references: ['project'] },
  project: { createEndpoint: ENDPOINTS.projectCreate, updateEndpoint: ENDPOINTS.projectUpdate, bulk: false, references: ['user'] },
  milestone: { createEndpoint: ENDPOINTS.milestoneCreate, updateEndpoint: ENDPOINTS.milestoneUpdate, bulk: false, references: ['project', 'user'] },
  tasklist: { createEndpoint: ENDPOINTS.tasklistCreate, updateEndpoint: ENDPOINTS.tasklistUpdate, bulk: false, references: ['project', 'milestone'] },
  task: { createEndpoint: ENDPOINTS.taskCreate, updateEndpoint: ENDPOINTS.taskUpdate, bulk: false, references: ['project', 'tasklist', 'user'] },
  // Subtasks are tasks with a parent: same endpoint, same budget.
  subtask: { createEndpoint: ENDPOINTS.taskCreate, updateEndpoint: ENDPOINTS.taskUpdate, bulk: false, references: ['project', 'tasklist', 'user', 'task'] },
  timelog: { createEndpoint: ENDPOINTS.timelogCreate, updateEndpoint: ENDPOINTS.timelogUpdate, bulk: false, references: ['project', 'task', 'subtask', 'user'] },
};

/** Create calls needed for `records` valid records of `entity` (users: ceil(n / batchSize)). */
export function createCalls(entity: EntityKind, records: number, batchSize: number): number {
  if (records <= 0) return 0;
  return ENTITIES[entity].bulk ? Math.ceil(records / Math.max(1, batchSize)) : records;
}
