/**
 * The shape of a dry run's cost estimate: what src/pipeline/estimate.ts computes and report.json /
 * report.html show. The figures come from Zoho's rate limit (src/zoho/rate-limit.ts); this is only
 * their shape, so that the report layer can name it without importing the pipeline.
 */
import type { EntityKind } from './entity-kind.js';

/** Calls one step would make on one endpoint (a step in mode upsert has a second entry for its updates). */
export interface StepCallEstimate {
  step: string;
  entity: EntityKind;
  /** The endpoint template, e.g. `POST /projects/{project}/tasks`: the unit of the rate limit. */
  endpoint: string;
  calls: number;
}

/** API calls and the budget-bound duration of a run. */
export interface Estimate {
  callsByEndpoint: Record<string, number>;
  totalCalls: number;
  /** Calls per endpoint per rate-limit window, after headroom. */
  callsPerWindow: number;
  /** Budget time only, ms (network latency below the budget is ignored). */
  durationMs: number;
  /** Off-peak openings needed starting now; undefined without a window. */
  windowsNeeded?: number;
  /** The off-peak window as `HH:MM-HH:MM zone`; undefined without one. */
  window?: string;
  /** When the work would end (ISO), counting only window time when a window is set. */
  finishAt?: string;
}
