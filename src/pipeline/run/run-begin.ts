/**
 * The start of a real run, before any request to Zoho (phases 1 to 4 of run-engine.ts): the run to
 * continue, the sources checked against it, the off-peak window, then the run's steps started in the
 * checkpoint.
 */
import type { Clock } from '../../core/clock.js';
import { ZpetlError } from '../../core/errors.js';
import type { CheckpointStore } from '../../checkpoint/store.js';
import type { RunRow, StepRow } from '../../checkpoint/store-types.js';
import type { PipelineEvent } from '../events.js';
import type { PlannedStep } from './run-plan.js';
import { resumePoint, sha256OfFile, type ResumePoint } from './run-source.js';
import type { OffPeakWindow } from '../window.js';

/** A step of the run with where it resumes and its checkpoint row. */
export interface StepRun {
  step: PlannedStep;
  point: ResumePoint;
  row: StepRow;
}

/** 1. The unfinished run to continue, if any; with `resume` there must be one (RUN_NOTHING_TO_RESUME). */
export function findUnfinishedRun(store: CheckpointStore, pipeline: string, o: { resume?: boolean; dbPath: string }): RunRow | undefined {
  const unfinished = store.unfinishedRun(pipeline);
  if (o.resume && !unfinished) {
    const last = store.latestRun(pipeline);
    throw new ZpetlError('RUN_NOTHING_TO_RESUME', last ? `the last run of ${pipeline} (run ${last.id}) already finished (${last.status})` : `no run of ${pipeline} in ${o.dbPath}`, {
      hint: 'Start a run with `zpetl run`; keys already loaded are skipped through the crosswalk.',
    });
  }
  return unfinished;
}

/** 2. Sources: hash each one and compare with the run being continued (SOURCE_CHANGED), before any request. */
export async function checkSources(
  store: CheckpointStore,
  steps: readonly PlannedStep[],
  unfinished: RunRow | undefined,
  allowChangedSource: boolean,
): Promise<{ runs: StepRun[]; hashes: Map<string, string> }> {
  const runs: StepRun[] = [];
  const hashes = new Map<string, string>();
  for (const step of steps) {
    const sha = await sha256OfFile(step.source.path, step.source.display);
    hashes.set(step.name, sha);
    const prev = unfinished ? store.getStep(unfinished.id, step.name) : undefined;
    runs.push({ step, point: resumePoint(step.name, step.source.display, sha, prev, allowChangedSource), row: prev! });
  }
  return { runs, hashes };
}

/**
 * 3. The window, before anything is sent (reconciliation reads count against the budget too): the
 * message and next opening when it is closed and the run may not wait; undefined to go on.
 */
export function closedWindow(window: OffPeakWindow | undefined, wait: boolean | undefined, clock: Clock): { message: string; next: number } | undefined {
  if (!window) return undefined;
  const now = clock.now();
  if (window.isOpen(now)) return undefined;
  const next = window.nextOpening(now);
  if (wait) return undefined;
  return { message: `outside the off-peak window ${window.spec} ${window.tz}; it opens next at ${window.describe(next)}. Run again then, or add --wait.`, next };
}

/** 4. Each step of the run started (a changed source is re-read from the start). */
export function startSteps(store: CheckpointStore, runId: number, sources: { runs: StepRun[]; hashes: Map<string, string> }, emit: (e: PipelineEvent) => void): void {
  for (const r of sources.runs) {
    r.row = store.startStep(runId, { name: r.step.name, entity: r.step.entity, mode: r.step.mode, sourcePath: r.step.source.display, sourceSha256: sources.hashes.get(r.step.name)! });
    if (r.point.changed) {
      store.setHighWater(runId, r.step.name, null);
      emit({ type: 'log', level: 'warn', message: `source ${r.step.source.display} of step ${r.step.name} changed: reading it from the start (keys already loaded are skipped)` });
    }
  }
}
