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
 * Stopping (AbortSignal, from SIGINT/SIGTERM in the CLI): no new batch starts, requests in flight
 * finish and are recorded, the run is left resumable and the result says how to resume (exit 130).
 * A fatal error stops every step the same way and leaves the run resumable too (exit 1).
 */
import type { Clock } from '../core/clock.js';
import { ZpetlError, toZpetlError } from '../core/errors.js';
import { openCheckpointDb, type CheckpointDb } from '../checkpoint/db.js';
import type { CheckpointOwner } from '../checkpoint/owner.js';
import { createSqliteBudgetStore } from '../checkpoint/budget-store.js';
import { createCheckpointStore, type CheckpointStore, type StepRow } from '../checkpoint/store.js';
import { DEFAULT_CLOCK_SKEW_MS, DEFAULT_IN_DOUBT_SETTLE_MS, type ReconcileCounts, type ReconcileTiming } from '../load/reconcile.js';
import { createStepLoader, type StepLoader } from '../load/step-loader.js';
import type { BudgetStore, ClientEvent, EndpointStats, ZohoClient } from '../zoho/types.js';
import { EXIT_FATAL, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_OUTSIDE_WINDOW, EXIT_REJECTS, exitCodeForError } from './exit-codes.js';
import { emptyCounts, type EventListener, type PipelineEvent, type StepCounts } from './events.js';
import { createLatencyTracker, createRunGate, type RunGate } from './run-gate.js';
import { createCallsFor, createEndpointOf, stepBatchSize, type PlannedStep, type RejectLimits, type RunPlan } from './run-plan.js';
import { resumePoint, sha256OfFile, type ResumePoint } from './run-source.js';
import { etaMs } from './run-eta.js';
import type { RunReportFiles } from './run-report.js';
import { runStep, type StepOutcome } from './run-step.js';
import type { OffPeakWindow } from './window.js';

export type RunStatusOut = 'ok' | 'rejects' | 'interrupted' | 'failed' | 'outside-window';

/** The exit codes of exit-codes.ts, by outcome. */
export const EXIT = { ok: EXIT_OK, fatal: EXIT_FATAL, invalid: EXIT_INVALID, rejects: EXIT_REJECTS, outsideWindow: EXIT_OUTSIDE_WINDOW, interrupted: EXIT_INTERRUPTED } as const;

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
  /** Passes of reconcile + re-send at the end of a step for records this run left in doubt (default 3). */
  settlePasses?: number;
  /**
   * Late commits: Zoho may commit a create after the client gave up on it. A create whose send went
   * into doubt less than this long ago, in clock ms (a restart does not start it over), and not found
   * in Zoho yet stays in-doubt instead of being re-sent; the end of the step waits for it and looks
   * again. Keep it at or above the client's timeout (real ms, times the clock's scale) plus Zoho's own
   * processing time. Default 60 000 (twice the client's default 30 s timeout).
   */
  inDoubtSettleMs?: number;
  /**
   * Allowance for our clock and Zoho's disagreeing, ms (default 300 000): reconciliation never binds a
   * record to an entity Zoho says was created more than this before the record was sent.
   */
  clockSkewMs?: number;
  /** Waits for late commits at the end of one step, at most (default 10). */
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

/** Figures for the report beyond the per-step counts. */
export interface RunFigures {
  /** Client counters per endpoint template: calls, 429s (rateLimited), retries, errors. */
  endpoints: Record<string, EndpointStats>;
  retries: number;
  /** Records found sent / in doubt and resolved against Zoho (found = existed, notFound = re-sent). */
  reconciled: { found: number; notFound: number; unresolved: number };
  /** Openings of the off-peak window in which batches ran (instants, ms). */
  windowsUsed: number[];
  /** Crosswalk entries per step at the end: where the created ids are. */
  crosswalk: Record<string, number>;
  startedMs: number;
  finishedMs: number;
}

export interface RunResult {
  exitCode: number;
  status: RunStatusOut;
  pipeline: string;
  runId: number | null;
  /** Per step, this run's figures from the checkpoint (read = created + updated + skipped + rejected + inDoubt). */
  counts: Record<string, StepCounts>;
  /** One line for humans: what happened and what to do next. */
  message: string;
  error?: ZpetlError;
  /** Outside the window: when it opens next. */
  nextOpeningMs?: number;
  figures: RunFigures;
  /** The checkpoint database used. */
  dbPath: string;
  /** The report folder, when one was written. */
  reportDir?: string;
  /** Its files (absolute paths): report.json, report.html, rejects.csv, crosswalk.csv. */
  reportFiles?: Omit<RunReportFiles, 'dir'>;
}

