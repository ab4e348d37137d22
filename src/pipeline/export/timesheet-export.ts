/**
 * The payroll export wired to the environment: configuration from env/.env, a Zoho client whose rate
 * budget persists in the checkpoint database, the `payroll:` section and export step of a pipeline file
 * (when given) merged under explicit options, then `exportTimesheets`. `zpetl export timesheets`,
 * `zpetl run` (a pipeline whose steps are exports) and `zpetl demo` call this; library users with their
 * own client call `exportTimesheets` directly.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { openCheckpointDb } from '../../checkpoint/db.js';
import { PAYROLL_CHECKPOINT_OWNER } from '../../checkpoint/owner.js';
import { createSqliteBudgetStore } from '../../checkpoint/budget-store.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { toZpetlError, ZpetlError } from '../../core/errors.js';
import type { HoursFormat } from '../../core/parse/duration.js';
import { loadConfig } from '../../config/index.js';
import type { ExportResult, ExportTimesheetsOptions, TimesheetSource } from '../../payroll/run-payroll-export.js';
import type { PayrollConfig } from '../../payroll/config-schema.js';
import { resolveLayout } from '../../payroll/layouts.js';
import { resolvePeriod } from '../../payroll/period.js';
import { createZohoClient } from '../../zoho/client.js';
import type { ZohoClient } from '../../zoho/types.js';
import type { StepCounts } from '../../core/step-counts.js';
import type { EventListener, PipelineEvent } from '../events.js';
import { EXIT_FATAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_REJECTS, exitCodeForError } from '../exit-codes.js';
import { checkpointPath, loadPipeline, type LoadedPipeline } from '../file/load-pipeline.js';
import { checkpointOwnerOf } from '../checkpoint-owner.js';
import { emptyFigures, type RunResult } from '../run-result.js';
import { isLoadStep, type ExportStepConfig } from '../file/schema.js';
import { exportTimesheets } from './timesheet-file.js';

export interface TimesheetExportOptions {
  /** The period; default: the pipeline's export step's `period`. */
  period?: string;
  /** The CSV to write (relative to `cwd`); default: the export step's `out` (relative to the pipeline file). */
  out?: string;
  /** Default: the export step's `layout`, else `detail`. */
  layout?: string;
  /** Default: the export step's `adjustments`, else false. */
  adjustments?: boolean;
  /**
   * A pipeline file (relative to `cwd`): its `payroll:` section (pay-period rules, layouts, filters,
   * employee mapping, rounding, overtime, time zone) and its export step's period, layout, out and
   * adjustments, each overridden by the explicit options here.
   */
  pipeline?: string | LoadedPipeline;
  /** The export step to take defaults from, by name (default: the pipeline's only zoho-timelogs step). */
  step?: string;
  /** The `payroll:` section of an already loaded pipeline file, and that file's path (relative paths in it resolve against its folder). */
  payroll?: PayrollConfig;
  pipelineFile?: string;
  /**
   * A Zoho timesheet export file (relative to `cwd`) as the source instead of the API, read by the same
   * extractor as the dry-run pipelines. No Zoho credentials are needed then.
   */
  sourceFile?: { path: string; dateFormat: string; hoursFormat: HoursFormat };
  /** Overrides of the payroll section. */
  tz?: string;
  employeesCsv?: string;
  projects?: string[];
  approval?: ('Approved' | 'Unapproved' | 'Rejected')[];
  billable?: 'billable' | 'non-billable' | 'all';
  /** Checkpoint database (period snapshots, rate budget). Default `.zpetl/<pipeline name or "payroll">.db` in `cwd`. */
  db?: string;
  pipelineName?: string;
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  /** Read `.env` in `cwd` (default true). The demo passes false so a real portal's .env never mixes in. */
  dotenv?: boolean;
  cwd: string;
  signal?: AbortSignal;
  onEvent?: EventListener;
  clock?: Clock;
  /** A ready client (tests, the demo); otherwise one is made from `env`, with its budget in the checkpoint. */
  client?: ZohoClient;
  /** Take over a checkpoint of another pipeline name or file (RunPipelineOptions.adoptCheckpoint). */
  adoptCheckpoint?: boolean;
}

const exportSteps = (loaded: LoadedPipeline) => loaded.config.steps.filter((s): s is ExportStepConfig => !isLoadStep(s));

/** The export step a pipeline's defaults come from: the named one, else the only zoho-timelogs step. */
function exportStepOf(loaded: LoadedPipeline, name: string | undefined): ExportStepConfig | undefined {
  const steps = exportSteps(loaded);
  if (name !== undefined) {
    const step = steps.find((s) => s.name === name);
    if (!step) {
      throw new ZpetlError('USAGE_INVALID', `${loaded.file} has no export step named "${name}"`, {
        field: 'step',
        hint: steps.length ? `Its export steps: ${steps.map((s) => s.name).join(', ')}.` : 'It has no step with source.type zoho-timelogs.',
      });
    }
    return step;
  }
  if (steps.length > 1) {
    throw new ZpetlError('USAGE_INVALID', `${loaded.file} has ${steps.length} export steps (${steps.map((s) => s.name).join(', ')}): say which one`, { field: 'step' });
  }
  return steps[0];
}

