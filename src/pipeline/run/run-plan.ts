/**
 * What the run engine executes: steps in groups (a group runs after the previous one; the steps of a
 * group run concurrently, since they hit different endpoints with separate budgets), each with a way
 * to read its prepared items from a position. run.ts builds a RunPlan from a pipeline file; tests
 * build one directly.
 */
import type { CheckpointStore } from '../../checkpoint/store.js';
import type { LoadMode } from '../../core/load-mode.js';
import type { StartAt } from '../../extract/types.js';
import type { LoaderOptions } from '../../load/types.js';
import { ENDPOINTS, type EndpointTemplate, type ZohoClient } from '../../zoho/types.js';
import type { EntityKind } from '../../core/entity-kind.js';
import type { ZpetlError } from '../../core/errors.js';
import type { PreparedItem } from '../../core/prepared-item.js';
import type { SourceWarning } from '../../core/pipeline-event.js';

/** What a step's reader gets. */
export interface PrepareContext {
  /** Seek here (the step's high-water mark) instead of reading from the start. */
  startAt?: StartAt;
  store: CheckpointStore;
  client: ZohoClient;
  runId: number;
  signal: AbortSignal;
  /** The read's source warnings (prepare/source-warnings.ts), as they come. */
  onSourceWarning?: (w: SourceWarning) => void;
}

export interface PlannedStep {
  name: string;
  entity: EntityKind;
  mode: LoadMode;
  /** Valid items per checkpoint batch. */
  batchSize: number;
  /** The source file: absolute path (hashed for resume) and the name shown in messages. */
  source: { path: string; display: string };
  /** Records in the source, when known up front (progress total and ETA). */
  total?: number;
  /**
   * Counts the records in the source (a streamed pre-pass: extraction only, constant memory), for the
   * progress total and ETA when `total` is not given.
   */
  count?(signal: AbortSignal): Promise<number>;
  /** The source header's problem (prepare/header-check.ts), checked for every step before anything is sent; undefined when none. */
  headerProblem?(): Promise<ZpetlError | undefined>;
  /** Options for the entity loader (user batch size, external-id field, in-batch concurrency). */
  loader: LoaderOptions & { userScope?: 'project' | 'portal' };
  /** Prepared items (valid or rejected) from `ctx.startAt` on, in source order. */
  prepare(ctx: PrepareContext): AsyncIterable<PreparedItem>;
}

export interface RejectLimits {
  /** Stop once more than this many rows are rejected in the run. */
  count?: number;
  /** Stop once rejected / read exceeds this (0..1), checked after `minRows` rows. */
  ratio?: number;
  /** Rows read before the ratio applies (default 100). */
  minRows?: number;
}

export interface RunPlan {
  pipeline: string;
  /** The pipeline file, when there is one (reports). */
  file?: string;
  /** Steps in dependency order, grouped; every group waits for the previous one. */
  groups: PlannedStep[][];
  rejectLimits: RejectLimits;
  /** Options stored with the run (scrubbed of secrets by the store). */
  options?: Record<string, unknown>;
}

/** The create endpoint of an entity: the budget a batch draws on. */
export function createEndpointOf(entity: EntityKind): EndpointTemplate {
  switch (entity) {
    case 'user':
      return ENDPOINTS.projectUsersAdd;
    case 'project':
      return ENDPOINTS.projectCreate;
    case 'milestone':
      return ENDPOINTS.milestoneCreate;
    case 'tasklist':
      return ENDPOINTS.tasklistCreate;
    case 'task':
    case 'subtask':
      return ENDPOINTS.taskCreate;
    case 'timelog':
      return ENDPOINTS.timelogCreate;
  }
}

/** Requests `items` records cost at most on the create endpoint (users go in bulk calls). */
export function createCallsFor(step: Pick<PlannedStep, 'entity' | 'loader'>, items: number): number {
  if (step.entity === 'user') return Math.ceil(items / Math.max(1, step.loader.userBatchSize ?? 50));
  return items;
}

/**
 * Valid items per checkpoint batch. A user batch is never smaller than the bulk add's
 * `userBatchSize` (default 50): the loader splits a checkpoint batch into bulk calls per project, so a
 * smaller batch would cut every bulk add short and spend more calls than the estimate.
 */
export function stepBatchSize(step: Pick<PlannedStep, 'entity' | 'batchSize' | 'loader'>): number {
  const size = Math.max(1, step.batchSize);
  return step.entity === 'user' ? Math.max(size, step.loader.userBatchSize ?? 50) : size;
}