interface StepRun {
  step: PlannedStep;
  point: ResumePoint;
  row: StepRow;
}

class Stop extends Error {
  constructor(readonly reason: 'interrupted' | 'outside-window' | 'reject-limit', readonly error?: ZpetlError) {
    super(reason);
  }
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
  o.onEvent?.({ type: 'run-end', status: result.status, exitCode: result.exitCode, counts: result.counts, ...(result.reportDir ? { reportDir: result.reportDir } : {}) });
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
  const figures: RunFigures = {
    endpoints: {},
    retries: 0,
    reconciled: { found: 0, notFound: 0, unresolved: 0 },
    windowsUsed: [],
    crosswalk: {},
    startedMs,
    finishedMs: startedMs,
  };
  const resumeCmd = o.resumeCommand ?? `zpetl resume ${plan.pipeline}`;
  const base = { pipeline: plan.pipeline, dbPath: o.dbPath, figures };
  const allSteps = plan.groups.flat();

  let cdb: CheckpointDb;
  try {
    const portalId = o.owner?.portalId ?? o.portalId ?? (typeof o.client === 'function' ? undefined : o.client.portalId);
    cdb = openCheckpointDb(o.dbPath, { owner: { ...o.owner, pipeline: plan.pipeline, portalId }, adopt: o.adoptCheckpoint === true, nowMs: o.clock.now() });
  } catch (e) {
    const error = toZpetlError(e);
    emit({ type: 'log', level: 'error', message: error.format() });
    return { ...base, exitCode: exitCodeForError(error), status: 'failed', runId: null, counts: {}, message: error.format(), error };
  }
  if (cdb.notice) emit({ type: 'log', level: 'warn', message: cdb.notice });

