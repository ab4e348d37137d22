/**
 * The dry run: every step of the pipeline read, mapped, validated and looked up exactly as a real run
 * would, with no write to Zoho (reads are allowed when an api is given). Writes report.json,
 * report.html, rejects.csv (+ rejects-<step>.csv) and warnings.csv (+ warnings-<step>.csv) into
 * `out/<pipeline>-<UTC timestamp>/`. Skips and warnings are counted by the run's own rule
 * (prepare/item-counts.ts).
 *
 * When the pipeline's checkpoint database exists (a real run loaded some or all of it), it is read,
 * never written. Each valid row counts as the run will count it, by the run's own decisions
 * (dry-decision.ts: keyAction, matchExisting read-only with the checkpoint's claims, the loader's
 * refuseUnmatched and request): wouldSkip (in the crosswalk, or held by Zoho under skip-existing),
 * wouldUpdate (upsert, on the entity's update endpoint; users have none, so theirs are skipped),
 * wouldCreate, or a reject with the run's code (a portal user not in the portal), never registered
 * for later lookups, so what names it is rejected too. Per step valid = wouldCreate + wouldSkip +
 * wouldUpdate; the estimate counts only creates and updates. Offline, rows whose fate depends on
 * Zoho count as creates and are reported `unverified` (StepReport.unverified, and a notice); online,
 * so are rows naming by display name a person an earlier step adds to Zoho (dry-resolver.ts).
 *
 * The api is the real run's client (pipeline-client.ts): built from the environment and `.env` in `cwd`
 * when either names Zoho credentials, so the rehearsal reads the portal the run will write to; an
 * incomplete configuration is the run's own CONFIG_INVALID; with no credentials at all it rehearses
 * offline and says so (`onNotice`).
 */
import { stat } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { ENTITIES } from '../entities.js';
import { openDryCheckpoint, type DryCheckpoint } from '../dry-checkpoint.js';
import type { Clock } from '../../core/clock.js';
import { toZpetlError, ZpetlError } from '../../core/errors.js';
import { errorDetailOf } from '../../core/pipeline-event.js';
import { untilSourceBreak } from '../source-break.js';
import { headersError, stepHeaderProblem } from '../prepare/header-check.js';
import { clip } from '../../core/record.js';
import { sha256File } from '../../extract/file-access.js';
import { createApiLookupResolver } from '../../transform/api-lookup-resolver.js';
import type { LookupResolver } from '../../transform/lookup-types.js';
import type { ZohoApi, ZohoClient } from '../../zoho/types.js';
import { createRejectsWriter, type RejectsWriter } from '../../report/rejects-writer.js';
import { createWarningsCollector, sourceWarningReport, withWarnings, type WarningsCollector } from '../../report/warnings-report.js';
import { addByCode } from '../prepare/source-warnings.js';
import { addOptionalTotals, countSkip, countWarned, warningsOf } from '../prepare/item-counts.js';
import type { RunReport, StepReport } from '../../report/model.js';
import { writeReportJson } from '../../report/write-report-json.js';
import { writeReportHtml } from '../../report/write-report-html.js';
import { emptyCounts, type StepCounts } from '../../core/step-counts.js';
import type { PipelineEvent } from '../events.js';
import { checkpointPath, loadPipeline, type LoadedPipeline } from '../file/load-pipeline.js';
import type { CheckpointOwner } from '../../checkpoint/owner.js';
import { checkpointOwnerOf } from '../checkpoint-owner.js';
import { pipelineClientFactory, zohoCredentialsGiven } from '../pipeline-client.js';
import { prepareOutFolder } from '../out-folder.js';
import { planSteps } from '../file/plan.js';
import { planStep } from '../run/run-build-plan.js';
import { isPortalScope, projectsOfUser } from '../../load/loaders/index.js';
import { createStepPreparer } from '../prepare/prepare.js';
import type { PreparedReject, PreparedSkip, PreparedValid } from '../../core/prepared-item.js';
import { createScratchStore, type ScratchStore } from '../prepare/scratch-store.js';
import { createDryRunResolver, registerDryRecord, unverifiedNames } from './dry-resolver.js';
import { createdIdOf, dryStepDecision, noteCreated, type DryKnowledge } from './dry-decision.js';
import { buildReport, type DryReportInput } from './dry-report.js';
import { isLoadStep, type LoadStepConfig, type PipelineConfig } from '../file/schema.js';