/** Runs one payroll export against the Zoho portal the environment names, or against a timesheet export file. */
export async function runTimesheetExport(o: TimesheetExportOptions): Promise<ExportResult> {
  const clock = o.clock ?? systemClock;
  const loaded = typeof o.pipeline === 'string' ? loadPipeline(resolve(o.cwd, o.pipeline), o.env as NodeJS.ProcessEnv) : o.pipeline;
  const step = loaded ? exportStepOf(loaded, o.step) : undefined;
  const p = o.payroll ?? loaded?.config.payroll;
  const pipelineFile = o.pipelineFile ?? loaded?.file;
  const baseDir = pipelineFile ? dirname(resolve(o.cwd, pipelineFile)) : o.cwd;
  const fromBase = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const period = o.period ?? step?.source.period;
  const noStep = loaded && !step ? ` (${loaded.file} has no export step, source.type zoho-timelogs, to take it from)` : '';
  if (period === undefined) {
    throw new ZpetlError('USAGE_INVALID', `which pay period to export is missing${noStep}`, {
      field: 'period',
      hint: 'Pass --period (e.g. yesterday, last-week, 2026-11-01..2026-11-15 or a rule name), or --pipeline with a file whose export step has source.period.',
    });
  }
  const out = o.out !== undefined ? resolve(o.cwd, o.out) : step ? fromBase(step.source.out) : undefined;
  if (out === undefined) {
    throw new ZpetlError('USAGE_INVALID', `where to write the CSV is missing${noStep}`, { field: 'out', hint: 'Pass --out FILE, or --pipeline with a file whose export step has source.out.' });
  }
  const tz = o.tz ?? p?.timeZone;
  if (tz === undefined) {
    throw new ZpetlError('USAGE_INVALID', 'the portal time zone is needed to know which day a log belongs to', {
      field: 'tz',
      hint: 'Pass --tz Europe/Berlin (the zone under Zoho Projects → Settings → Portal), or set payroll.timeZone in the pipeline file given with --pipeline.',
    });
  }
  const employees = o.employeesCsv ? { csv: resolve(o.cwd, o.employeesCsv) } : p?.employees && 'csv' in p.employees ? { csv: fromBase(p.employees.csv) } : p?.employees;
  // The pipeline's own checkpoint, or the one path-less exports share, which belongs to one portal too:
  // snapshots of another portal's period would make wrong adjustments (src/checkpoint/owner.ts).
  const name = o.pipelineName ?? loaded?.config.name ?? PAYROLL_CHECKPOINT_OWNER;
  const dbPath = checkpointPath(o.cwd, o.db, name);
  // A file source needs no Zoho configuration: it is neither read nor checked, nor asked for a portal.
  const config = o.sourceFile || o.client ? undefined : loadConfig(o.env, { cwd: o.cwd, dotenv: o.dotenv ?? true });
  const owner = checkpointOwnerOf(loaded, { name, cwd: o.cwd, client: o.client, ...(o.sourceFile ? { env: {}, dotenv: false } : { env: o.env, dotenv: o.dotenv }) });
  const cdb = openCheckpointDb(dbPath, { owner, adopt: o.adoptCheckpoint === true, nowMs: clock.now() });
  if (cdb.notice) o.onEvent?.({ type: 'log', level: 'warn', message: cdb.notice });
  const client = o.client ?? (config ? createZohoClient({ ...config, ...(loaded?.portal ? { portalId: loaded.portal } : {}) }, { clock, budgetStore: createSqliteBudgetStore(cdb.db, () => clock.now()) }) : undefined);
  const onAbort = () => void client?.close();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const source: TimesheetSource = o.sourceFile ? { type: 'file', ...o.sourceFile, baseDir: o.cwd } : { type: 'api', client: client! };
    const options: ExportTimesheetsOptions = {
      period,
      nowMs: clock.now(),
      tz,
      weekStart: p?.weekStart,
      periods: p?.periods,
      scope: o.projects ? { projects: o.projects } : p?.scope,
      filters: {
        ...(p?.filters ?? {}),
        ...(o.approval ? { approval: o.approval } : {}),
        ...(o.billable ? { billable: o.billable } : {}),
      },
      source,
      employees,
      unmappedUsers: p?.unmappedUsers,
      rounding: p?.rounding,
      overtime: p?.overtime,
      layout: o.layout ?? step?.source.layout ?? 'detail',
      layouts: p?.layouts,
      out,
      adjustments: o.adjustments ?? step?.source.adjustments ?? false,
      db: cdb,
      onEvent: o.onEvent,
    };
    try {
      return await exportTimesheets(options);
    } catch (e) {
      // A stop (SIGINT/SIGTERM) closes the client, so the read fails: say so (exit 130), not "client closed".
      if (!o.signal?.aborted) throw e;
      throw new ZpetlError('RUN_INTERRUPTED', 'the export was interrupted before its file was written', {
        cause: e,
        hint: 'Nothing was written and no snapshot recorded: run the same command again.',
      });
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (!o.client) await client?.close();
    cdb.close();
  }
}

