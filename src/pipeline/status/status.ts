/**
 * `zpetl status` and `zpetl rejects` as library calls: what the checkpoint database says about a
 * pipeline's latest run. `pipelineStatus` and `pipelineRejects` are the commands (a pipeline file in,
 * what the CLI renders out); `readPipelineStatus`, `listRejects` and `writeRejectsCsv` are their parts. Read-only: the database is opened without the process lock, so status works
 * while a run is going (WAL lets readers in). Another pipeline's checkpoint is refused
 * (CHECKPOINT_OTHER_PIPELINE, src/checkpoint/owner.ts) and never claimed: these readers write nothing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ZpetlError, type ErrorCode } from '../../core/errors.js';
import { openCheckpointForReading } from '../dry-checkpoint.js';
import { checkpointOwnerOf } from '../checkpoint-owner.js';
import { checkpointPath, defaultCheckpointDb, loadPipeline, type LoadedPipeline } from '../file/load-pipeline.js';
import type { CheckpointOwner } from '../../checkpoint/owner.js';
import type { HighWater, RejectRow, RunRow, StepStatus, StoredCounts } from '../../checkpoint/store-types.js';
import { createRejectsWriter } from '../../report/rejects-writer.js';
import { pipelineWindow, type OffPeakWindow } from '../window.js';

export interface StepStatusReport {
  name: string;
  entity: string;
  status: StepStatus;
  mode: string;
  counts: StoredCounts;
  /** Records sent with no recorded answer: reconciled against Zoho before anything is re-sent. */
  sent: number;
  /** Creates that got no answer (timeout, reset): reconciled on resume. */
  inDoubt: number;
  highWater: HighWater | null;
  sourcePath: string | null;
}

export interface PipelineStatusReport {
  pipeline: string;
  dbPath: string;
  /** undefined when the database does not exist or holds no run of this pipeline. */
  run: RunRow | undefined;
  steps: StepStatusReport[];
  /** Zoho ids recorded in the crosswalk (all runs). */
  crosswalkEntries: number;
  /** When a window is given: open now, or when it next opens and closes. */
  window?: { spec: string; tz: string; openNow: boolean; nextOpenMs: number; closesMs: number | undefined; describe: string };
}

export interface StatusOptions {
  window?: OffPeakWindow;
  /** Epoch ms (default Date.now()). */
  nowMs?: number;
  /** The pipeline's portal id, when known: a checkpoint of the pipeline on another portal is refused too. */
  portalId?: string;
  /** Who reads, as the real run would open it (checkpoint-owner.ts checkpointOwnerOf): wins over `portalId`. */
  owner?: CheckpointOwner;
}

/** Reads the latest run of `pipeline` from the checkpoint database at `dbPath`. */
export function readPipelineStatus(dbPath: string, pipeline: string, o: StatusOptions = {}): PipelineStatusReport {
  const nowMs = o.nowMs ?? Date.now();
  const report: PipelineStatusReport = { pipeline, dbPath, run: undefined, steps: [], crosswalkEntries: 0 };
  if (o.window) {
    const w = o.window;
    const openNow = w.isOpen(nowMs);
    const nextOpenMs = w.nextOpening(nowMs);
    report.window = { spec: w.spec, tz: w.tz, openNow, nextOpenMs, closesMs: openNow ? w.closesAt(nowMs) : w.closesAt(nextOpenMs), describe: w.describe(nextOpenMs) };
  }
  if (!existsSync(dbPath)) return report;
  const { cdb, store } = openCheckpointForReading(dbPath, 'status', o.owner ?? { pipeline, portalId: o.portalId });
  try {
    const run = store.latestRun(pipeline);
    report.run = run;
    report.crosswalkEntries = store.crosswalkCount();
    if (!run) return report;
    for (const s of store.listSteps(run.id)) {
      report.steps.push({
        name: s.name,
        entity: s.entity,
        status: s.status,
        mode: s.mode,
        counts: store.counts(run.id, s.name),
        sent: store.countPending(s.name, ['sent']),
        inDoubt: store.countPending(s.name, ['in-doubt']),
        highWater: s.highWater,
        sourcePath: s.sourcePath,
      });
    }
    return report;
  } finally {
    cdb.close();
  }
}

export interface RejectListing {
  run: RunRow | undefined;
  rejects: RejectRow[];
}

/**
 * The rejects of the latest run of `pipeline` (or of `runId`), optionally of one step, in the order
 * they were recorded. Held in memory: rejects are bounded by the run's reject limit. With `warnings`,
 * the run's row warnings instead (the same rows: src/checkpoint/warning-store.ts).
 */
export function listRejects(dbPath: string, pipeline: string, o: { runId?: number; step?: string; portalId?: string; owner?: CheckpointOwner; warnings?: boolean } = {}): RejectListing {
  if (!existsSync(dbPath)) return { run: undefined, rejects: [] };
  const { cdb, store } = openCheckpointForReading(dbPath, 'rejects', o.owner ?? { pipeline, portalId: o.portalId });
  try {
    const run = o.runId !== undefined ? store.getRun(o.runId) : store.latestRun(pipeline);
    if (!run) return { run: undefined, rejects: [] };
    return { run, rejects: [...(o.warnings ? store.warnings(run.id, o.step) : store.rejects(run.id, o.step))] };
  } finally {
    cdb.close();
  }
}

