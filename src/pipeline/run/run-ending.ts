/**
 * How a real run ends (the last phase of run-engine.ts): the run's status in the checkpoint, and the
 * RunResult with its exit code and the one line that says what happened and what to do next.
 */
import type { Clock } from '../../core/clock.js';
import { toZpetlError, type ZpetlError } from '../../core/errors.js';
import { errorDetailOf } from '../../core/pipeline-event.js';
import type { CheckpointStore } from '../../checkpoint/store.js';
import type { ZohoClient } from '../../zoho/types.js';
import type { StepCounts } from '../../core/step-counts.js';
import type { PipelineEvent } from '../events.js';
import type { RunGate } from './run-gate.js';
import type { PlannedStep } from './run-plan.js';
import { EXIT, type RunFigures, type RunResult } from '../run-result.js';
import { Stop } from './run-stop.js';
import { isInvalidCode } from '../exit-codes.js';
import type { OffPeakWindow } from '../window.js';

/** What every ending needs: the result's fixed part, the resume command for messages, the run's wiring. */
export interface EndingContext {
  base: Pick<RunResult, 'pipeline' | 'dbPath' | 'figures'>;
  resumeCmd: string;
  store: CheckpointStore;
  clock: Clock;
  emit: (e: PipelineEvent) => void;
  window?: OffPeakWindow;
}

/** The figures read at the end: client counters, windows used, crosswalk sizes, the finish instant. */
export function finishFigures(f: RunFigures, client: ZohoClient, store: CheckpointStore, steps: PlannedStep[], gate: RunGate | undefined, clock: Clock): void {
  f.endpoints = client.stats();
  if (gate) f.windowsUsed = gate.windowsUsed();
  for (const s of steps) f.crosswalk[s.name] = store.crosswalkCount(s.name);
  f.finishedMs = clock.now();
}

/** The end of a run whose groups ran (to the end, or until a stop or a fatal error): finishes the run. */
export function endedRunResult(c: EndingContext, runId: number, counts: Record<string, StepCounts>, stop: Stop | undefined, fatal: ZpetlError | undefined): RunResult {
  const { base, store, resumeCmd } = c;
  if (fatal) {
    // Left resumable: the next `run` or `resume` continues from the checkpoint.
    store.finishRun(runId, 'interrupted');
    const message = `${fatal.format()}. The checkpoint is saved; fix the cause and run \`${resumeCmd}\` to continue.`;
    c.emit({ type: 'log', level: 'error', message: fatal.format(), error: errorDetailOf(fatal) });
    return { ...base, exitCode: EXIT.fatal, status: 'failed', runId, counts, message, error: fatal };
  }
  if (stop?.reason === 'interrupted') {
    store.finishRun(runId, 'interrupted');
    const message = `interrupted: requests in flight finished and were checkpointed. Run \`${resumeCmd}\` to continue.`;
    return { ...base, exitCode: EXIT.interrupted, status: 'interrupted', runId, counts, message };
  }
  if (stop?.reason === 'outside-window') {
    store.finishRun(runId, 'outside-window');
    // Stopped while draining (still open) or after the close: the next opening either way.
    const w = c.window!;
    const now = c.clock.now();
    const next = w.isOpen(now) ? w.nextSpan(now).openMs : w.nextOpening(now);
    const message = `the off-peak window ${w.spec} ${w.tz} is closing: no batch could finish before ${w.describe(w.closesAt(now) ?? now)}. The run is checkpointed and continues when run again; next opening: ${w.describe(next)}.`;
    return { ...base, exitCode: EXIT.outsideWindow, status: 'outside-window', runId, counts, message, nextOpeningMs: next };
  }
  const rejected = Object.values(counts).reduce((n, x) => n + x.rejected, 0);
  const inDoubt = Object.values(counts).reduce((n, x) => n + x.inDoubt, 0);
  if (stop?.reason === 'reject-limit') {
    store.finishRun(runId, 'rejects');
    const message = `${stop.error?.format() ?? 'reject limit reached'}. See the rejects; fix the source and run again (keys already loaded are skipped).`;
    return { ...base, exitCode: EXIT.rejects, status: 'rejects', runId, counts, message, ...(stop.error ? { error: stop.error } : {}) };
  }
  if (inDoubt > 0) {
    // Could not be settled against Zoho in this run: never counted as loaded, resolved by the next run.
    store.finishRun(runId, 'interrupted');
    const message = `${inDoubt} record(s) are still in doubt (Zoho did not answer and could not be checked). Run \`${resumeCmd}\` to reconcile them.`;
    return { ...base, exitCode: EXIT.fatal, status: 'failed', runId, counts, message };
  }
  store.finishRun(runId, rejected > 0 ? 'rejects' : 'ok');
  const loaded = Object.values(counts).reduce((n, x) => n + x.created + x.updated, 0);
  const skipped = Object.values(counts).reduce((n, x) => n + x.skipped, 0);
  const message = `done: ${loaded} loaded, ${skipped} skipped, ${rejected} rejected`;
  return { ...base, exitCode: rejected > 0 ? EXIT.rejects : EXIT.ok, status: rejected > 0 ? 'rejects' : 'ok', runId, counts, message };
}

/**
 * The end of a run cut short before or between its groups (a throw: a stop before any request, an
 * invalid pipeline, a fatal error): leaves the run resumable. `finish` reads the figures when a client
 * was made; `countsOf` gives the run's counts once the run is finished.
 */
export function cutRunResult(c: EndingContext, e: unknown, runId: number | null, finish: (() => void) | undefined, countsOf: (id: number | null) => Record<string, StepCounts>): RunResult {
  const { base, store, resumeCmd } = c;
  const stop = e instanceof Stop ? e : undefined;
  const error = stop ? stop.error : toZpetlError(e);
  if (runId !== null) store.finishRun(runId, stop?.reason === 'outside-window' ? 'outside-window' : 'interrupted');
  finish?.();
  const counts = countsOf(runId);
  if (stop?.reason === 'interrupted') {
    return { ...base, exitCode: EXIT.interrupted, status: 'interrupted', runId, counts, message: `interrupted before any request. Run \`${resumeCmd}\` to continue.` };
  }
  const code = error && isInvalidCode(error.code) ? EXIT.invalid : EXIT.fatal;
  c.emit({ type: 'log', level: 'error', message: error?.format() ?? String(e), ...(error ? { error: errorDetailOf(error) } : {}) });
  return { ...base, exitCode: code, status: 'failed', runId, counts, message: error?.format() ?? String(e), ...(error ? { error } : {}) };
}