export interface ExportPipelineOptions {
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  cwd: string;
  db?: string;
  clock?: Clock;
  client?: ZohoClient;
  signal?: AbortSignal;
  onEvent?: EventListener;
  adoptCheckpoint?: boolean;
}

/** What one export step of a pipeline run wrote. */
export interface ExportStepOutcome {
  step: string;
  /** The CSV written (absolute path). */
  outPath: string;
  rows: number;
  period: { start: string; end: string };
  /** 0, or 3 when logs were held back or users have no employee id (the file is complete for the rest). */
  exitCode: 0 | 3;
  snapshotId: number;
}

/** A RunResult of a pipeline with export steps: where each step's CSV is. */
export type RunResultWithExports = RunResult & { exports?: ExportStepOutcome[] };

/** True when the pipeline has at least one export step (source zoho-timelogs). */
export function hasExportSteps(loaded: LoadedPipeline): boolean {
  return exportSteps(loaded).length > 0;
}

/**
 * Checks the export steps before anything runs, so a long migration does not end in a configuration
 * error: the time zone is set and known, each period expression resolves and each layout exists.
 * Throws PIPELINE_INVALID naming the step.
 */
export function checkExportSteps(loaded: LoadedPipeline, nowMs: number): void {
  const p = loaded.config.payroll;
  for (const step of exportSteps(loaded)) {
    const at = (field: string, message: string, hint?: string) =>
      new ZpetlError('PIPELINE_INVALID', `${loaded.file}: step "${step.name}": ${message}`, { field, ...(hint ? { hint } : {}) });
    if (p?.timeZone === undefined) throw at('payroll.timeZone', 'an export step needs payroll.timeZone, the portal time zone', 'Add payroll: { timeZone: Europe/Berlin } (the zone in Zoho → Settings → Portal).');
    try {
      resolvePeriod(step.source.period, { nowMs, tz: p.timeZone, weekStart: p.weekStart ?? 1, rules: p.periods ?? {} });
      resolveLayout(step.source.layout, p.layouts);
    } catch (e) {
      throw at('source', toZpetlError(e).message);
    }
  }
}

interface ExportStepsResult {
  exitCode: number;
  error?: ZpetlError;
  counts: Record<string, StepCounts>;
  exports: ExportStepOutcome[];
}

/** Runs every export step of `loaded` in file order; stops at the first that fails. Emits no run-end. */
async function runExportSteps(loaded: LoadedPipeline, o: ExportPipelineOptions): Promise<ExportStepsResult> {
  const counts: Record<string, StepCounts> = {};
  const exports: ExportStepOutcome[] = [];
  let exitCode = EXIT_OK;
  let error: ZpetlError | undefined;
  for (const step of exportSteps(loaded)) {
    try {
      const r = await runTimesheetExport({
        pipeline: loaded,
        step: step.name,
        env: o.env,
        cwd: o.cwd,
        ...(o.db ? { db: o.db } : {}),
        ...(o.clock ? { clock: o.clock } : {}),
        ...(o.client ? { client: o.client } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.adoptCheckpoint ? { adoptCheckpoint: true } : {}),
        onEvent: (e) => {
          // exportTimesheets ends every export it returns with step-end: the step's counts
          if (e.type === 'step-end') counts[step.name] = e.counts;
          o.onEvent?.(e.type === 'step-start' || e.type === 'step-progress' || e.type === 'step-end' || e.type === 'reject' ? { ...e, step: step.name } : e);
        },
      });
      if (r.exitCode === EXIT_REJECTS) exitCode = EXIT_REJECTS;
      exports.push({ step: step.name, outPath: r.outPath, rows: r.rows, period: { start: r.period.start, end: r.period.end }, exitCode: r.exitCode, snapshotId: r.snapshotId });
      const problems = r.exitCode === EXIT_REJECTS ? ` (${r.rejected.length} log(s) held back, ${r.unmappedUsers.length} user(s) without an employee id)` : '';
      o.onEvent?.({ type: 'log', level: r.exitCode === EXIT_REJECTS ? 'warn' : 'info', message: `${step.name}: wrote ${r.rows} row(s) of ${r.period.start}..${r.period.end} to ${r.outPath}${problems}` });
    } catch (e) {
      error = toZpetlError(e);
      exitCode = exitCodeForError(error);
      if (exitCode === EXIT_FATAL && o.signal?.aborted) exitCode = EXIT_INTERRUPTED;
      o.onEvent?.({ type: 'log', level: 'error', message: `${step.name}: ${error.format()}` });
      break;
    }
  }
  return { exitCode, ...(error ? { error } : {}), counts, exports };
}

