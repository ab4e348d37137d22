/**
 * API-call and duration estimate at Zoho's budget: 200 calls per 120 s per endpoint, less the
 * pipeline's headroom; endpoints of one plan stage are spent in parallel, stages one after the other.
 * Duration is budget time only (when the budget is the bottleneck, which it is for any real migration);
 * network latency below the budget is ignored.
 */
import { parseWindow } from './window.js';
import { createCalls, ENTITIES } from './entities.js';
import type { Plan } from './plan.js';
import type { EntityKind } from './events.js';
import type { PipelineOptions } from './schema.js';

/** Zoho's documented per-endpoint limit (docs/zoho-api-notes.md#rate-limits). */
export const ZOHO_CALLS_PER_WINDOW = 200;
export const ZOHO_WINDOW_MS = 120_000;

export interface StepCallEstimate {
  step: string;
  entity: EntityKind;
  endpoint: string;
  calls: number;
}

export interface Estimate {
  callsByEndpoint: Record<string, number>;
  totalCalls: number;
  /** Calls per endpoint per 120 s after headroom. */
  callsPerWindow: number;
  durationMs: number;
  /** Off-peak openings needed starting at `now`; undefined without a window. */
  windowsNeeded?: number;
  window?: string;
  /** When the work would end (ISO), counting only window time when a window is set. */
  finishAt?: string;
}

/** Budget-bound duration of `calls` on one endpoint. */
export function budgetDurationMs(calls: number, callsPerWindow: number): number {
  if (calls <= 0) return 0;
  // The first window's calls go at once; each further full window costs 120 s.
  return Math.ceil(calls / callsPerWindow - 1) * ZOHO_WINDOW_MS;
}

/** A step's work for the estimate: records a real run would create, and (upsert) update. */
export interface StepWork {
  name: string;
  entity: EntityKind;
  /** Records to create (rows already in the crosswalk are skipped by a real run: not counted). */
  creates: number;
  /** Records an upsert would PATCH (one call each on the entity's update endpoint). */
  updates?: number;
  /** Create calls when known better than `createCalls` (users: one bulk call per project per batch). */
  calls?: number | undefined;
}

/**
 * Calls per endpoint and the budget-bound duration. `perStep` has one entry per step for its creates
 * (also when 0) and a second one on the update endpoint when the step has updates.
 */
export function estimateRun(plan: Plan, steps: readonly StepWork[], options: PipelineOptions, nowMs: number): { estimate: Estimate; perStep: StepCallEstimate[] } {
  const callsPerWindow = Math.max(1, Math.floor(ZOHO_CALLS_PER_WINDOW * (1 - options.headroom)));
  const perStep: StepCallEstimate[] = [];
  for (const s of steps) {
    perStep.push({ step: s.name, entity: s.entity, endpoint: ENTITIES[s.entity].createEndpoint, calls: s.calls ?? createCalls(s.entity, s.creates, options.batchSize) });
    const updateEndpoint = ENTITIES[s.entity].updateEndpoint;
    if ((s.updates ?? 0) > 0 && updateEndpoint) perStep.push({ step: s.name, entity: s.entity, endpoint: updateEndpoint, calls: s.updates! });
  }
  const callsByEndpoint: Record<string, number> = {};
  for (const p of perStep) callsByEndpoint[p.endpoint] = (callsByEndpoint[p.endpoint] ?? 0) + p.calls;
  let durationMs = 0;
  for (const stage of plan.stages) {
    const byEp = new Map<string, number>();
    for (const name of stage.steps) {
      for (const p of perStep) if (p.step === name) byEp.set(p.endpoint, (byEp.get(p.endpoint) ?? 0) + p.calls);
    }
    durationMs += Math.max(0, ...[...byEp.values()].map((c) => budgetDurationMs(c, callsPerWindow)));
  }
  const estimate: Estimate = { callsByEndpoint, totalCalls: perStep.reduce((a, p) => a + p.calls, 0), callsPerWindow, durationMs };
  if (options.window) {
    const w = parseWindow(`${options.window.start}-${options.window.end}`, options.window.tz, { code: 'PIPELINE_INVALID' });
    const e = w.estimate(nowMs, durationMs);
    estimate.windowsNeeded = e.windows;
    estimate.window = `${w.spec} ${w.tz}`;
    estimate.finishAt = new Date(e.finishMs).toISOString();
  } else {
    estimate.finishAt = new Date(nowMs + durationMs).toISOString();
  }
  return { estimate, perStep };
}
