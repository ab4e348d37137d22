/**
 * The event vocabulary of a run: the CLI renders these events (progress bars, plain lines, JSON
 * lines), the library hands them to callers, and reports are built from the same figures.
 *
 * `C` is the Zoho client's event type (src/zoho/types.ts `ClientEvent`), forwarded as is. core sits
 * below zoho/ and may not name it, so the union takes it as a parameter; src/pipeline/events.ts
 * closes it as `PipelineEvent`, and the payroll export (which emits these events below the pipeline)
 * names `PipelineEventOf<ClientEvent>`, the same type.
 */
import type { EntityKind } from './entity-kind.js';
import type { ErrorCode, SourcePosition } from './errors.js';
import type { RowError } from './record.js';
import type { StepCounts } from './step-counts.js';

/** What a step is doing right now (the progress bar's state column). */
export type StepState =
  | { kind: 'pending' }
  | { kind: 'running' }
  | { kind: 'reconciling' }
  | { kind: 'waiting-window'; untilMs: number }
  | { kind: 'rate-limited'; endpoint: string; untilMs: number }
  | { kind: 'done' }
  | { kind: 'failed'; message: string };

/**
 * Something the extractor tells about a source as a whole, not about one row: a repeated header read
 * numbered (SOURCE_DUPLICATE_HEADER), no records after the header (SOURCE_NO_RECORDS), blank lines
 * skipped, an encoding fallback. The shape of the extractor's `ExtractWarning` (src/extract/types.ts),
 * declared here because core may not name extract/.
 */
export interface SourceWarning {
  code: ErrorCode;
  message: string;
  /** Where it is (the header line for header problems), when the extractor knows. */
  pos?: SourcePosition;
  /** The column concerned (a repeated header's numbered key), when there is one. */
  field?: string;
}

/** One event of a run, `C` being the client's event type (see the file comment). */
export type PipelineEventOf<C> =
  | { type: 'run-start'; pipeline: string; runId: number | null; dryRun: boolean; steps: { name: string; entity: EntityKind; total?: number }[] }
  | { type: 'step-start'; step: string; entity: EntityKind; total?: number }
  | { type: 'step-progress'; step: string; counts: StepCounts; total?: number; etaMs?: number }
  | { type: 'step-state'; step: string; state: StepState }
  | { type: 'reject'; step: string; error: RowError }
  /** A problem that did not stop its row (it loads, or was folded): a lookup with `onMissing: warn`, a folded row whose values differ. */
  | { type: 'warning'; step: string; error: RowError }
  /** A source warning (SourceWarning): once per step and warning, before the rows it concerns; not counted in `warned` (rows only). */
  | { type: 'source-warning'; step: string; warning: SourceWarning }
  | { type: 'step-end'; step: string; counts: StepCounts }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'client'; event: C }
  /** `warningsByCode`: every warning of the run per code, source warnings and row warnings alike (absent when none). */
  | { type: 'run-end'; status: 'ok' | 'rejects' | 'interrupted' | 'failed' | 'outside-window'; exitCode: number; reportDir?: string; counts: Record<string, StepCounts>; warningsByCode?: Record<string, number> };
