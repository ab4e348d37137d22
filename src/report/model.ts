/**
 * The run report: one model for dry runs and real runs, written as report.json (versioned) and
 * report.html. A dry run fills `estimate` and the `would*` counts; a real run fills `api`, `retries`,
 * `inDoubtReconciled`, `windowsUsed` and `createdIds`.
 */
import type { Estimate } from '../core/estimate.js';
import type { ErrorDetail } from '../core/pipeline-event.js';
import type { StepCounts } from '../core/step-counts.js';

/**
 * The count columns of a step table, report.html's and the CLI summary's alike: a dry run's would-counts
 * (wouldUpdate only `withUpdates`, when a step is in mode upsert: the dry run sets it for those alone),
 * or a real run's outcomes; then `folded` and `warned` when any of `counts` has them (the repeats
 * `distinct:` steps folded, of the skipped; the rows with warnings).
 */
export function countColumns(dryRun: boolean, withUpdates: boolean, counts: readonly StepCounts[] = []): readonly (keyof StepCounts)[] {
  const base: (keyof StepCounts)[] = !dryRun
    ? ['read', 'created', 'updated', 'skipped', 'rejected', 'inDoubt']
    : withUpdates
      ? ['read', 'valid', 'wouldCreate', 'wouldSkip', 'wouldUpdate', 'rejected']
      : ['read', 'valid', 'wouldCreate', 'wouldSkip', 'rejected'];
  for (const k of OPTIONAL_COLUMNS) if (counts.some((c) => (c[k] ?? 0) > 0)) base.push(k);
  return base;
}

/** Counts shown only where some step has them. */
const OPTIONAL_COLUMNS = ['folded', 'warned'] as const;

/** Bumped on any incompatible change of report.json. */
export const REPORT_SCHEMA_VERSION = 1;
/**
 * Additive revisions of schema 1: new fields are optional, so a reader of revision 1 keeps working.
 * 2 = real-run details (`runId`, `message`, `reconciled`, `windows`, per-step `crosswalk`,
 * `createdIds.crosswalkCsv`/`perStep`, `files.crosswalkCsv`). 3 = row warnings (`warningsByCode`,
 * `warningSamples`, `files.warningsCsv`/`warningsPerStep`, per-step `warningsByCode`) and the counts
 * `folded` and `warned`, in the dry run's report as in the run's. 4 = source warnings (`sourceWarnings`:
 * what the extractor said about a file as a whole, e.g. a repeated header read numbered, no records
 * after the header), which `warningsByCode` and `warned` (rows) do not count; a dry run that stopped at
 * a fatal error also lists the source warnings found before it. 5 = `errorDetail`: the fatal error as
 * data (code, message, hint, source, line), beside `error`'s one line.
 */
export const REPORT_SCHEMA_REVISION = 5;

export interface InputReport {
  step: string;
  /** The source path as written in the pipeline file. */
  source: string;
  /** Absolute path read. */
  path: string;
  sha256: string;
  bytes: number;
}

export interface StepReport {
  name: string;
  entity: string;
  mode: string;
  /** read = valid + skipped (where: filter) + rejected and valid = wouldCreate + wouldSkip + wouldUpdate (dry run); read = created + updated + skipped + rejected + inDoubt (real run). */
  counts: StepCounts;
  rejectsByCode: Record<string, number>;
  /** Revision 3: warnings per code (absent when the step has none). */
  warningsByCode?: Record<string, number>;
  /** Dry run: create calls this step would make, and on which endpoint. */
  calls?: { endpoint: string; calls: number };
  /**
   * Dry run without read access to Zoho (offline): of wouldCreate, the rows whose fate depends on what
   * Zoho holds (skip-existing, upsert, users): the run may skip them, or reject a portal user not in the
   * portal. Absent when none.
   */
  unverified?: number;
  /** Dry run, mode upsert: update calls (one per crosswalk hit) and their endpoint. */
  updateCalls?: { endpoint: string; calls: number };
  /** Real run (revision 2): the step's entries in the crosswalk at the end (ids created or matched, all runs). */
  crosswalk?: number;
}

export interface RejectSample {
  step: string;
  source: string;
  line: number;
  code: string;
  field: string;
  message: string;
  /** Original columns (values clipped to 200 characters). */
  data: Record<string, unknown>;
}

/** Revision 4: a source warning (src/pipeline/prepare/source-warnings.ts) of one step. */
export interface SourceWarningReport {
  step: string;
  code: string;
  message: string;
  /** The source as written in the pipeline file. */
  source: string;
  /** The line concerned (1: the header), when known. */
  line?: number;
  /** The column concerned, when there is one. */
  field?: string;
}

export interface EndpointReport {
  calls: number;
  rateLimited: number;
  retries: number;
  errors: number;
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** Absent in revision 1 reports. */
  schemaRevision?: number;
  kind: 'dry-run' | 'run';
  /** Real run: the checkpoint's run id (a resumed run keeps its id). */
  runId?: number;
  /** Real run: one line for humans, what happened and what to do next. */
  message?: string;
  pipeline: string;
  pipelineFile: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: 'ok' | 'rejects' | 'interrupted' | 'failed' | 'outside-window';
  exitCode: number;
  /** A fatal error's `CODE: message`, when the run failed. */
  error?: string;
  /** Revision 5: that error as data (code, message, hint, source, line), with `error`. */
  errorDetail?: ErrorDetail;
  inputs: InputReport[];
  steps: StepReport[];
  totals: StepCounts;
  rejectsByCode: Record<string, number>;
  /** Up to 20 rejects per step, in reading order. */
  samples: RejectSample[];
  /** Revision 3: warnings per code, all steps (rows that loaded with a problem, e.g. a lookup with `onMissing: warn`). */
  warningsByCode?: Record<string, number>;
  /** Revision 3: up to 20 warnings per step, in reading order. */
  warningSamples?: RejectSample[];
  /** Revision 4: every source warning, per step in reading order (absent when none). */
  sourceWarnings?: SourceWarningReport[];
  /** Output files, relative to the report folder (revision 3: `warningsCsv`, always written, and the per-step warnings files). */
  files: {
    reportJson: string;
    reportHtml: string;
    rejectsCsv: string;
    rejectsPerStep: Record<string, string>;
    crosswalkCsv?: string;
    warningsCsv?: string;
    warningsPerStep?: Record<string, string>;
  };
  /** Dry run: what a real run would cost at the budget, and the plan's stages (step names run together). */
  estimate?: Estimate & { stages: string[][] };
  /** Real run: per endpoint, what the client spent. */
  api?: Record<string, EndpointReport>;
  retries?: number;
  /** Real run: records found sent / in doubt and settled against Zoho (found + notFound). */
  inDoubtReconciled?: number;
  /** Real run (revision 2): found = existed in Zoho (not re-sent), notFound = absent (sent again), unresolved = still in doubt. */
  reconciled?: { found: number; notFound: number; unresolved: number };
  /** Real run: off-peak openings in which batches ran (0 without a window). */
  windowsUsed?: number;
  /** Real run (revision 2): those openings, ISO instants. */
  windows?: string[];
  /** Dry run: the checkpoint database whose crosswalk gave wouldSkip / wouldUpdate (absent: none existed). */
  checkpointDb?: string;
  /** Real run: where the created Zoho ids are: the checkpoint DB's crosswalk table, and crosswalk.csv beside the report. */
  createdIds?: { checkpointDb: string; query: string; crosswalkCsv?: string; perStep?: Record<string, number> };
}