const HELD_BACK = 'some logs were held back or users have no employee id: run `zpetl export timesheets --pipeline FILE --json` for the list, fix, and re-export with adjustments';
/** Where each step's CSV is, and, when some were held back, what to do about it. */
const exportsLine = (x: ExportStepsResult) =>
  x.exports.map((e) => `${e.step}: ${e.rows} row(s) of ${e.period.start}..${e.period.end} in ${e.outPath}`).join('; ') + (x.exitCode === EXIT_REJECTS ? ` — ${HELD_BACK}` : '');

/**
 * `zpetl run` of a pipeline whose steps are all exports (source zoho-timelogs): each step runs
 * `runTimesheetExport` with the file's payroll section, in file order, and the run ends with the usual
 * RunResult and exit codes: 0 written (nothing to export included), 3 some logs rejected or users
 * without an employee id (the file is complete for the rest), 2 invalid configuration, 1 failed,
 * 130 interrupted. `exports` says where each CSV is.
 */
export async function runExportPipeline(loaded: LoadedPipeline, o: ExportPipelineOptions): Promise<RunResultWithExports> {
  const clock = o.clock ?? systemClock;
  const startedMs = clock.now();
  const x = await runExportSteps(loaded, o);
  const status = x.exitCode === EXIT_INTERRUPTED ? 'interrupted' : x.error ? 'failed' : x.exitCode === EXIT_REJECTS ? 'rejects' : 'ok';
  o.onEvent?.({ type: 'run-end', status, exitCode: x.exitCode, counts: x.counts });
  return {
    exitCode: x.exitCode,
    status,
    pipeline: loaded.config.name,
    runId: null,
    counts: x.counts,
    message: x.error ? `${loaded.config.name}: ${x.error.format()}` : exportsLine(x),
    ...(x.error ? { error: x.error } : {}),
    figures: emptyFigures(startedMs, clock.now()),
    dbPath: checkpointPath(o.cwd, o.db, loaded.config.name),
    exports: x.exports,
  };
}

/**
 * A pipeline with load steps and export steps: after the load run (`load`, whose run-end event the
 * caller held back as `loadEnd`), the export steps run in file order, so the payroll CSV includes the
 * time logs just loaded. They run only when the load finished (status ok, or rejects without the
 * reject limit stopping it): a stopped or failed load keeps its result and says the exports did not run.
 * One run-end event ends it all, with the load's report folder and the worse of the two exit codes.
 */
export async function runExportsAfterLoad(loaded: LoadedPipeline, load: RunResult, loadEnd: PipelineEvent | undefined, o: ExportPipelineOptions): Promise<RunResultWithExports> {
  const finished = load.status === 'ok' || (load.status === 'rejects' && load.error === undefined);
  const end = (r: RunResultWithExports): RunResultWithExports => {
    o.onEvent?.({ ...(loadEnd?.type === 'run-end' ? loadEnd : { type: 'run-end' as const }), status: r.status, exitCode: r.exitCode, counts: r.counts, ...(r.reportDir ? { reportDir: r.reportDir } : {}) });
    return r;
  };
  if (!finished) {
    const names = exportSteps(loaded).map((s) => s.name).join(', ');
    return end({ ...load, message: `${load.message} — export step(s) ${names} not run: the load did not finish`, exports: [] });
  }
  const x = await runExportSteps(loaded, { ...o, db: load.dbPath });
  const counts = { ...load.counts, ...x.counts };
  const figures = { ...load.figures, finishedMs: (o.clock ?? systemClock).now() };
  if (x.error) {
    const status = x.exitCode === EXIT_INTERRUPTED ? 'interrupted' : 'failed';
    return end({ ...load, exitCode: x.exitCode, status, counts, figures, error: x.error, message: `${load.message} — then the export failed: ${x.error.format()}`, exports: x.exports });
  }
  const exitCode = load.exitCode === EXIT_REJECTS || x.exitCode === EXIT_REJECTS ? EXIT_REJECTS : EXIT_OK;
  const message = `${load.message} — then ${exportsLine(x)}`;
  return end({ ...load, exitCode, status: exitCode === EXIT_REJECTS ? 'rejects' : 'ok', counts, figures, message, exports: x.exports });
}
