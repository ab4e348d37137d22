/**
 * From a validated pipeline file to the RunPlan the engine executes: the order of the steps and, per
 * step, how its rows become prepared items (extract → map → lookups → validate → key).
 *
 * Order: the stages of plan.ts (dependsOn + the entity order; steps of one stage hit different create
 * endpoints and run together).
 *
 * Lookups resolve from the crosswalk first (what earlier steps created or matched) and then through
 * the API (cached per scope), so a migration may reference users or projects that already exist.
 */
import { ZpetlError } from '../core/errors.js';
import type { RowError, SourcePosition } from '../core/record.js';
import { createExtractor } from '../extract/create-extractor.js';
import { resolveSourcePath } from '../extract/file-access.js';
import { createCrosswalkResolver } from '../load/crosswalk-resolver.js';
import { createApiLookupResolver } from '../transform/api-lookup-resolver.js';
import { createChainedResolver, resolveLookups } from '../transform/lookups.js';
import type { LookupResolver } from '../transform/lookup-types.js';
import { compileMapping } from '../transform/map-record.js';
import { validateRow } from '../transform/validate-row.js';
import { planSteps } from './plan.js';
import type { PlannedStep, PrepareContext, RunPlan } from './run-plan.js';
import type { StepItem } from './run-step.js';
import { isLoadStep, type LoadStepConfig, type PipelineConfig } from './schema.js';

/** The source columns of `key`, joined; undefined when one is empty. */
function keyOf(step: LoadStepConfig, data: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const col of step.key) {
    const v = data[col];
    if (v === undefined || v === null || String(v).trim() === '') return undefined;
    parts.push(String(v).trim());
  }
  return parts.join('\u241f');
}

function reject(error: RowError, data: Record<string, unknown>, pos: SourcePosition): StepItem {
  return { kind: 'reject', error, pos, data };
}

/** One load step as a PlannedStep. */
export function planStep(step: LoadStepConfig, baseDir: string, options: PipelineConfig['options']): PlannedStep {
  const map = compileMapping(step.fields);
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
    async *prepare(ctx: PrepareContext): AsyncIterable<StepItem> {
      const extractor = createExtractor(step.source, { baseDir, ...(ctx.startAt ? { startAt: ctx.startAt } : {}) });
      const resolver: LookupResolver = createChainedResolver(createCrosswalkResolver(ctx.store), createApiLookupResolver(ctx.client));
      // Keys seen in this read: a second row with a key already read is a duplicate, not an update.
      const seen = new Set<string>();
      for await (const item of extractor.read(ctx.signal)) {
        if (item.kind === 'reject') {
          yield reject(item.reject.error, item.reject.data, item.reject.error.pos);
          continue;
        }
        const { data, pos } = item.record;
        const key = keyOf(step, data);
        if (key === undefined) {
          yield reject({ code: 'ROW_REQUIRED', message: `key column(s) ${step.key.join(', ')} empty`, field: step.key[0]!, pos }, data, pos);
          continue;
        }
        if (seen.has(key)) {
          yield reject({ code: 'ROW_DUPLICATE_KEY', message: `key ${step.key.join('+')} = "${key}" already appeared earlier in ${step.source.path}`, field: step.key[0]!, value: key, pos }, data, pos);
          continue;
        }
        seen.add(key);
        const mapped = map(item.record);
        if (!mapped.ok) {
          yield reject(mapped.error, data, pos);
          continue;
        }
        const resolved = await resolveLookups(mapped.value, resolver, pos);
        if (!resolved.ok) {
          yield reject(resolved.error, data, pos);
          continue;
        }
        const problems = validateRow(step.entity, resolved.value, pos);
        if (problems.length > 0) {
          yield reject(problems[0]!, data, pos);
          continue;
        }
        yield { kind: 'valid', key, values: resolved.value, pos, data };
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
