/**
 * What a real run answers: its status, exit code, counts and figures, and the report folder written
 * for it. In the pipeline root because three rooms answer it: the run (run/run-engine.ts, and
 * run/run-report.ts writes it without importing the engine), export-only pipelines
 * (export/timesheet-export.ts) and the demo.
 */
import type { ZpetlError } from '../core/errors.js';
import type { EndpointStats } from '../zoho/types.js';
import type { StepCounts } from '../core/step-counts.js';
import { EXIT_FATAL, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_OUTSIDE_WINDOW, EXIT_REJECTS } from './exit-codes.js';

export type RunStatusOut = 'ok' | 'rejects' | 'interrupted' | 'failed' | 'outside-window';

/** The exit codes of exit-codes.ts, by outcome. */
export const EXIT = { ok: EXIT_OK, fatal: EXIT_FATAL, invalid: EXIT_INVALID, rejects: EXIT_REJECTS, outsideWindow: EXIT_OUTSIDE_WINDOW, interrupted: EXIT_INTERRUPTED } as const;

/** The files of a real run's report folder (absolute paths). */
export interface RunReportFiles {
  dir: string;
  reportJson: string;
  reportHtml: string;
  rejectsCsv: string;
  crosswalkCsv: string;
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

/** The figures of a run that sent nothing (yet): no calls, no reconciliation, no crosswalk entries. */
export function emptyFigures(startedMs: number, finishedMs = startedMs): RunFigures {
  return { endpoints: {}, retries: 0, reconciled: { found: 0, notFound: 0, unresolved: 0 }, windowsUsed: [], crosswalk: {}, startedMs, finishedMs };
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
  /** This run's warnings per code (source and row warnings), from the checkpoint; absent when none. */
  warningsByCode?: Record<string, number>;
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
