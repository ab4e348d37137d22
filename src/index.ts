/**
 * The public library API of zoho-projects-etl. Everything the CLI does is available here, with the
 * same events the CLI renders (PipelineEvent).
 */
export { VERSION } from './version.js';
export * from './core/index.js';
export type { EntityKind, StepCounts, StepState, PipelineEvent, EventListener } from './pipeline/events.js';
export { emptyCounts } from './pipeline/events.js';