export interface DryRunOptions {
  /** Report folder; default `out/<pipeline>-<UTC timestamp>` under `cwd` (as a real run's), a relative one too. */
  outDir?: string;
  /**
   * Environment for the pipeline file's `${VAR}`s and the Zoho configuration (default process.env;
   * `.env` in `cwd` fills what it leaves unset, as for a real run).
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Read-only lookups against Zoho for names not created by earlier steps. Default: the real run's
   * client (pipeline-client.ts) when the environment or `.env` names credentials, else none (offline).
   */
  api?: ZohoApi;
  /** Paces the client the dry run builds (default real time); timestamps use `now`. */
  clock?: Clock;
  /** Clock for timestamps and the window estimate (ms since epoch). */
  now?: () => number;
  onEvent?: (e: PipelineEvent) => void;
  /**
   * What the user should know that is no event: once the rehearsal starts (the pipeline loaded), when
   * it is offline because no Zoho credentials are configured (OFFLINE_NOTICE); and after each offline
   * step whose counts could not be checked against Zoho (unverifiedNotice). The CLI prints it as `note: …`.
   */
  onNotice?: (notice: string) => void;
  signal?: AbortSignal;
  /** Rejects kept per step as samples in the reports (default 20). */
  samplesPerStep?: number;
  /**
   * The checkpoint database whose crosswalk decides wouldSkip / wouldUpdate (default
   * `.zpetl/<pipeline name>.db` under `cwd`, as a real run). Opened read-only, unlocked; absent → none.
   */
  db?: string;
  /** Working directory for the default `db` and `outDir` paths, relative ones and `.env` (default process.cwd()). */
  cwd?: string;
}

export interface DryRunResult {
  report: RunReport;
  exitCode: number;
  outDir: string;
  /** The fatal error when the dry run failed (`report.error` is its `CODE: message`), with its hint. */
  error?: ZpetlError;
}

/** The claims store for matchExisting without a checkpoint: only the claims of the dry run's own pass count. */
const NO_CLAIMS = { claimedIds: () => new Set<string>(), crosswalkByName: () => [] };

/** Said once an offline rehearsal starts (onNotice). */
export const OFFLINE_NOTICE = 'no Zoho credentials in the environment: an offline rehearsal (names must be created by earlier steps to resolve)';

/** Said (onNotice) after an offline step with rows whose fate depends on what Zoho holds (StepReport.unverified). */
export const unverifiedNotice = (step: string, rows: number, online = false): string =>
  online
    ? `${step}: ${rows} row${rows === 1 ? '' : 's'} unverified, counted as would-create: a display name that may be a person an earlier step adds to Zoho (what Zoho calls a new person is known only once it adds them)`
    : `${step}: ${rows} row${rows === 1 ? '' : 's'} unverified (no read access to Zoho), counted as would-create; the run skips what Zoho already holds and rejects portal users who are not in the portal`;

/** `2026-11-28T13-44-05Z`: sortable, and legal in file names everywhere. */
export const utcStamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');

/** The Zoho reads of a dry run: the caller's api, else the client it builds (and closes), else none. */
interface DryRunApi {
  api: ZohoApi | undefined;
  /** The checkpoint's opener, when building the client needed it (the rehearsal then asks no second time). */
  owner?: CheckpointOwner;
  close(): Promise<void>;
}

/** Builds the real run's client when credentials are configured; throws its CONFIG_* error when they are incomplete. */
function openDryRunApi(loaded: LoadedPipeline, options: DryRunOptions, cwd: string): DryRunApi {
  if (options.api) return { api: options.api, close: async () => {} };
  const env = options.env ?? process.env;
  if (!zohoCredentialsGiven(env, cwd)) return { api: undefined, close: async () => {} };
  const owner = checkpointOwnerOf(loaded, { env, cwd });
  const client: ZohoClient = pipelineClientFactory(loaded, { env, cwd, owner, clock: options.clock })();
  return { api: client, owner, close: () => client.close() };
}

