/**
 * The run engine: executes a RunPlan against Zoho with a checkpoint database, exactly once.
 *
 *   open the checkpoint (single-process lock) → find an unfinished run to continue, or start one →
 *   check every source against the run's hashes (SOURCE_CHANGED) → wait for / check the window →
 *   for each group of steps (concurrently within a group):
 *     reconcile records left sent / in doubt → stream from the high-water mark in batches
 *     (gate → StepLoader.load) → reconcile what this run left in doubt and re-send what proved absent
 *   → finish the run with a status and an exit code.
 *
 * Each phase is a function: the start in run-begin.ts, the client's events in run-client-events.ts,
 * one step in run-one-step.ts (its settle loop is the load layer's, src/load/exactly-once/settle-step.ts),
 * the ending in run-ending.ts. The protocol itself: src/load/exactly-once/README.md.
 *
 * Stopping (AbortSignal, from SIGINT/SIGTERM in the CLI): no new batch starts, requests in flight
 * finish and are recorded, the run is left resumable and the result says how to resume (exit 130).
 * A fatal error stops every step the same way and leaves the run resumable too (exit 1).
 */
import type { Clock } from '../../core/clock.js';
import { ZpetlError, toZpetlError } from '../../core/errors.js';
import { errorDetailOf } from '../../core/pipeline-event.js';
import { headersError } from '../prepare/header-check.js';
import { openCheckpointDb, type CheckpointDb } from '../../checkpoint/db.js';
import type { CheckpointOwner } from '../../checkpoint/owner.js';
import { createSqliteBudgetStore } from '../../checkpoint/budget-store.js';
import { createCheckpointStore, type CheckpointStore } from '../../checkpoint/store.js';
import { DEFAULT_CLOCK_SKEW_MS, DEFAULT_IN_DOUBT_SETTLE_MS } from '../../load/exactly-once/reconcile.js';
import type { BudgetStore } from '../../core/budget-store.js';
import type { ZohoClient } from '../../zoho/types.js';
import { exitCodeForError } from '../exit-codes.js';
import type { StepCounts } from '../../core/step-counts.js';
import type { EventListener, PipelineEvent } from '../events.js';
import { checkSources, closedWindow, findUnfinishedRun, startSteps, type StepRun } from './run-begin.js';
import { forwardClientEvents } from './run-client-events.js';
import { createLimitCheck, storedStepCounts } from './run-counts.js';
import { cutRunResult, endedRunResult, finishFigures, type EndingContext } from './run-ending.js';
import { createLatencyTracker, createRunGate, type LatencyTracker, type RunGate } from './run-gate.js';
import { runOneStep, type StepDeps } from './run-one-step.js';
import { createEndpointOf, type PlannedStep, type RunPlan } from './run-plan.js';
import { EXIT, emptyFigures, type RunFigures, type RunReportFiles, type RunResult } from '../run-result.js';
import { Stop, createStopControl, type StopControl } from './run-stop.js';
import type { OffPeakWindow } from '../window.js';

/** The result types (run-result.ts), exported here too: the engine's callers read them with executeRun. */

