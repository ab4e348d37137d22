/**
 * From a validated pipeline file to the RunPlan the engine executes: the order of the steps and, per
 * step, how its rows become prepared items (extract → map → lookups → validate → key).
 *
 * Order. A step runs after every step it depends on: its `dependsOn`, the step a `task-by-key`
 * lookup names, and every step loading an entity it looks up by name (a task list lookup waits for
 * the task-list steps, a user lookup for the user steps, a `project` field for the project steps).
 * Steps whose dependencies are all done run together, except two steps on one create endpoint (tasks
 * and subtasks share one budget), which go one after the other in file order.
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
import { createEndpointOf, type PlannedStep, type PrepareContext, type RunPlan } from './run-plan.js';
import type { StepItem } from './run-step.js';
import { isLoadStep, type LoadStepConfig, type PipelineConfig } from './schema.js';

const LOOKUP_ENTITY: Record<string, string> = {
  'user-by-email': 'user',
  'project-by-name': 'project',
  'tasklist-by-name': 'tasklist',
  'milestone-by-name': 'milestone',
};

/** The steps each load step waits for. */
export function stepDependencies(steps: readonly LoadStepConfig[]): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  for (const s of steps) {
    const d = new Set<string>(s.dependsOn ?? []);
    for (const spec of Object.values(s.fields)) {
      const l = spec.lookup;
      if (!l) continue;
      if (l.kind === 'task-by-key' && l.step) d.add(l.step);
      const entity = LOOKUP_ENTITY[l.kind];
      if (entity) for (const o of steps) if (o.entity === entity && o.name !== s.name) d.add(o.name);
    }
    // A subtask's parent is a task of an earlier step even when the parent field names no step.
    if (s.entity === 'subtask') for (const o of steps) if (o.entity === 'task') d.add(o.name);
    deps.set(s.name, d);
  }
  return deps;
}

/** Steps in groups: each group only after the previous; one create endpoint per group. */
export function groupSteps<S extends { name: string; entity: LoadStepConfig['entity'] }>(steps: readonly S[], deps: Map<string, Set<string>>): S[][] {
  const done = new Set<string>();
  const left = [...steps];
  const groups: S[][] = [];
  while (left.length > 0) {
    const ready = left.filter((s) => [...(deps.get(s.name) ?? [])].every((d) => done.has(d) || !steps.some((x) => x.name === d)));
    if (ready.length === 0) {
      throw new ZpetlError('PIPELINE_INVALID', `steps ${left.map((s) => s.name).join(', ')} depend on each other in a cycle`, {
        hint: 'Check dependsOn and the task-by-key lookups of these steps.',
      });
    }
    const group: S[] = [];
    const endpoints = new Set<string>();
    for (const s of ready) {
      const ep = createEndpointOf(s.entity);
      if (endpoints.has(ep)) continue;
      endpoints.add(ep);
      group.push(s);
    }
    groups.push(group);
    for (const s of group) {
      done.add(s.name);
      left.splice(left.indexOf(s), 1);
    }
  }
  return groups;
}

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
  const planned = steps.map((s) => planStep(s, baseDir, config.options));
  const groups = groupSteps(steps, stepDependencies(steps)).map((g) => g.map((s) => planned.find((p) => p.name === s.name)!));
  const limit = config.options.rejectLimit;
  return {
    pipeline: config.name,
    ...(file ? { file } : {}),
    groups,
    rejectLimits: { ...(limit?.count !== undefined ? { count: limit.count } : {}), ...(limit?.ratio !== undefined ? { ratio: limit.ratio } : {}) },
    options: { batchSize: config.options.batchSize, concurrency: config.options.concurrency, ...(file ? { file } : {}) },
  };
}
