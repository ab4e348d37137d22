/**
 * One step of a real run, wired: reconcile what an earlier process left in doubt, stream the source
 * in batches through the gate into the step loader (run-step.ts), then settle and re-send what this
 * run left in doubt (src/load/exactly-once/settle-step.ts). The protocol lives in the load layer; this
 * file gives it the run's clock, stop signal, rate gate, events and figures.
 */
import type { Clock } from '../../core/clock.js';
import { toZpetlError } from '../../core/errors.js';
import type { CheckpointStore } from '../../checkpoint/store.js';
import type { ReconcileTiming } from '../../load/exactly-once/reconcile.js';
import { reconcileDoubtful, settleStep, type ReconcileHooks } from '../../load/exactly-once/settle-step.js';
import { createStepLoader, type StepLoader } from '../../load/exactly-once/step-loader.js';
import type { ZohoClient } from '../../zoho/types.js';
import type { StepCounts } from '../../core/step-counts.js';
import type { SourceWarning } from '../../core/pipeline-event.js';
import { sourceWarningRow } from '../prepare/source-warnings.js';
import type { PipelineEvent } from '../events.js';
import type { StepRun } from './run-begin.js';
import { storedStepCounts, type LimitCheck } from './run-counts.js';
import { etaMs } from './run-eta.js';
import type { RunGate } from './run-gate.js';
import { createCallsFor, createEndpointOf, stepBatchSize, type PlannedStep } from './run-plan.js';
import type { RunFigures } from '../run-result.js';
import { runStep, type StepOutcome } from './run-step.js';
import { Stop } from './run-stop.js';
import type { OffPeakWindow } from '../window.js';

/** What one step of a run needs from the run. */
export interface StepDeps {
  step: PlannedStep;
  run: StepRun;
  store: CheckpointStore;
  client: ZohoClient;
  runId: number;
  gate: RunGate;
  emit: (e: PipelineEvent) => void;
  /** Names of the steps running now (rate-limit and window events go to them). */
  active: Set<string>;
  signal: AbortSignal;
  limits: LimitCheck;
  figures: RunFigures;
  /** Default: settleStep's (load/exactly-once/settle-step.ts). */
  settlePasses: number | undefined;
  settleWaits: number | undefined;
  timing: ReconcileTiming;
  /** Records in the step's source, when counted (progress total and ETA). */
  total: number | undefined;
  window?: OffPeakWindow;
  clock: Clock;
}

