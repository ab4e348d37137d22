/**
 * The run's events with the Zoho client's events filled in: `PipelineEvent` is what `runPipeline`,
 * `dryRun` and the exports emit and the CLI renders. The vocabulary itself lives in core/
 * (pipeline-event.ts, step-counts.ts, entity-kind.ts) so that the layers below the pipeline (load,
 * report, payroll) share it without importing upward.
 */
import type { PipelineEventOf } from '../core/pipeline-event.js';
import type { ClientEvent } from '../zoho/types.js';

/** One event of a run (see src/core/pipeline-event.ts). */
export type PipelineEvent = PipelineEventOf<ClientEvent>;

/** Receives a run's events, in order. */
export type EventListener = (e: PipelineEvent) => void;
