/**
 * The order steps run in: explicit `dependsOn`, plus the entity order (a step waits for every step of
 * an entity it references, e.g. tasks wait for task lists). Steps are grouped in stages: the steps of
 * a stage depend on nothing in their stage and hit different create endpoints, so they may run at
 * the same time (each endpoint has its own budget).
 */
import { ZpetlError } from '../core/errors.js';
import { ENTITIES } from './entities.js';
import { isLoadStep, type StepConfig } from './schema.js';

export interface PlanStage {
  /** Step names, in file order. */
  steps: string[];
}

export interface Plan {
  /** Every step in a valid run order. */
  order: string[];
  /** Groups that may run concurrently, in order. */
  stages: PlanStage[];
  /** step → steps it waits for. */
  dependencies: Record<string, string[]>;
}

/** Dependencies of each step: dependsOn + steps of the entities it references (+ task steps for lookups by key). */
export function stepDependencies(steps: readonly StepConfig[]): Record<string, string[]> {
  const deps: Record<string, string[]> = {};
  for (const s of steps) {
    const d = new Set(s.dependsOn ?? []);
    if (isLoadStep(s)) {
      const refs = ENTITIES[s.entity].references;
      for (const t of steps) if (t !== s && isLoadStep(t) && refs.includes(t.entity) && !(t.entity === s.entity)) d.add(t.name);
      for (const f of Object.values(s.fields)) if (f.lookup?.step !== undefined && f.lookup.step !== s.name) d.add(f.lookup.step);
      // Users scoped to projects need the projects; project owners need the users: the explicit entity order wins.
      if (s.entity === 'user') for (const t of steps) if (isLoadStep(t) && t.entity === 'project' && s.scope !== 'project') d.delete(t.name);
      if (s.entity === 'project') for (const t of steps) if (isLoadStep(t) && t.entity === 'user' && t.scope === 'project') d.delete(t.name);
    }
    deps[s.name] = [...d];
  }
  return deps;
}

/** Orders steps; throws PIPELINE_INVALID on a dependency cycle. */
export function planSteps(steps: readonly StepConfig[]): Plan {
  const dependencies = stepDependencies(steps);
  const done = new Set<string>();
  const stages: PlanStage[] = [];
  const remaining = steps.map((s) => s.name);
  const endpointOf = (name: string): string => {
    const s = steps.find((x) => x.name === name)!;
    return isLoadStep(s) ? ENTITIES[s.entity].createEndpoint : `export:${s.name}`;
  };
  while (remaining.length > 0) {
    const ready = remaining.filter((n) => dependencies[n]!.every((d) => done.has(d)));
    if (ready.length === 0) {
      throw new ZpetlError('PIPELINE_INVALID', `steps depend on each other in a cycle: ${remaining.join(', ')}`, { hint: 'Check dependsOn and the lookups between these steps.' });
    }
    // One step per endpoint per stage; the others wait for the next stage.
    const used = new Set<string>();
    const stage: string[] = [];
    for (const n of ready) {
      const ep = endpointOf(n);
      if (used.has(ep)) continue;
      used.add(ep);
      stage.push(n);
    }
    stages.push({ steps: stage });
    for (const n of stage) {
      done.add(n);
      remaining.splice(remaining.indexOf(n), 1);
    }
  }
  return { order: stages.flatMap((s) => s.steps), stages, dependencies };
}
