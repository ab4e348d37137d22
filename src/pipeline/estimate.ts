/**
 * API-call and duration estimate at Zoho's budget (src/zoho/rate-limit.ts: the limit per endpoint and
 * window, less the pipeline's headroom); endpoints of one plan stage are spent in parallel, stages one
 * after the other.
 * Duration is budget time only (when the budget is the bottleneck, which it is for any real migration);
 * network latency below the budget is ignored.
 */
import { budgetDurationMs, callsPerWindowAfter } from '../zoho/rate-limit.js';
import { pipelineWindow } from './window.js';
import { createCalls, ENTITIES } from './entities.js';
import type { Plan } from './file/plan.js';
import type { EntityKind } from '../core/entity-kind.js';
import type { Estimate, StepCallEstimate } from '../core/estimate.js';
import type { PipelineOptions } from './file/schema.js';

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
  const callsPerWindow = callsPerWindowAfter(options.headroom);
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
  const w = pipelineWindow(options.window);
  if (w) {
    const e = w.estimate(nowMs, durationMs);
    estimate.windowsNeeded = e.windows;
    estimate.window = `${w.spec} ${w.tz}`;
    estimate.finishAt = new Date(e.finishMs).toISOString();
  } else {
    estimate.finishAt = new Date(nowMs + durationMs).toISOString();
  }
  return { estimate, perStep };
}
