/**
 * The run report: one model for dry runs and real runs, written as report.json (versioned) and
 * report.html. A dry run fills `estimate` and the `would*` counts; a real run fills `api`, `retries`,
 * `inDoubtReconciled`, `windowsUsed` and `createdIds`.
 */
import type { StepCounts } from '../pipeline/events.js';

/** Bumped on any incompatible change of report.json. */
export const REPORT_SCHEMA_VERSION = 1;

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
  /** read = valid + rejected (dry run); read = created + updated + skipped + rejected + inDoubt (real run). */
  counts: StepCounts;
  rejectsByCode: Record<string, number>;
  /** Dry run: create calls this step would make, and on which endpoint. */
  calls?: { endpoint: string; calls: number };
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

export interface EndpointReport {
  calls: number;
  rateLimited: number;
  retries: number;
  errors: number;
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  kind: 'dry-run' | 'run';
  pipeline: string;
  pipelineFile: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: 'ok' | 'rejects' | 'interrupted' | 'failed' | 'outside-window';
  exitCode: number;
  /** A fatal error's `CODE: message`, when the run failed. */
  error?: string;
  inputs: InputReport[];
  steps: StepReport[];
  totals: StepCounts;
  rejectsByCode: Record<string, number>;
  /** Up to 20 rejects per step, in reading order. */
  samples: RejectSample[];
  /** Output files, relative to the report folder. */
  files: { reportJson: string; reportHtml: string; rejectsCsv: string; rejectsPerStep: Record<string, string> };
  /** Dry run: what a real run would cost at the budget. */
  estimate?: {
    callsByEndpoint: Record<string, number>;
    totalCalls: number;
    callsPerWindow: number;
    durationMs: number;
    windowsNeeded?: number;
    window?: string;
    finishAt?: string;
    stages: string[][];
  };
  /** Real run: per endpoint, what the client spent. */
  api?: Record<string, EndpointReport>;
  retries?: number;
  inDoubtReconciled?: number;
  windowsUsed?: number;
  /** Real run: where the created Zoho ids are (the checkpoint DB's crosswalk). */
  createdIds?: { checkpointDb: string; query: string };
}