/**
 * Writes rejects of ONE step as a CSV that can be fixed and fed back as that step's source: the
 * original columns in their original order, then `_line`, `_step`, `_code`, `_field`, `_message`
 * (extra columns a pipeline ignores). The CSV is src/report's rejects.csv layout, written by its
 * writer into a scratch folder beside `path` and renamed into place (so `path` is never half
 * written). Returns the number of rows written.
 */
export async function writeRejectsCsv(rejects: readonly RejectRow[], path: string): Promise<number> {
  const steps = new Set(rejects.map((r) => r.step));
  if (steps.size > 1) {
    throw new ZpetlError('USAGE_INVALID', `rejects of ${steps.size} steps (${[...steps].join(', ')}) cannot share one CSV: their columns differ`, {
      hint: 'Pick one with --step.',
    });
  }
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const scratch = await mkdtemp(join(dir, '.zpetl-rejects-'));
  try {
    const writer = await createRejectsWriter(scratch);
    try {
      for (const r of rejects) {
        // Declared first: the header keeps the stored column order (an object would sort "2024" first).
        writer.columns(r.step, r.columns.map(([c]) => c));
        writer.write({
          step: r.step,
          error: { code: r.code as ErrorCode, message: r.message, field: r.field, pos: { source: r.source, line: r.line, index: r.index } },
          data: Object.fromEntries(r.columns),
        });
      }
    } catch (e) {
      await writer.abort();
      throw e;
    }
    const { combined, rows } = await writer.close();
    await rename(join(scratch, combined), path);
    return rows;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Where a command finds the pipeline and its checkpoint, as `zpetl status` / `zpetl rejects` take them. */
export interface PipelineCheckpointOptions {
  /** Working folder: the pipeline file, a relative `db` and `.env` are found from it (default process.cwd()). */
  cwd?: string;
  /** Environment for the pipeline file's `${VAR}`s and the portal (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Checkpoint database (default `.zpetl/<pipeline name>.db` under `cwd`). */
  db?: string;
}

export interface PipelineStatus {
  /** What the checkpoint says (what `zpetl status --json` prints). */
  status: PipelineStatusReport;
  /** The checkpoint as named (`db`), else the default path relative to `cwd`: for messages. */
  checkpoint: string;
}

/**
 * `zpetl status FILE`: loads the pipeline, reads its latest run from its checkpoint (as the real run
 * would open it: checkpoint-owner.ts) and, when the file sets `options.window`, when it next opens.
 */
export function pipelineStatus(file: string, o: PipelineCheckpointOptions & { nowMs?: number } = {}): PipelineStatus {
  const cwd = o.cwd ?? process.cwd();
  const p = loadPipeline(resolve(cwd, file), o.env);
  const window = pipelineWindow(p.config.options.window);
  const c = checkpointOfPipeline(p, o, cwd);
  const status = readPipelineStatus(c.path, p.config.name, { owner: c.owner, window, ...(o.nowMs !== undefined ? { nowMs: o.nowMs } : {}) });
  return { status, checkpoint: c.shown };
}

/** Where `p`'s checkpoint is, who opens it (checkpoint-owner.ts, as the real run does) and how messages name it. */
function checkpointOfPipeline(p: LoadedPipeline, o: PipelineCheckpointOptions, cwd: string): { path: string; owner: CheckpointOwner; shown: string } {
  return { path: checkpointPath(cwd, o.db, p.config.name), owner: checkpointOwnerOf(p, { env: o.env, cwd }), shown: o.db ?? defaultCheckpointDb(p.config.name) };
}

export interface PipelineRejects extends RejectListing {
  /** The pipeline's name. */
  pipeline: string;
  /** The checkpoint as named (`db`), else the default path relative to `cwd`: for messages. */
  checkpoint: string;
  /** With `csv` and a run found: the rows written there. */
  csvRows?: number;
}

/**
 * `zpetl rejects FILE`: the rejects of the pipeline's latest run (or `runId`), optionally of one
 * `step` (USAGE_INVALID when the pipeline has no such step); with `csv` (a path under `cwd`) they
 * are also written there by writeRejectsCsv, which takes one step's only. With `warnings`, the run's
 * row warnings instead of its rejects.
 */
export async function pipelineRejects(file: string, o: PipelineCheckpointOptions & { runId?: number; step?: string; csv?: string; warnings?: boolean } = {}): Promise<PipelineRejects> {
  const cwd = o.cwd ?? process.cwd();
  const p = loadPipeline(resolve(cwd, file), o.env);
  const steps = p.config.steps.map((s) => s.name);
  if (o.step !== undefined && !steps.includes(o.step)) {
    throw new ZpetlError('USAGE_INVALID', `--step: ${p.config.name} has no step named "${o.step}"; its steps: ${steps.join(', ')}`, {
      hint: `Name one of the steps of ${file}.`,
    });
  }
  const c = checkpointOfPipeline(p, o, cwd);
  const listing = listRejects(c.path, p.config.name, { owner: c.owner, runId: o.runId, step: o.step, ...(o.warnings ? { warnings: true } : {}) });
  const out: PipelineRejects = { pipeline: p.config.name, checkpoint: c.shown, ...listing };
  if (listing.run && o.csv !== undefined) out.csvRows = await writeRejectsCsv(listing.rejects, resolve(cwd, o.csv));
  return out;
}
