/**
 * From a validated pipeline file to the RunPlan the engine executes: the order of the steps and, per
 * step, how its rows become prepared items (prepare.ts: extract → map → validate → key → lookups →
 * duplicate keys and 24 h/day, from the high-water mark on).
 *
 * Order: the stages of plan.ts (dependsOn + the entity order; steps of one stage hit different create
 * endpoints and run together).
 *
 * Lookups resolve from the crosswalk first (what earlier steps created or matched) and then through
 * the API (cached per scope), so a migration may reference users or projects that already exist.
 */
import { ZpetlError } from '../../core/errors.js';
import { createExtractor } from '../../extract/create-extractor.js';
import { resolveSourcePath } from '../../extract/file-access.js';
import { createCrosswalkResolver } from '../../load/crosswalk-resolver.js';
import { createApiLookupResolver } from '../../transform/api-lookup-resolver.js';
import { planSteps } from '../file/plan.js';
import { stepHeaderProblem } from '../prepare/header-check.js';
import { prepareStep } from '../prepare/prepare.js';
import { createScratchStore } from '../prepare/scratch-store.js';
import { repeatsReadOf } from '../prepare/source-warnings.js';
import type { PlannedStep, PrepareContext, RunPlan } from './run-plan.js';
import type { PreparedItem } from '../../core/prepared-item.js';
import { isLoadStep, type LoadStepConfig, type PipelineConfig } from '../file/schema.js';

/** One load step as a PlannedStep. */
export function planStep(step: LoadStepConfig, baseDir: string, options: PipelineConfig['options']): PlannedStep {
  return {
    name: step.name,
    entity: step.entity,
    mode: step.mode,
    batchSize: options.batchSize,
    source: { path: resolveSourcePath(baseDir, step.source.path), display: step.source.path },
    loader: {
      concurrency: options.concurrency,
      userBatchSize: options.batchSize,
      ...(step.externalIdField ? { externalIdField: step.externalIdField } : {}),
      ...(step.scope ? { userScope: step.scope } : {}),
    },
    async count(signal: AbortSignal): Promise<number> {
      // Extraction only (no mapping, lookups or requests): one item per data row, as prepare reads them.
      let n = 0;
      // The step's repeatsRead, so a repeated header stops the count as it stops the step.
      for await (const batch of createExtractor(step.source, { baseDir, repeatsRead: repeatsReadOf(step) }).readBatches(signal)) n += batch.length;
      return n;
    },
    headerProblem: () => stepHeaderProblem(step, baseDir),
    async *prepare(ctx: PrepareContext): AsyncIterable<PreparedItem> {
      // Duplicate keys and the 24 h/day rule are tracked on disk for this read (constant memory).
      const scratch = createScratchStore();
      try {
        yield* prepareStep(step, {
          baseDir,
          // Names are joined with Zoho's listing (a name held twice is ambiguous): the fallback, not a chain.
          resolver: createCrosswalkResolver(ctx.store, createApiLookupResolver(ctx.client)),
          scratch,
          signal: ctx.signal,
          ...(ctx.onSourceWarning ? { onSourceWarning: ctx.onSourceWarning } : {}),
          // A distinct: step re-reads its source from the first row on resume: the folds (and their
          // warnings) are then those of an uninterrupted run. Rows this run finished are found in the
          // checkpoint (not sent or counted again: load/exactly-once/step-loader.ts).
          ...(ctx.startAt && !step.distinct ? { startAt: ctx.startAt } : {}),
        });
      } finally {
        scratch.close();
      }
    },
  };
}

/** The RunPlan of a pipeline (its load steps; export steps are not part of a load run). */
export function buildRunPlan(config: PipelineConfig, baseDir: string, file?: string): RunPlan {
  const steps = config.steps.filter(isLoadStep);
  if (steps.length === 0) {
    throw new ZpetlError('PIPELINE_INVALID', `pipeline ${config.name} has no load step to run`, {
      hint: 'A load step has `entity:`; export steps run with `zpetl export timesheets`.',
    });
  }
  const planned = new Map(steps.map((s) => [s.name, planStep(s, baseDir, config.options)]));
  const groups = planSteps(config.steps)
    .stages.map((st) => st.steps.flatMap((n) => (planned.has(n) ? [planned.get(n)!] : [])))
    .filter((g) => g.length > 0);
  const limit = config.options.rejectLimit;
  return {
    pipeline: config.name,
    ...(file ? { file } : {}),
    groups,
    rejectLimits: { ...(limit?.count !== undefined ? { count: limit.count } : {}), ...(limit?.ratio !== undefined ? { ratio: limit.ratio } : {}) },
    options: { batchSize: config.options.batchSize, concurrency: config.options.concurrency, ...(file ? { file } : {}) },
  };
}
