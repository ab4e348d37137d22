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
import type { ErrorCode, SourcePosition, ZpetlError } from './errors.js';
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

/**
 * A fatal error as data, for machines: the `error` of an error `log` event (`--json`) and report.json's
 * `errorDetail`. `message` is the error's own text (without the code and position the log line's
 * `message` adds, ZpetlError.format); `hint` says what to do next (e.g. "7 element(s) before the break
 * were read; fix the JSON at that position…", "set duplicateHeaders: number…"); `source` and `line`
 * say where, when the error knows.
 */
export interface ErrorDetail {
  code: ErrorCode;
  message: string;
  hint?: string;
  source?: string;
  line?: number;
  /** The column or field concerned, when the error names one. */
  field?: string;
}

/** A ZpetlError's ErrorDetail (only the parts it has). */
export function errorDetailOf(e: ZpetlError): ErrorDetail {
  const d: ErrorDetail = { code: e.code, message: e.message };
  if (e.hint !== undefined) d.hint = e.hint;
  if (e.pos !== undefined) {
    d.source = e.pos.source;
    d.line = e.pos.line;
  }
  if (e.field !== undefined && e.field !== '') d.field = e.field;
  return d;
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
  /** `error`: on a fatal error's log line (level error), the error as data (ErrorDetail); `message` is its `CODE: message (file:line)`. */
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; error?: ErrorDetail }
  | { type: 'client'; event: C }
  /** `warningsByCode`: every warning of the run per code, source warnings and row warnings alike (absent when none). */
  | { type: 'run-end'; status: 'ok' | 'rejects' | 'interrupted' | 'failed' | 'outside-window'; exitCode: number; reportDir?: string; counts: Record<string, StepCounts>; warningsByCode?: Record<string, number> };
