/**
 * Events a run emits. The CLI renders them (progress bars, plain lines, JSON lines), the library API
 * hands them to callers, and reports are built from the same figures. One vocabulary for all.
 */
import type { RowError } from '../core/record.js';
import type { ClientEvent } from '../zoho/types.js';

/** Target entities of a step. */
export type EntityKind = 'user' | 'project' | 'milestone' | 'tasklist' | 'task' | 'subtask' | 'timelog';

/** Per-step counters. Invariant at the end of a step: read = created + updated + skipped + rejected (+ inDoubt while unresolved). */
export interface StepCounts {
  read: number;
  /** Rows that passed mapping and validation. In a dry run: read = valid + rejected. */
  valid: number;
  created: number;
  updated: number;
  /** Already in Zoho (crosswalk or natural-key match), or left out by the step's `where:` filter. */
  skipped: number;
  /** Of `skipped`, the rows the step's `where:` filter left out (absent when the step has no filter). */
  filtered?: number;
  rejected: number;
  /** Sent with no answer; reconciled on resume. */
  inDoubt: number;
  /**
   * Dry run only: what a real run would create / skip / update. wouldSkip = valid rows whose key is
   * already in the checkpoint's crosswalk (loaded by an earlier real run); wouldUpdate (steps in mode
   * upsert only) = those an upsert would PATCH. valid = wouldCreate + wouldSkip + wouldUpdate.
   */
  wouldCreate?: number;
  wouldSkip?: number;
  wouldUpdate?: number;
}

export const emptyCounts = (): StepCounts => ({ read: 0, valid: 0, created: 0, updated: 0, skipped: 0, rejected: 0, inDoubt: 0 });

/** What a step is doing right now (the progress bar's state column). */
export type StepState =
  | { kind: 'pending' }
  | { kind: 'running' }
  | { kind: 'reconciling' }
  | { kind: 'waiting-window'; untilMs: number }
  | { kind: 'rate-limited'; endpoint: string; untilMs: number }
  | { kind: 'done' }
  | { kind: 'failed'; message: string };

export type PipelineEvent =
  | { type: 'run-start'; pipeline: string; runId: number | null; dryRun: boolean; steps: { name: string; entity: EntityKind; total?: number }[] }
  | { type: 'step-start'; step: string; entity: EntityKind; total?: number }
  | { type: 'step-progress'; step: string; counts: StepCounts; total?: number; etaMs?: number }
  | { type: 'step-state'; step: string; state: StepState }
  | { type: 'reject'; step: string; error: RowError }
  | { type: 'step-end'; step: string; counts: StepCounts }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'client'; event: ClientEvent }
  | { type: 'run-end'; status: 'ok' | 'rejects' | 'interrupted' | 'failed' | 'outside-window'; exitCode: number; reportDir?: string; counts: Record<string, StepCounts> };

export type EventListener = (e: PipelineEvent) => void;
