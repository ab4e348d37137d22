/**
 * Types shared by the checkpoint store and the loaders above it. They live here (the lower layer) so
 * the store can take loader results without importing from src/load; src/load re-exports them.
 */
import type { LoadMode } from '../core/load-mode.js';
import type { RowError, SourcePosition } from '../core/record.js';

/** A loader's answer for one item, matched by key, never by position. */
export type ItemResult =
  | { key: string; status: 'created' | 'updated' | 'skipped'; zohoId: string }
  | { key: string; status: 'rejected'; error: RowError }
  | { key: string; status: 'in-doubt' };

/** Per-record state machine: planned → sent → confirmed | rejected | in-doubt. */
export type RecordState = 'planned' | 'sent' | 'confirmed' | 'rejected' | 'in-doubt';

export type RunStatus = 'running' | 'ok' | 'rejects' | 'interrupted' | 'failed' | 'outside-window';
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'interrupted';

/** Position of the first record of a step not yet finished; resume re-reads from here. */
export interface HighWater {
  /** Byte offset of the record's first byte, when the extractor knows it. */
  byteOffset?: number;
  /** 0-based record index among the source's data records. */
  index: number;
  /** 1-based line of the record. */
  line: number;
}

/** Parent ids a crosswalk entry keeps for later PATCHes and reconciliation. */
export interface CrosswalkParents {
  project?: string;
  tasklist?: string;
  parentTask?: string;
  task?: string;
  milestone?: string;
}

/** What the crosswalk stores beside the id, so later steps can look the entity up by name. */
export interface CrosswalkMeta {
  /** Natural name: users' email (lower-case), otherwise the entity's name. */
  name?: string;
  /** Containing scope id: the project id for milestones, tasklists, tasks and logs; '' for the portal. */
  scopeId?: string;
  parents?: CrosswalkParents;
}

/** One item about to be sent (markSent). */
export interface SentItem {
  key: string;
  /** Target values as sent; kept until the outcome is known so reconciliation can look them up. */
  values: Record<string, unknown>;
  pos: SourcePosition;
  op: 'create' | 'update';
  /** Original source columns in order, kept with the payload so a re-send can still reject with them. */
  data?: Record<string, unknown>;
}

/**
 * A result as the store records it: the loader's ItemResult plus what the crosswalk and rejects.csv
 * need. `data` is the original source columns in order (for rejects); `meta` describes the Zoho entity.
 */
export type StoredResult = ItemResult & { meta?: CrosswalkMeta; data?: Record<string, unknown>; pos?: SourcePosition };

export interface RunRow {
  id: number;
  pipeline: string;
  startedMs: number;
  finishedMs: number | null;
  status: RunStatus;
  options: Record<string, unknown>;
}

export interface StepRow {
  runId: number;
  name: string;
  /** Target entity: an EntityKind (core/entity-kind.ts) as the row stores it (text, read back unchecked). */
  entity: string;
  status: StepStatus;
  mode: LoadMode;
  sourcePath: string | null;
  sourceSha256: string | null;
  /** null when nothing is finished yet (start from the beginning). */
  highWater: HighWater | null;
  startedMs: number | null;
  finishedMs: number | null;
}

export interface RecordRow {
  step: string;
  key: string;
  state: RecordState;
  op: 'create' | 'update' | null;
  outcome: string | null;
  runId: number | null;
  zohoId: string | null;
  batchId: number | null;
  attempts: number;
  /**
   * When the record last changed state (clock ms). For a record in doubt: when its send went into doubt
   * (its in-doubt outcome; for one a killed process left 'sent', the instant a later reconciliation first
   * saw it and marked it in doubt, since the request may have left as late as that process died);
   * recording it in doubt again (a re-read) or marking it in doubt again keeps it. Reconciliation's
   * settle time counts from it (load/exactly-once/reconcile.ts).
   */
  updatedMs: number;
  /**
   * When the record was last marked sent (clock ms), kept through a later in-doubt outcome; null for
   * records never sent, or sent before schema version 4.
   */
  sentMs: number | null;
  payloadHash: string | null;
  /** Parsed payload_json (null once the outcome is known). */
  values: Record<string, unknown> | null;
  /** Original source columns kept with the payload (null once the outcome is known, or when not given). */
  data: Record<string, unknown> | null;
  pos: SourcePosition | null;
}

export interface CrosswalkRow {
  step: string;
  key: string;
  /** Target entity: an EntityKind (core/entity-kind.ts) as the row stores it (text, read back unchecked). */
  entity: string;
  zohoId: string;
  name: string | null;
  scopeId: string;
  parents: CrosswalkParents;
  origin: 'created' | 'updated' | 'skipped';
  runId: number | null;
  createdMs: number;
}

export interface RejectRow {
  id: number;
  runId: number;
  step: string;
  key: string | null;
  stage: 'prepare' | 'load';
  source: string;
  line: number;
  index: number;
  code: string;
  field: string;
  message: string;
  value: string | null;
  /** Original columns in source order. */
  columns: [string, unknown][];
}

/** Exact per-run, per-step figures derived from the tables (read = sum of the others). */
export interface StoredCounts {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  inDoubt: number;
  /** Rows rejected before any request (mapping/validation), included in `rejected`. */
  rejectedPrepare: number;
  /** Rows the step's `where:` filter left out, included in `skipped`. */
  filtered: number;
  /** Repeats a `distinct:` step folded into the first row with their key, included in `skipped`. */
  folded: number;
  /** Rows with at least one warning recorded in this run (warning-store.ts). */
  warned: number;
  read: number;
}