export interface RunEngineOptions {
  /** Checkpoint database path (`:memory:` for tests). */
  dbPath: string;
  clock: Clock;
  /** The client, or a factory given the budget store kept in the checkpoint database. */
  client: ZohoClient | ((budgetStore: BudgetStore) => ZohoClient);
  /**
   * The portal the run loads into, part of the checkpoint's owner (src/checkpoint/owner.ts); default:
   * the ready client's portalId (a factory's is known only once the checkpoint is open).
   */
  portalId?: string;
  /** Who opens the checkpoint (src/pipeline/checkpoint-owner.ts); default: the plan's pipeline on `portalId`. */
  owner?: CheckpointOwner;
  /** Take over a checkpoint of another pipeline name or file (RunPipelineOptions.adoptCheckpoint). */
  adoptCheckpoint?: boolean;
  /** Close the client at the end (default: true when the engine created it). */
  closeClient?: boolean;
  /** Require an unfinished run to continue (`zpetl resume`); without it an unfinished run is continued anyway. */
  resume?: boolean;
  allowChangedSource?: boolean;
  window?: OffPeakWindow;
  /** Outside the window: sleep until it opens instead of exiting 4. */
  wait?: boolean;
  signal?: AbortSignal;
  onEvent?: EventListener;
  /** How the user resumes, for messages (default `zpetl resume <pipeline>`). */
  resumeCommand?: string;
  /** Passes of reconcile + re-send at the end of a step for records this run left in doubt (default DEFAULT_SETTLE_PASSES, load/exactly-once/settle-step.ts). */
  settlePasses?: number;
  /**
   * Late commits: Zoho may commit a create after the client gave up on it. A create whose send went
   * into doubt less than this long ago, in clock ms (a restart does not start it over), and not found
   * in Zoho yet stays in-doubt instead of being re-sent; the end of the step waits for it and looks
   * again. Keep it at or above the client's timeout (real ms, times the clock's scale) plus Zoho's own
   * processing time. Default DEFAULT_IN_DOUBT_SETTLE_MS (load/exactly-once/reconcile.ts: twice the client's default timeout).
   */
  inDoubtSettleMs?: number;
  /**
   * Allowance for our clock and Zoho's disagreeing, ms (default DEFAULT_CLOCK_SKEW_MS, load/exactly-once/reconcile.ts): reconciliation never binds a
   * record to an entity Zoho says was created more than this before the record was sent.
   */
  clockSkewMs?: number;
  /** Waits for late commits at the end of one step, at most (default DEFAULT_SETTLE_WAITS, load/exactly-once/settle-step.ts). */
  settleWaits?: number;
  /**
   * After a stop request, how long requests still waiting for budget (an endpoint locked for 10
   * minutes) may wait before the client is closed, in clock ms (default 15 000). Requests already on
   * the wire always finish; a create cut while waiting comes back in doubt and is reconciled later.
   */
  stopGraceMs?: number;
  /** Writes the report folder once the run has ended (checkpoint closed); returns its files. */
  writeReport?: (result: RunResult) => Promise<RunReportFiles | undefined>;
}

/** Executes `plan`. Never throws for run outcomes: every ending is a RunResult (errors in `error`). */
export async function executeRun(plan: RunPlan, o: RunEngineOptions): Promise<RunResult> {
  const result = await execute(plan, o);
  if (o.writeReport && result.runId !== null) {
    try {
      const files = await o.writeReport(result);
      if (files !== undefined) {
        const { dir, ...rest } = files;
        result.reportDir = dir;
        result.reportFiles = rest;
      }
    } catch (e) {
      o.onEvent?.({ type: 'log', level: 'warn', message: `could not write the run report: ${toZpetlError(e).message}` });
    }
  }
  o.onEvent?.({
    type: 'run-end',
    status: result.status,
    exitCode: result.exitCode,
    counts: result.counts,
    ...(result.reportDir ? { reportDir: result.reportDir } : {}),
    ...(result.warningsByCode ? { warningsByCode: result.warningsByCode } : {}),
  });
  return result;
}

