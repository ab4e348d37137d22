/** Loading: per-entity loaders, the exactly-once step protocol (exactly-once/README.md), the crosswalk resolver. */
export * from './types.js';
export { createStepLoader } from './exactly-once/step-loader.js';
export type { StepConfig, StepLoader, StepLoaderOptions, BatchOutcome } from './exactly-once/step-loader.js';
export { reconcileRecords } from './exactly-once/reconcile.js';
export type { ReconcileCounts, ReconcileInput } from './exactly-once/reconcile.js';
export { createCrosswalkResolver } from './crosswalk-resolver.js';
export type { CrosswalkResolver, CrosswalkLookupSpec } from './crosswalk-resolver.js';
export * from './loaders/index.js';
