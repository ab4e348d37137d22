/**
 * `runPipeline`: the library entry point behind `zpetl run` and `zpetl resume`.
 *
 *   const result = await runPipeline('pipelines/migrate.yaml', { window: { spec: '22:00-06:00', tz: 'Europe/Berlin' }, onEvent });
 *   process.exitCode = result.exitCode;
 *
 * It never throws for what happens during a run: every ending is a RunResult with an exit code
 * (0 clean, 1 fatal, 2 invalid pipeline/config, 3 rejects or reject limit, 4 outside the window,
 * 130 interrupted) and a message saying what to do next. Events (the same the CLI renders) go to
 * `onEvent`. The checkpoint database defaults to `.zpetl/<pipeline>.db` beside the current directory.
 */
import { join, resolve } from 'node:path';
import { systemClock, type Clock } from '../../core/clock.js';
import { toZpetlError } from '../../core/errors.js';
import { errorDetailOf } from '../../core/pipeline-event.js';
import { isInvalidCode } from '../exit-codes.js';
import type { BudgetStore } from '../../core/budget-store.js';
import type { ZohoClient } from '../../zoho/types.js';
import type { EventListener, PipelineEvent } from '../events.js';
import { buildRunPlan } from './run-build-plan.js';
import { writeRunReport } from './run-report.js';
import { executeRun } from './run-engine.js';
import { EXIT, emptyFigures, type RunResult } from '../run-result.js';
import { checkpointPath, loadPipeline, type LoadedPipeline } from '../file/load-pipeline.js';
import { checkpointOwnerOf } from '../checkpoint-owner.js';
import { pipelineClientFactory } from '../pipeline-client.js';
import type { CheckpointOwner } from '../../checkpoint/owner.js';
import { prepareOutFolder } from '../out-folder.js';
import { parseWindow, pipelineWindow } from '../window.js';
import { isLoadStep } from '../file/schema.js';
import { checkExportSteps, hasExportSteps, runExportPipeline, runExportsAfterLoad, type RunResultWithExports } from '../export/timesheet-export.js';

export type { RunResultWithExports, ExportStepOutcome } from '../export/timesheet-export.js';

export interface RunPipelineOptions {
  /** Checkpoint database (default `.zpetl/<pipeline name>.db` under `cwd`; a relative one is under `cwd` too). */
  db?: string;
  /**
   * Take over a checkpoint that belongs to another pipeline name or file (`--adopt-checkpoint`: this
   * pipeline renamed or its file moved): its owner and runs become this pipeline's, with a warning
   * event. Never one of another portal (src/checkpoint/owner.ts).
   */
  adoptCheckpoint?: boolean;
  /** Require an unfinished run to continue (`zpetl resume`). A plain run continues one anyway. */
  resume?: boolean;
  /** Resume even though a source file changed since the run began (read again from the start). */
  allowChangedSource?: boolean;
  /** Off-peak window, overriding the pipeline file's `options.window`. */
  window?: { spec: string; tz: string };
  /** Outside the window: sleep until it opens instead of exiting 4. */
  wait?: boolean;
  /** Stops the run gracefully (the CLI maps SIGINT/SIGTERM here): exit 130, resumable. */
  signal?: AbortSignal;
  onEvent?: EventListener;
  /** Environment for the Zoho configuration (default process.env, plus `.env` in `cwd`). */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** A ready client (tests, the demo); otherwise one is made from `env`, with its budget in the checkpoint. */
  client?: ZohoClient;
  /** Working directory for the default db path and `.env` (default process.cwd()). */
  cwd?: string;
  /** How the user resumes, in messages (default `zpetl resume <file>`). */
  resumeCommand?: string;
  /** Where report folders go: `<outDir>/<pipeline>-<UTC timestamp>/` (default `out` under `cwd`); false writes none. */
  outDir?: string | false;
  /** The exact report folder instead (report.json, report.html, rejects.csv, crosswalk.csv); wins over `outDir`. */
  reportDir?: string;
}

/**
 * Runs a pipeline for real (see the module comment). Export steps (source zoho-timelogs) run after the
 * load steps, in file order, once the load finished; `exports` says where each CSV is.
 */