async function execute(plan: RunPlan, o: RunEngineOptions): Promise<RunResult> {
  const emit = (e: PipelineEvent) => {
    try {
      o.onEvent?.(e);
    } catch {
      /* a listener's failure must not break the run */
    }
  };
  const startedMs = o.clock.now();
  const figures: RunFigures = emptyFigures(startedMs);
  const resumeCmd = o.resumeCommand ?? `zpetl resume ${plan.pipeline}`;
  const base = { pipeline: plan.pipeline, dbPath: o.dbPath, figures };
  const allSteps = plan.groups.flat();

  let cdb: CheckpointDb;
  try {
    const portalId = o.owner?.portalId ?? o.portalId ?? (typeof o.client === 'function' ? undefined : o.client.portalId);
    cdb = openCheckpointDb(o.dbPath, { owner: { ...o.owner, pipeline: plan.pipeline, portalId }, adopt: o.adoptCheckpoint === true, nowMs: o.clock.now() });
  } catch (e) {
    const error = toZpetlError(e);
    emit({ type: 'log', level: 'error', message: error.format(), error: errorDetailOf(error) });
    return { ...base, exitCode: exitCodeForError(error), status: 'failed', runId: null, counts: {}, message: error.format(), error };
  }
  if (cdb.notice) emit({ type: 'log', level: 'warn', message: cdb.notice });

  const store = createCheckpointStore(cdb.db, o.clock);
  const ownsClient = typeof o.client === 'function';
  let client: ZohoClient | undefined;
  let runId: number | null = null;
  const stopper = createStopControl(o, () => void client?.close().catch(() => {}));
  let unsubscribe = () => {};
  const ending: EndingContext = { base, resumeCmd, store, clock: o.clock, emit, ...(o.window ? { window: o.window } : {}) };
  const countsOf = (id: number | null): Record<string, StepCounts> => {
    const out: Record<string, StepCounts> = {};
    if (id === null) return out;
    for (const s of allSteps) out[s.name] = storedStepCounts(store, id, s.name);
    return out;
  };
  const end = (r: RunResult): RunResult => {
    r.figures.finishedMs = o.clock.now();
    const byCode = r.runId === null ? {} : store.warningsByCode(r.runId);
    if (Object.keys(byCode).length > 0) r.warningsByCode = byCode;
    return r;
  };

  try {
    // 1. The run: continue an unfinished one, or start a new one.
    const unfinished = findUnfinishedRun(store, plan.pipeline, o);
    // 2. Sources: hash each one and compare with the run being continued, before any request.
    const sources = await checkSources(store, allSteps, unfinished, o.allowChangedSource === true);
    // 3. The window, before anything is sent.
    const closed = closedWindow(o.window, o.wait, o.clock);
    if (closed) {
      emit({ type: 'log', level: 'info', message: closed.message });
      if (unfinished) store.finishRun(unfinished.id, 'outside-window');
      return { ...base, exitCode: EXIT.outsideWindow, status: 'outside-window', runId: unfinished?.id ?? null, counts: countsOf(unfinished?.id ?? null), message: closed.message, nextOpeningMs: closed.next };
    }
    // 4. The run and its steps in the checkpoint.
    const run = unfinished ? store.resumeRun(unfinished.id) : store.startRun(plan.pipeline, plan.options ?? {});
    runId = run.id;
    if (unfinished) emit({ type: 'log', level: 'info', message: `continuing run ${run.id} of ${plan.pipeline}` });
    startSteps(store, run.id, sources, emit);
    // 4b. Every step's source header, before anything is sent: all the problems in one error (the run fails, reported).
    await checkHeaders(allSteps.filter((s) => store.getStep(run.id, s.name)?.status !== 'done'));

    // 5. The client, its events, the totals, the gate.
    client = typeof o.client === 'function' ? o.client(createSqliteBudgetStore(cdb.db, () => o.clock.now())) : o.client;
    const latency = createLatencyTracker();
    const active = new Set<string>();
    unsubscribe = forwardClientEvents(client, allSteps, active, latency, figures, emit);
    const totals = await countTotals(allSteps, store, run.id, stopper.signal);
    emit({
      type: 'run-start',
      pipeline: plan.pipeline,
      runId: run.id,
      dryRun: false,
      steps: allSteps.map((s) => ({ name: s.name, entity: s.entity, ...(totals.has(s.name) ? { total: totals.get(s.name)! } : {}) })),
    });
    const gate = createEngineGate(o, { client, latency, signal: stopper.signal, emit }, () =>
      active.size > 0 ? [...active] : allSteps.filter((s) => store.getStep(run.id, s.name)?.status !== 'done').map((s) => s.name),
    );
    // Outside the window with --wait: sleep before the first request.
    if (o.window && o.wait && !o.window.isOpen(o.clock.now())) {
      const g = await gate.check({ endpoint: createEndpointOf(allSteps[0]?.entity ?? 'task'), calls: 0 });
      if (!g.go) throw new Stop(g.reason);
    }
    const limits = createLimitCheck(plan.rejectLimits, () => {
      let read = 0;
      let rejected = 0;
      for (const s of allSteps) {
        const c = storedStepCounts(store, run.id, s.name);
        read += c.read;
        rejected += c.rejected;
      }
      return { read, rejected };
    });

    // 6. The groups of steps, in order, each group's steps concurrently.
    const { stop, fatal } = await runGroups(plan, o, { store, client, runId: run.id, gate, emit, active, limits, figures, stopper, runs: sources.runs, totals });

    // 7. The ending.
    const counts = countsOf(run.id);
    finishFigures(figures, client, store, allSteps, gate, o.clock);
    return end(endedRunResult(ending, run.id, counts, stop, fatal));
  } catch (e) {
    const c = client;
    return end(cutRunResult(ending, e, runId, c ? () => finishFigures(figures, c, store, allSteps, undefined, o.clock) : undefined, countsOf));
  } finally {
    stopper.dispose();
    unsubscribe();
    if (client && (o.closeClient ?? ownsClient)) await client.close().catch(() => {});
    cdb.close();
  }
}

/** Throws one error naming every step whose source header the step cannot read (prepare/header-check.ts). */
async function checkHeaders(steps: PlannedStep[]): Promise<void> {
  const error = await headersError(steps.map((s) => ({ step: s.name, problem: async () => s.headerProblem?.() })));
  if (error) throw error;
}