/** What the steps of one dry run share and collect for the report. */
interface DryRunContext extends DryReportInput {
  loaded: LoadedPipeline;
  api: ZohoApi | undefined;
  checkpoint: DryCheckpoint | undefined;
  scratch: ScratchStore;
  rejects: RejectsWriter;
  warnings: WarningsCollector;
  resolver: LookupResolver;
  /** What the predictions learn across steps (dry-decision.ts). */
  known: DryKnowledge;
  samplesPerStep: number;
  signal: AbortSignal | undefined;
  emit: (e: PipelineEvent) => void;
  notice: (notice: string) => void;
}

/**
 * Runs the dry run. Never throws for pipeline or data problems: an invalid pipeline gives exit code 2
 * (PIPELINE_* error in `report.error`, no folder written when the file could not be loaded: then it
 * throws ZpetlError), rejects give 3, a fatal error (missing source…) gives 1 with the reports written.
 * An incomplete Zoho configuration throws the real run's CONFIG_INVALID, before any folder is written.
 */
export async function dryRun(pipeline: string | LoadedPipeline, options: DryRunOptions = {}): Promise<DryRunResult> {
  const loaded = typeof pipeline === 'string' ? loadPipeline(pipeline, options.env) : pipeline;
  const cwd = options.cwd ?? process.cwd();
  const lookups = openDryRunApi(loaded, options, cwd);
  try {
    return await rehearse(loaded, lookups, options, cwd);
  } finally {
    await lookups.close();
  }
}

/** The dry run proper: every step rehearsed in plan order, then the totals, the estimate and the reports. */
async function rehearse(loaded: LoadedPipeline, { api, owner }: DryRunApi, options: DryRunOptions, cwd: string): Promise<DryRunResult> {
  const now = options.now ?? Date.now;
  const emit = options.onEvent ?? (() => {});
  const cfg = loaded.config;
  const started = now();
  const outDir = resolve(cwd, options.outDir ?? join('out', `${loaded.name}-${utcStamp(started)}`));
  prepareOutFolder(outDir);

  const loadSteps = cfg.steps.filter(isLoadStep);
  const plan = planSteps(cfg.steps);
  const byName = new Map(loadSteps.map((s) => [s.name, s]));
  const ordered = plan.order.map((n) => byName.get(n)).filter((s): s is LoadStepConfig => s !== undefined);

  let checkpoint: DryCheckpoint | undefined;
  let error: ZpetlError | undefined;
  try {
    // The real run's path and owner (checkpoint-owner.ts): the portal from the file, the environment or `.env`.
    checkpoint = openDryCheckpoint(checkpointPath(cwd, options.db, cfg.name), owner ?? checkpointOwnerOf(loaded, { env: options.env, cwd }));
  } catch (e) {
    // An unreadable checkpoint is fatal (reports written, exit 1): counting every row as a create would mislead.
    error = toZpetlError(e);
  }
  const scratch = createScratchStore();
  const rejects = await createRejectsWriter(outDir);
  // One cache of Zoho's listings for the lookups and for the ids of users about to be added.
  const zohoResolver = api ? createApiLookupResolver(api) : undefined;
  const ctx: DryRunContext = {
    loaded,
    api,
    checkpoint,
    scratch,
    rejects,
    known: { zoho: zohoResolver, newProjectOwners: new Map() },
    warnings: await createWarningsCollector(outDir, options.samplesPerStep ?? 20),
    resolver: createDryRunResolver(scratch, zohoResolver, checkpoint),
    samplesPerStep: options.samplesPerStep ?? 20,
    signal: options.signal,
    emit,
    notice: options.onNotice ?? (() => {}),
    inputs: [],
    steps: [],
    samples: [],
    rejectsByCode: {},
    sourceWarnings: [],
    userCalls: new Map(),
  };

  if (!api) options.onNotice?.(OFFLINE_NOTICE);
  emit({ type: 'run-start', pipeline: loaded.name, runId: null, dryRun: true, steps: ordered.map((s) => ({ name: s.name, entity: s.entity })) });
  try {
    if (error) throw error;
    // Every step's header first, as the run checks it (prepare/header-check.ts): all the problems in one error.
    const headers = await headersError(ordered.map((s) => ({ step: s.name, problem: () => stepHeaderProblem(s, loaded.baseDir) })));
    if (headers) throw headers;
    for (const step of ordered) await rehearseStep(step, ctx);
  } catch (e) {
    error = toZpetlError(e);
    emit({ type: 'log', level: 'error', message: error.format(), error: errorDetailOf(error) });
  } finally {
    scratch.close();
    checkpoint?.close();
  }
  const files = await rejects.close();

  const report = withWarnings(buildReport(ctx, plan, error, files, started, now()), await ctx.warnings.close());
  await writeReportJson(outDir, report);
  await writeReportHtml(outDir, report);
  // Every warning per code, source and row warnings alike, as the run's run-end counts them (from its checkpoint).
  const warningsByCode: Record<string, number> = { ...report.warningsByCode };
  addByCode(warningsByCode, ctx.sourceWarnings.map((w) => w.code));
  emit({
    type: 'run-end',
    status: report.status,
    exitCode: report.exitCode,
    reportDir: outDir,
    counts: Object.fromEntries(ctx.steps.map((s) => [s.name, s.counts])),
    ...(Object.keys(warningsByCode).length > 0 ? { warningsByCode } : {}),
  });
  return { report, exitCode: report.exitCode, outDir, ...(error ? { error } : {}) };
}