export async function runPipeline(pipeline: string | LoadedPipeline, options: RunPipelineOptions = {}): Promise<RunResultWithExports> {
  const clock = options.clock ?? systemClock;
  const cwd = options.cwd ?? process.cwd();
  const name = typeof pipeline === 'string' ? pipeline : pipeline.config.name;
  const fail = (e: unknown, dbPath = ''): RunResult => {
    const error = toZpetlError(e);
    const invalid = isInvalidCode(error.code);
    const t = clock.now();
    options.onEvent?.({ type: 'log', level: 'error', message: error.format(), error: errorDetailOf(error) });
    options.onEvent?.({ type: 'run-end', status: 'failed', exitCode: invalid ? EXIT.invalid : EXIT.fatal, counts: {} });
    return {
      exitCode: invalid ? EXIT.invalid : EXIT.fatal,
      status: 'failed',
      pipeline: name,
      runId: null,
      counts: {},
      message: error.format(),
      error,
      dbPath,
      figures: emptyFigures(t),
    };
  };

  let loaded: LoadedPipeline;
  let plan;
  let window;
  let client: ZohoClient | ((budgetStore: BudgetStore) => ZohoClient);
  let owner: CheckpointOwner;
  try {
    loaded = typeof pipeline === 'string' ? loadPipeline(pipeline, { ...process.env, ...(options.env ?? {}) }) : pipeline;
    // Export steps (source zoho-timelogs) are checked before anything runs, and run after the load steps.
    checkExportSteps(loaded, clock.now());
    if (!loaded.config.steps.some(isLoadStep)) return await runExportPipeline(loaded, { ...options, env: options.env ?? process.env, cwd });
    // Who opens the checkpoint: the same function the dry run, status and rejects ask (checkpoint-owner.ts).
    owner = checkpointOwnerOf(loaded, { env: options.env ?? process.env, cwd, client: options.client });
    plan = buildRunPlan(loaded.config, loaded.baseDir, loaded.file);
    // A --window given to the run overrides the file's (a usage error when bad; the file's is the file's).
    window = options.window ? parseWindow(options.window.spec, options.window.tz, { code: 'USAGE_INVALID' }) : pipelineWindow(loaded.config.options.window);
    // A report folder named by the caller is checked now: one under a file or read-only is exit 2, nothing sent.
    if (options.reportDir || options.outDir) prepareOutFolder(resolve(cwd, options.reportDir || options.outDir || ''));
    // Validated before anything runs: a bad environment exits 2 without touching the checkpoint.
    // Built as the dry run builds it (pipeline-client.ts), so a rehearsal reads what the run will write to.
    client = options.client ?? pipelineClientFactory(loaded, { env: options.env ?? process.env, cwd, owner, clock });
  } catch (e) {
    return fail(e);
  }
  const dbPath = checkpointPath(cwd, options.db, loaded.config.name);
  const exportsAfter = hasExportSteps(loaded);
  let loadEnd: PipelineEvent | undefined;
  const onEvent = exportsAfter && options.onEvent ? (e: PipelineEvent) => (e.type === 'run-end' ? (loadEnd = e) : options.onEvent!(e)) : options.onEvent;
  const result = await executeRun(plan, {
    dbPath,
    clock,
    client,
    owner,
    ...(options.adoptCheckpoint ? { adoptCheckpoint: true } : {}),
    ...(options.resume ? { resume: true } : {}),
    ...(options.allowChangedSource ? { allowChangedSource: true } : {}),
    ...(window ? { window } : {}),
    ...(options.wait ? { wait: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(onEvent ? { onEvent } : {}),
    resumeCommand: options.resumeCommand ?? `zpetl resume ${loaded.file ?? loaded.config.name}`,
    ...(options.outDir === false && !options.reportDir
      ? {}
      : { writeReport: (r: RunResult) => writeRunReport(r, plan, options.reportDir ? { dir: resolve(cwd, options.reportDir) } : { outDir: options.outDir || join(cwd, 'out') }) }),
  });
  if (!exportsAfter) return result;
  return runExportsAfterLoad(loaded, result, loadEnd, { env: options.env ?? process.env, cwd, clock, ...(options.adoptCheckpoint ? { adoptCheckpoint: true } : {}), ...(options.client ? { client: options.client } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
}