/**
 * Totals for the progress bars and the ETA: records per source, by a streamed pre-pass (steps already
 * done need none). A count that fails only costs the bar its total.
 */
async function countTotals(steps: PlannedStep[], store: CheckpointStore, runId: number, signal: AbortSignal): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  await Promise.all(
    steps.map(async (s) => {
      if (s.total !== undefined) totals.set(s.name, s.total);
      else if (s.count && store.getStep(runId, s.name)?.status !== 'done') {
        const n = await s.count(signal).catch(() => undefined);
        if (n !== undefined) totals.set(s.name, n);
      }
    }),
  );
  return totals;
}

/** The run's gate (run-gate.ts): window and budget, its waits told to `waitingSteps()` (before the first batch: every step still to run). */
function createEngineGate(
  o: Pick<RunEngineOptions, 'window' | 'wait' | 'clock'>,
  w: { client: ZohoClient; latency: LatencyTracker; signal: AbortSignal; emit: (e: PipelineEvent) => void },
  waitingSteps: () => string[],
): RunGate {
  return createRunGate({
    ...(o.window ? { window: o.window } : {}),
    wait: o.wait === true,
    clock: o.clock,
    signal: w.signal,
    client: w.client,
    latency: w.latency,
    concurrency: 4,
    onWaiting: (untilMs) => {
      for (const name of waitingSteps()) w.emit({ type: 'step-state', step: name, state: { kind: 'waiting-window', untilMs } });
      if (o.window) w.emit({ type: 'log', level: 'info', message: `waiting for the off-peak window: opens at ${o.window.describe(untilMs)}` });
    },
    onResumed: () => {
      for (const name of waitingSteps()) w.emit({ type: 'step-state', step: name, state: { kind: 'running' } });
    },
  });
}

/** What the groups need: what every step is given (StepDeps) that the run holds once, and the stop control. */
interface GroupsDeps extends Pick<StepDeps, 'store' | 'client' | 'runId' | 'gate' | 'emit' | 'active' | 'limits' | 'figures'> {
  stopper: StopControl;
  runs: StepRun[];
  totals: Map<string, number>;
}

/**
 * Runs the plan's groups in order, the steps of a group concurrently (steps already done are skipped).
 * A stop or a fatal error in one step stops the others (shared signal) and no later group starts; the
 * reject limit is checked between groups.
 */
async function runGroups(plan: RunPlan, o: RunEngineOptions, g: GroupsDeps): Promise<{ stop?: Stop; fatal?: ZpetlError }> {
  let stop: Stop | undefined;
  let fatal: ZpetlError | undefined;
  for (const group of plan.groups) {
    const todo = group.filter((s) => g.store.getStep(g.runId, s.name)?.status !== 'done');
    const results = await Promise.allSettled(
      todo.map((step) =>
        runOneStep({
          step,
          run: g.runs.find((r) => r.step.name === step.name)!,
          store: g.store,
          client: g.client,
          runId: g.runId,
          gate: g.gate,
          emit: g.emit,
          active: g.active,
          signal: g.stopper.signal,
          limits: g.limits,
          figures: g.figures,
          settlePasses: o.settlePasses,
          settleWaits: o.settleWaits,
          timing: { clock: o.clock, settleMs: o.inDoubtSettleMs ?? DEFAULT_IN_DOUBT_SETTLE_MS, skewMs: o.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS },
          total: g.totals.get(step.name),
          ...(o.window ? { window: o.window } : {}),
          clock: o.clock,
        }),
      ),
    );
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      const e = r.reason;
      if (e instanceof Stop) stop ??= e;
      else if (o.signal?.aborted && (toZpetlError(e).code === 'RUN_INTERRUPTED' || e === o.signal.reason || (e instanceof Error && e.name === 'AbortError'))) {
        // The client was closed after the stop grace: requests waiting for budget were cut, not failed.
        stop ??= new Stop('interrupted');
      } else {
        fatal ??= toZpetlError(e);
        g.stopper.abort(fatal);
      }
    }
    // The other steps of the group stopped too (shared signal); no later group starts.
    if (stop || fatal) break;
    if (!g.stopper.signal.aborted && group.length > 0) {
      const over = g.limits.check();
      if (over) {
        stop = new Stop('reject-limit', over);
        break;
      }
    }
  }
  if (!stop && !fatal && o.signal?.aborted) stop = new Stop('interrupted');
  return { ...(stop ? { stop } : {}), ...(fatal ? { fatal } : {}) };
}