/** Runs one step to its end. Throws Stop for a stop (interrupted, window, reject limit), else the fatal error. */
export async function runOneStep(d: StepDeps): Promise<void> {
  const { step, store, runId, emit } = d;
  const endpoint = createEndpointOf(step.entity);
  d.active.add(step.name);
  const total = d.total;
  emit({ type: 'step-start', step: step.name, entity: step.entity, ...(total !== undefined ? { total } : {}) });
  const loader: StepLoader = createStepLoader({
    api: d.client,
    store,
    runId,
    step: { name: step.name, entity: step.entity, mode: step.mode, ...step.loader },
    timing: d.timing,
  });
  const addReconciled = (c: { found: number; notFound: number; unresolved: number }) => {
    d.figures.reconciled.found += c.found;
    d.figures.reconciled.notFound += c.notFound;
    d.figures.reconciled.unresolved += c.unresolved;
  };
  const hooks: ReconcileHooks = {
    onReconciling: () => emit({ type: 'step-state', step: step.name, state: { kind: 'reconciling' } }),
    onReconciled: (c) => {
      addReconciled(c);
      emit({ type: 'step-state', step: step.name, state: { kind: 'running' } });
    },
  };
  try {
    // Records an earlier process left without a known outcome are settled before anything is sent.
    await reconcileDoubtful(loader, store, step.name, hooks);
    const outcome: StepOutcome = await runStep({
      name: step.name,
      entity: step.entity,
      batchSize: stepBatchSize(step),
      initialCounts: () => storedStepCounts(store, runId, step.name),
      items: () => step.prepare({ ...(d.run.point.startAt ? { startAt: d.run.point.startAt } : {}), store, client: d.client, runId, signal: d.signal, onSourceWarning: sourceWarningRecorder(d) }),
      reject: (item) => store.recordReject(runId, step.name, { error: item.error, data: item.data, stage: 'prepare' }),
      skip: (item) => store.recordSkip(runId, step.name, item.pos, item.reason),
      warn: (item) => store.recordWarnings(runId, step.name, { warnings: item.warnings ?? [], ...(item.kind === 'valid' ? { key: item.key } : {}), data: item.data }) > 0,
      load: async (items, hw) => {
        const out = await loader.load(items, { ...(hw !== undefined ? { highWater: hw } : {}), signal: d.signal });
        addReconciled(out.reconciled);
        return { delta: out.delta, results: out.results, unsent: out.unsent };
      },
      cost: (items) => ({ endpoint, calls: createCallsFor(step, items.length) }),
      gate: (cost) => d.gate.check(cost),
      overLimit: () => d.limits.check(),
      ...(total !== undefined ? { total } : {}),
      etaMs: (c) => etaFor(step, total, c, d),
      emit,
    });
    if (outcome.stopped) {
      store.setStepStatus(runId, step.name, 'interrupted');
      throw new Stop(outcome.stopped, outcome.error);
    }
    const left = await settleStep({
      loader,
      store,
      step: step.name,
      runId,
      clock: d.clock,
      signal: d.signal,
      passes: d.settlePasses,
      waits: d.settleWaits,
      settleMs: d.timing.settleMs ?? 0,
      batchSize: stepBatchSize(step),
      hooks,
      beforeResend: async (toSend) => {
        const g = await d.gate.check({ endpoint, calls: createCallsFor(step, toSend) });
        if (!g.go) throw new Stop(g.reason);
      },
      afterResend: (outcomes) => {
        for (const b of outcomes) addReconciled(b.reconciled);
        const c = storedStepCounts(store, runId, step.name);
        const eta = etaFor(step, total, c, d);
        emit({ type: 'step-progress', step: step.name, counts: c, ...(total !== undefined ? { total } : {}), ...(eta !== undefined ? { etaMs: eta } : {}) });
      },
      // Stopped while settling: the step is left interrupted (resumable), never 'running' in a finished run.
      interrupted: () => {
        store.setStepStatus(runId, step.name, 'interrupted');
        return new Stop('interrupted');
      },
    });
    store.setStepStatus(runId, step.name, left > 0 ? 'interrupted' : 'done');
    const final = storedStepCounts(store, runId, step.name);
    emit({ type: 'step-end', step: step.name, counts: final });
    if (outcome.error) throw new Stop('reject-limit', outcome.error);
  } catch (e) {
    if (!(e instanceof Stop)) {
      store.setStepStatus(runId, step.name, 'interrupted');
      const err = toZpetlError(e);
      emit({ type: 'step-state', step: step.name, state: { kind: 'failed', message: err.format() } });
    }
    throw e;
  } finally {
    d.active.delete(step.name);
  }
}

/**
 * A read's source warnings into the checkpoint (its own transaction each, as a row's warnings), each
 * recorded once per run (prepare/source-warnings.ts sourceWarningRow): a resumed run re-reading the
 * header records nothing twice, and tells only what is new as a `source-warning` event.
 */
function sourceWarningRecorder(d: Pick<StepDeps, 'store' | 'runId' | 'step' | 'emit'>): (w: SourceWarning) => void {
  const seen = new Map<string, number>();
  return (w) => {
    const id = `${w.code}|${w.field ?? ''}`;
    const ordinal = seen.get(id) ?? 0;
    seen.set(id, ordinal + 1);
    if (d.store.recordSourceWarning(d.runId, d.step.name, sourceWarningRow(w, d.step.source.display, ordinal))) d.emit({ type: 'source-warning', step: d.step.name, warning: w });
  };
}

/** ETA of the rest of a step from the rate budget (run-eta.ts); undefined without a total. */
function etaFor(step: PlannedStep, total: number | undefined, c: StepCounts, d: Pick<StepDeps, 'client' | 'gate' | 'window' | 'clock'>): number | undefined {
  if (total === undefined) return undefined;
  const remaining = Math.max(0, total - c.read);
  const endpoint = createEndpointOf(step.entity);
  const calls = createCallsFor(step, remaining);
  return etaMs({
    remainingCalls: calls,
    budget: d.client.budgetFor(endpoint),
    waitMs: d.client.estimateWaitMs(endpoint, 1),
    latencyBoundMs: d.gate.estimateMs({ endpoint, calls }),
    ...(d.window ? { window: d.window } : {}),
    nowMs: d.clock.now(),
  });
}