  const store = createCheckpointStore(cdb.db, o.clock);
  const ownsClient = typeof o.client === 'function';
  let client: ZohoClient | undefined;
  let runId: number | null = null;
  const internal = new AbortController();
  let graceTimer: AbortController | undefined;
  const onAbort = () => {
    // Whatever reason the caller aborted with, work cut by the stop throws RUN_INTERRUPTED (a stop, not a failure).
    const reason: unknown = o.signal?.reason;
    internal.abort(reason instanceof ZpetlError && reason.code === 'RUN_INTERRUPTED' ? reason : new ZpetlError('RUN_INTERRUPTED', 'interrupted', { cause: reason }));
    graceTimer = new AbortController();
    o.clock.sleep(o.stopGraceMs ?? 15_000, graceTimer.signal).then(
      () => void client?.close().catch(() => {}),
      () => {},
    );
  };
  // A signal aborted before the run began fires no 'abort' event: stop at once instead of loading everything.
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });
  let unsubscribe = () => {};

  const countsOf = (id: number | null): Record<string, StepCounts> => {
    const out: Record<string, StepCounts> = {};
    if (id === null) return out;
    for (const s of allSteps) out[s.name] = fromStored(store, id, s.name);
    return out;
  };

  try {
    // 1. The run: continue an unfinished one, or start a new one.
    const unfinished = store.unfinishedRun(plan.pipeline);
    if (o.resume && !unfinished) {
      const last = store.latestRun(plan.pipeline);
      throw new ZpetlError('RUN_NOTHING_TO_RESUME', last ? `the last run of ${plan.pipeline} (run ${last.id}) already finished (${last.status})` : `no run of ${plan.pipeline} in ${o.dbPath}`, {
        hint: 'Start a run with `zpetl run`; keys already loaded are skipped through the crosswalk.',
      });
    }

    // 2. Sources: hash each one and compare with the run being continued, before any request.
    const runs: StepRun[] = [];
    const hashes = new Map<string, string>();
    for (const step of allSteps) {
      const sha = await sha256OfFile(step.source.path, step.source.display);
      hashes.set(step.name, sha);
      const prev = unfinished ? store.getStep(unfinished.id, step.name) : undefined;
      runs.push({ step, point: resumePoint(step.name, step.source.display, sha, prev, o.allowChangedSource === true), row: prev! });
    }

    // 3. The window, before anything is sent (reconciliation reads count against the budget too).
    if (o.window) {
      const now = o.clock.now();
      if (!o.window.isOpen(now)) {
        const next = o.window.nextOpening(now);
        if (!o.wait) {
          const message = `outside the off-peak window ${o.window.spec} ${o.window.tz}; it opens next at ${o.window.describe(next)}. Run again then, or add --wait.`;
          emit({ type: 'log', level: 'info', message });
          if (unfinished) store.finishRun(unfinished.id, 'outside-window');
          return { ...base, exitCode: EXIT.outsideWindow, status: 'outside-window', runId: unfinished?.id ?? null, counts: countsOf(unfinished?.id ?? null), message, nextOpeningMs: next };
        }
      }
    }

    const run = unfinished ? store.resumeRun(unfinished.id) : store.startRun(plan.pipeline, plan.options ?? {});
    runId = run.id;
    if (unfinished) emit({ type: 'log', level: 'info', message: `continuing run ${run.id} of ${plan.pipeline}` });
    for (const r of runs) {
      r.row = store.startStep(run.id, { name: r.step.name, entity: r.step.entity, mode: r.step.mode, sourcePath: r.step.source.display, sourceSha256: hashes.get(r.step.name)! });
      if (r.point.changed) {
        store.setHighWater(run.id, r.step.name, null);
        emit({ type: 'log', level: 'warn', message: `source ${r.step.source.display} of step ${r.step.name} changed: reading it from the start (keys already loaded are skipped)` });
      }
    }

    client = typeof o.client === 'function' ? o.client(createSqliteBudgetStore(cdb.db, () => o.clock.now())) : o.client;
    const latency = createLatencyTracker();
    const stepsByEndpoint = new Map<string, string[]>();
    for (const s of allSteps) {
      const ep = createEndpointOf(s.entity);
      stepsByEndpoint.set(ep, [...(stepsByEndpoint.get(ep) ?? []), s.name]);
    }
    const active = new Set<string>();
    unsubscribe = client.on((ce: ClientEvent) => {
      if (ce.type === 'request') latency.observe(ce.durationMs);
      if (ce.type === 'retry') figures.retries++;
      if (ce.type === 'rate-limited') {
        for (const name of stepsByEndpoint.get(ce.endpoint) ?? []) {
          if (active.has(name)) emit({ type: 'step-state', step: name, state: { kind: 'rate-limited', endpoint: ce.endpoint, untilMs: ce.untilMs } });
        }
      }
      if (ce.type !== 'request') emit({ type: 'client', event: ce });
    });

    // Totals for the progress bars and the ETA: records per source, by a streamed pre-pass (steps
    // already done need none). A count that fails only costs the bar its total.
    const totals = new Map<string, number>();
    await Promise.all(
      allSteps.map(async (s) => {
        if (s.total !== undefined) totals.set(s.name, s.total);
        else if (s.count && store.getStep(run.id, s.name)?.status !== 'done') {
          const n = await s.count(internal.signal).catch(() => undefined);
          if (n !== undefined) totals.set(s.name, n);
        }
      }),
    );

    emit({
      type: 'run-start',
      pipeline: plan.pipeline,
      runId: run.id,
      dryRun: false,
      steps: allSteps.map((s) => ({ name: s.name, entity: s.entity, ...(totals.has(s.name) ? { total: totals.get(s.name)! } : {}) })),
    });

    // Before the first batch nothing is active yet: the wait concerns every step still to run.
    const waitingSteps = () => (active.size > 0 ? [...active] : allSteps.filter((s) => store.getStep(run.id, s.name)?.status !== 'done').map((s) => s.name));
    const gate: RunGate = createRunGate({
      ...(o.window ? { window: o.window } : {}),
      wait: o.wait === true,
      clock: o.clock,
      signal: internal.signal,
      client,
      latency,
      concurrency: 4,
      onWaiting: (untilMs) => {
        for (const name of waitingSteps()) emit({ type: 'step-state', step: name, state: { kind: 'waiting-window', untilMs } });
        if (o.window) emit({ type: 'log', level: 'info', message: `waiting for the off-peak window: opens at ${o.window.describe(untilMs)}` });
      },
      onResumed: () => {
        for (const name of waitingSteps()) emit({ type: 'step-state', step: name, state: { kind: 'running' } });
      },
    });

    // Outside the window with --wait: sleep before the first request.
    if (o.window && o.wait && !o.window.isOpen(o.clock.now())) {
      const g = await gate.check({ endpoint: createEndpointOf(allSteps[0]?.entity ?? 'task'), calls: 0 });
      if (!g.go) throw new Stop(g.reason);
    }

    const limits = createLimitCheck(plan.rejectLimits, () => {
      let read = 0;
      let rejected = 0;
      for (const s of allSteps) {
        const c = fromStored(store, run.id, s.name);
        read += c.read;
        rejected += c.rejected;
      }
      return { read, rejected };
    });

    let stop: Stop | undefined;
    let fatal: ZpetlError | undefined;
    for (const group of plan.groups) {
      const todo = group.filter((s) => store.getStep(run.id, s.name)?.status !== 'done');
      const results = await Promise.allSettled(
        todo.map((step) =>
          runOneStep({
            step,
            run: runs.find((r) => r.step.name === step.name)!,
            store,
            client: client!,
            runId: run.id,
            gate,
            emit,
            active,
            signal: internal.signal,
            limits,
            figures,
            settlePasses: o.settlePasses ?? 3,
            settleWaits: o.settleWaits ?? 10,
            timing: { clock: o.clock, settleMs: o.inDoubtSettleMs ?? DEFAULT_IN_DOUBT_SETTLE_MS, skewMs: o.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS },
            total: totals.get(step.name),
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
          internal.abort(fatal);
        }
      }
      // The other steps of the group stopped too (shared signal); no later group starts.
      if (stop || fatal) break;
      if (!internal.signal.aborted && group.length > 0) {
        const over = limits.check();
        if (over) {
          stop = new Stop('reject-limit', over);
          break;
        }
      }
    }
    if (!stop && !fatal && o.signal?.aborted) stop = new Stop('interrupted');

    const counts = countsOf(run.id);
    finishFigures(figures, client, store, allSteps, gate, o.clock);
    if (fatal) {
      // Left resumable: the next `run` or `resume` continues from the checkpoint.
      store.finishRun(run.id, 'interrupted');
      const message = `${fatal.format()}. The checkpoint is saved; fix the cause and run \`${resumeCmd}\` to continue.`;
      emit({ type: 'log', level: 'error', message: fatal.format() });
      return end({ ...base, exitCode: EXIT.fatal, status: 'failed', runId: run.id, counts, message, error: fatal });
    }
    if (stop?.reason === 'interrupted') {
      store.finishRun(run.id, 'interrupted');
      const message = `interrupted: requests in flight finished and were checkpointed. Run \`${resumeCmd}\` to continue.`;
      return end({ ...base, exitCode: EXIT.interrupted, status: 'interrupted', runId: run.id, counts, message });
    }
    if (stop?.reason === 'outside-window') {
      store.finishRun(run.id, 'outside-window');
      // Stopped while draining (still open) or after the close: the next opening either way.
      const w = o.window!;
      const now = o.clock.now();
      const next = w.isOpen(now) ? w.nextSpan(now).openMs : w.nextOpening(now);
      const message = `the off-peak window ${w.spec} ${w.tz} is closing: no batch could finish before ${w.describe(w.closesAt(now) ?? now)}. The run is checkpointed and continues when run again; next opening: ${w.describe(next)}.`;
      return end({ ...base, exitCode: EXIT.outsideWindow, status: 'outside-window', runId: run.id, counts, message, nextOpeningMs: next });
    }
    const rejected = Object.values(counts).reduce((n, c) => n + c.rejected, 0);
    const inDoubt = Object.values(counts).reduce((n, c) => n + c.inDoubt, 0);
    if (stop?.reason === 'reject-limit') {
      store.finishRun(run.id, 'rejects');
      const message = `${stop.error?.format() ?? 'reject limit reached'}. See the rejects; fix the source and run again (keys already loaded are skipped).`;
      return end({ ...base, exitCode: EXIT.rejects, status: 'rejects', runId: run.id, counts, message, ...(stop.error ? { error: stop.error } : {}) });
    }
    if (inDoubt > 0) {
      // Could not be settled against Zoho in this run: never counted as loaded, resolved by the next run.
      store.finishRun(run.id, 'interrupted');
      const message = `${inDoubt} record(s) are still in doubt (Zoho did not answer and could not be checked). Run \`${resumeCmd}\` to reconcile them.`;
      return end({ ...base, exitCode: EXIT.fatal, status: 'failed', runId: run.id, counts, message });
    }
    store.finishRun(run.id, rejected > 0 ? 'rejects' : 'ok');
    const loaded = Object.values(counts).reduce((n, c) => n + c.created + c.updated, 0);
    const skipped = Object.values(counts).reduce((n, c) => n + c.skipped, 0);
    const message = `done: ${loaded} loaded, ${skipped} skipped, ${rejected} rejected`;
    return end({ ...base, exitCode: rejected > 0 ? EXIT.rejects : EXIT.ok, status: rejected > 0 ? 'rejects' : 'ok', runId: run.id, counts, message });
  } catch (e) {
    const stop = e instanceof Stop ? e : undefined;
    const error = stop ? stop.error : toZpetlError(e);
    if (runId !== null) store.finishRun(runId, stop?.reason === 'outside-window' ? 'outside-window' : 'interrupted');
    if (client) finishFigures(figures, client, store, allSteps, undefined, o.clock);
    const counts = countsOf(runId);
    if (stop?.reason === 'interrupted') {
      return end({ ...base, exitCode: EXIT.interrupted, status: 'interrupted', runId, counts, message: `interrupted before any request. Run \`${resumeCmd}\` to continue.` });
    }
    const code = error && (error.code.startsWith('PIPELINE_') || error.code.startsWith('CONFIG_') || error.code.startsWith('USAGE_')) ? EXIT.invalid : EXIT.fatal;
    emit({ type: 'log', level: 'error', message: error?.format() ?? String(e) });
    return end({ ...base, exitCode: code, status: 'failed', runId, counts, message: error?.format() ?? String(e), ...(error ? { error } : {}) });
  } finally {
    graceTimer?.abort();
    unsubscribe();
    o.signal?.removeEventListener('abort', onAbort);
    if (client && (o.closeClient ?? ownsClient)) await client.close().catch(() => {});
    cdb.close();
  }

  function end(r: RunResult): RunResult {
    r.figures.finishedMs = o.clock.now();
    return r;
  }
}

interface StepDeps {
  step: PlannedStep;
  run: StepRun;
  store: CheckpointStore;
  client: ZohoClient;
  runId: number;
  gate: RunGate;
  emit: (e: PipelineEvent) => void;
  active: Set<string>;
  signal: AbortSignal;
  limits: LimitCheck;
  figures: RunFigures;
  settlePasses: number;
  settleWaits: number;
  timing: ReconcileTiming;
  /** Records in the step's source, when counted (progress total and ETA). */
  total: number | undefined;
  window?: OffPeakWindow;
  clock: Clock;
}

async function runOneStep(d: StepDeps): Promise<void> {
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
  const reconcile = async (): Promise<ReconcileCounts | undefined> => {
    if (store.countPending(step.name, ['sent', 'in-doubt']) === 0) return undefined;
    emit({ type: 'step-state', step: step.name, state: { kind: 'reconciling' } });
    const c = await loader.reconcile();
    addReconciled(c);
    emit({ type: 'step-state', step: step.name, state: { kind: 'running' } });
    return c;
  };
  try {
    // Records an earlier process left without a known outcome are settled before anything is sent.
    await reconcile();
    const outcome: StepOutcome = await runStep({
      name: step.name,
      entity: step.entity,
      batchSize: stepBatchSize(step),
      initialCounts: () => fromStored(store, runId, step.name),
      items: () => step.prepare({ ...(d.run.point.startAt ? { startAt: d.run.point.startAt } : {}), store, client: d.client, runId, signal: d.signal }),
      reject: (item) => store.recordReject(runId, step.name, { error: item.error, data: item.data, stage: 'prepare' }),
      skip: (item) => store.recordFiltered(runId, step.name, item.pos),
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
    // Settle what this run left in doubt, and re-send what proved absent, so later steps find their parents.
    // A record sent too recently to be judged (a late commit may still land) waits, in-doubt, and is
    // looked up again once it matures; waiting does not use up a re-send pass. One wait lasts until every
    // record waiting then can be judged (at most one settle time), and only then is what proved absent
    // re-sent: a pass is one generation of re-sends. Why: records that went in doubt batches
    // apart mature one by one; waiting for the earliest only and re-sending it used a pass per record, and
    // the passes ran out with records this run could still judge (left in doubt, exit 1).
    let waits = 0;
    // Stopped while settling: the step is left interrupted (resumable), never 'running' in a finished run.
    const interrupted = () => {
      store.setStepStatus(runId, step.name, 'interrupted');
      return new Stop('interrupted');
    };
    for (let pass = 0; pass < d.settlePasses; ) {
      const doubtful = store.countPending(step.name, ['sent', 'in-doubt']);
      const planned = store.countPending(step.name, ['planned'], runId);
      if (doubtful === 0 && planned === 0) break;
      if (d.signal.aborted) throw interrupted();
      const rc = await reconcile();
      const toSend = store.countPending(step.name, ['planned'], runId);
      if (rc?.waiting && rc.settledAtMs !== undefined && waits < d.settleWaits) {
        // Proven-absent records stay planned (never sent twice; a stop here leaves them for the resume).
        waits++;
        // Never longer than one settle time: a clock stepped back after the send must not stall the run.
        const waitMs = Math.min(Math.max(0, rc.settledAtMs - d.clock.now()), d.timing.settleMs ?? 0);
        try {
          await d.clock.sleep(waitMs, d.signal);
        } catch {
          throw interrupted();
        }
      } else if (toSend > 0) {
        pass++;
        const g = await d.gate.check({ endpoint, calls: createCallsFor(step, toSend) });
        if (!g.go) throw new Stop(g.reason);
        for (const b of await loader.retryPlanned({ signal: d.signal, batchSize: stepBatchSize(step) })) addReconciled(b.reconciled);
        const c = fromStored(store, runId, step.name);
        const eta = etaFor(step, total, c, d);
        emit({ type: 'step-progress', step: step.name, counts: c, ...(total !== undefined ? { total } : {}), ...(eta !== undefined ? { etaMs: eta } : {}) });
      } else pass++;
    }
    if (d.signal.aborted) {
      store.setStepStatus(runId, step.name, 'interrupted');
      throw new Stop('interrupted');
    }
    const left = store.countPending(step.name, ['sent', 'in-doubt']);
    store.setStepStatus(runId, step.name, left > 0 ? 'interrupted' : 'done');
    const final = fromStored(store, runId, step.name);
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

/** This run's counts for a step, from the checkpoint (exact across resumes). */
function fromStored(store: CheckpointStore, runId: number, step: string): StepCounts {
  const c = store.counts(runId, step);
  return {
    ...emptyCounts(),
    read: c.read,
    valid: c.read - c.rejectedPrepare - c.filtered,
    created: c.created,
    updated: c.updated,
    skipped: c.skipped,
    rejected: c.rejected,
    inDoubt: c.inDoubt,
    ...(c.filtered > 0 ? { filtered: c.filtered } : {}),
  };
}

interface LimitCheck {
  check(): ZpetlError | undefined;
}

function createLimitCheck(limits: RejectLimits, totals: () => { read: number; rejected: number }): LimitCheck {
  const minRows = limits.minRows ?? 100;
  return {
    check() {
      if (limits.count === undefined && limits.ratio === undefined) return undefined;
      const { read, rejected } = totals();
      if (limits.count !== undefined && rejected > limits.count) {
        return new ZpetlError('RUN_REJECT_LIMIT', `${rejected} rows rejected, over the limit of ${limits.count}`, {
          details: { rejected, read, limit: limits.count },
          hint: 'Fix the rows listed in rejects.csv (or raise rejectLimit) and run again; rows already loaded are skipped.',
        });
      }
      if (limits.ratio !== undefined && read >= minRows && rejected / read > limits.ratio) {
        return new ZpetlError('RUN_REJECT_LIMIT', `${rejected} of ${read} rows rejected (${((rejected / read) * 100).toFixed(1)}%), over the limit of ${(limits.ratio * 100).toFixed(1)}%`, {
          details: { rejected, read, ratio: limits.ratio },
          hint: 'Fix the rows listed in rejects.csv (or raise the reject ratio) and run again; rows already loaded are skipped.',
        });
      }
      return undefined;
    },
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

function finishFigures(f: RunFigures, client: ZohoClient, store: CheckpointStore, steps: PlannedStep[], gate: RunGate | undefined, clock: Clock): void {
  f.endpoints = client.stats();
  if (gate) f.windowsUsed = gate.windowsUsed();
  for (const s of steps) f.crosswalk[s.name] = store.crosswalkCount(s.name);
  f.finishedMs = clock.now();
}