/** One step: read, map, validate and look up every row, and count what the run would do with each. */
async function rehearseStep(step: LoadStepConfig, ctx: DryRunContext): Promise<void> {
  const { loaded, api, checkpoint, scratch, rejects, emit } = ctx;
  const cfg = loaded.config;
  const counts = emptyCounts();
  const byCode: Record<string, number> = {};
  const stepReport: StepReport = { name: step.name, entity: step.entity, mode: step.mode, counts, rejectsByCode: byCode };
  ctx.steps.push(stepReport);
  emit({ type: 'step-start', step: step.name, entity: step.entity });
  const prep = createStepPreparer(step, {
    baseDir: loaded.baseDir,
    resolver: ctx.resolver,
    scratch,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onSourceWarning: (w) => {
      ctx.sourceWarnings.push(sourceWarningReport(step.name, w, step.source.path));
      emit({ type: 'source-warning', step: step.name, warning: w });
    },
  });
  ctx.inputs.push({ step: step.name, source: prep.extractor.source, path: prep.extractor.path, sha256: await sha256File(prep.extractor.path, prep.extractor.source), bytes: (await stat(prep.extractor.path)).size });
  let headerDone = false;
  let stepSamples = 0;
  let wouldCreate = 0;
  let wouldSkip = 0;
  let wouldUpdate = 0;
  // Upsert PATCHes what the crosswalk knows, where the entity has an update endpoint; else it is skipped.
  const updates = ENTITIES[step.entity].updateEndpoint !== undefined;
  // Users are bulk-added per project: one call per project per batch (the map holds one entry per project).
  const usersPerProject = new Map<string, number>();
  // What the run does with each valid row: its own decisions (dry-decision.ts), Zoho read only when an api is given.
  const decide = dryStepDecision({ name: step.name, entity: step.entity, mode: step.mode, ...planStep(step, loaded.baseDir, cfg.options).loader }, api, checkpoint?.claims ?? NO_CLAIMS, ctx.known);
  let unverified = 0;
  // A display name that may be a person an earlier step adds (dry-resolver.ts): known only once Zoho names them.
  const unverifiedName = unverifiedNames(step);
  const countReject = (item: PreparedReject) => {
    counts.rejected++;
    byCode[item.error.code] = (byCode[item.error.code] ?? 0) + 1;
    if (recordReject(step, item, ctx, stepSamples < ctx.samplesPerStep)) stepSamples++;
  };
  // A source that breaks after some rows: those are rehearsed and counted, then the step ends with the error.
  let broke: ZpetlError | undefined;
  for await (const batch of untilSourceBreak(prep.batches(), (e) => (broke = e))) {
    if (!headerDone) {
      const h = prep.extractor.header();
      if (h) for (const w of [rejects, ctx.warnings]) w.columns(step.name, h.names, h.keys);
      headerDone = true;
    }
    // One crosswalk query per batch for its valid keys (none without a checkpoint).
    let inCrosswalk: Map<string, string> | undefined;
    if (checkpoint) {
      const keys: string[] = [];
      for (const item of batch) if (item.kind === 'valid') keys.push(item.key);
      inCrosswalk = checkpoint.crosswalkIds(step.name, keys);
    }
    scratch.begin();
    for (const item of batch) {
      counts.read++;
      if (item.kind !== 'reject') recordWarnings(step, item, counts, ctx);
      if (item.kind === 'skip') {
        countSkip(counts, item.reason);
        continue;
      }
      if (item.kind === 'valid') {
        // Most rows need no I/O: decide and createdIdOf then answer with a value, not a promise (no await per row).
        const decided = decide(item, inCrosswalk?.get(item.key));
        const p = decided instanceof Promise ? await decided : decided;
        if (p.action === 'reject') {
          // Rejected by the run after preparing (a portal user not in the portal): never registered, so
          // later steps looking it up are rejected too, as in the run.
          countReject({ kind: 'reject', error: p.error, pos: item.pos, data: item.data });
          continue;
        }
        counts.valid++;
        if (p.action === 'create') wouldCreate++;
        else if (p.action === 'update' && updates) wouldUpdate++;
        else wouldSkip++;
        if (p.action === 'create' && (p.unverified || unverifiedName(item.values))) unverified++;
        const known = p.action === 'create' ? createdIdOf(step.entity, item, ctx.known) : p.zohoId;
        const zohoId = known instanceof Promise ? await known : known;
        const id = registerDryRecord(scratch, step, item, zohoId);
        if (p.action === 'create') noteCreated(step.entity, id, item, ctx.known);
        if (step.entity === 'user' && p.action === 'create') {
          // One bulk add per project the person is missing from, as the run adds them (else, offline, every one the row names).
          const projects = p.adds ?? projectsOfUser(item.values);
          for (const pr of isPortalScope(step.scope, projects.length > 0) ? [''] : projects) usersPerProject.set(pr, (usersPerProject.get(pr) ?? 0) + 1);
        }
        continue;
      }
      countReject(item);
    }
    scratch.commit();
    emit({ type: 'step-progress', step: step.name, counts: { ...counts } });
  }
  counts.wouldCreate = wouldCreate;
  counts.wouldSkip = wouldSkip;
  if (step.mode === 'upsert') counts.wouldUpdate = wouldUpdate;
  if (unverified > 0) {
    stepReport.unverified = unverified;
    ctx.notice(unverifiedNotice(step.name, unverified, api !== undefined));
  }
  if (step.entity === 'user') ctx.userCalls.set(step.name, [...usersPerProject.values()].reduce((a, n) => a + Math.ceil(n / cfg.options.batchSize), 0));
  if (broke) throw broke;
  emit({ type: 'step-end', step: step.name, counts: { ...counts } });
}

/** A reject into rejects.csv and the run's codes; kept as a sample (and a reject event) when `sample`. Returns `sample`. */
function recordReject(step: LoadStepConfig, item: PreparedReject, ctx: DryRunContext, sample: boolean): boolean {
  ctx.rejectsByCode[item.error.code] = (ctx.rejectsByCode[item.error.code] ?? 0) + 1;
  ctx.rejects.write({ step: step.name, error: item.error, data: item.data });
  if (!sample) return false;
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item.data)) data[k] = clip(v);
  ctx.samples.push({ step: step.name, source: item.pos.source, line: item.pos.line, code: item.error.code, field: item.error.field, message: item.error.message, data });
  ctx.emit({ type: 'reject', step: step.name, error: item.error });
  return true;
}

/** A row's warnings: counted (warned), into warnings.csv, and, for those kept as samples, events (as rejects). */
function recordWarnings(step: LoadStepConfig, item: PreparedValid | PreparedSkip, counts: StepCounts, ctx: DryRunContext): void {
  const warnings = warningsOf(item);
  if (warnings.length === 0) return;
  countWarned(counts);
  if (ctx.warnings.add(step.name, warnings, item.data)) for (const error of warnings) ctx.emit({ type: 'warning', step: step.name, error });
}
