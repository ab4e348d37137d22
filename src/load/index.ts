/** Loading: per-entity loaders, the exactly-once step protocol, reconciliation, the crosswalk resolver. */
export * from './types.js';
export { createStepLoader } from './step-loader.js';
export type { StepConfig, StepLoader, StepLoaderOptions, BatchOutcome } from './step-loader.js';
export { reconcileRecords } from './reconcile.js';
export type { ReconcileCounts, ReconcileInput } from './reconcile.js';
export { createCrosswalkResolver } from './crosswalk-resolver.js';
export type { CrosswalkResolver, CrosswalkLookupSpec } from './crosswalk-resolver.js';
export * from './loaders/index.js';
