/**
 * The order steps run in: explicit `dependsOn`, plus the entity order (a step waits for every step of
 * an entity it references, e.g. tasks wait for task lists). Steps are grouped in stages: the steps of
 * a stage depend on nothing in their stage and hit different create endpoints, so they may run at
 * the same time (each endpoint has its own budget).
 */
import { ZpetlError } from '../../core/errors.js';
import { formatPath, type PathPart } from './config-path.js';
import { ENTITIES } from '../entities.js';
import { isLoadStep, type StepConfig } from './schema.js';
import { lookupSteps } from '../../transform/lookup-spec.js';

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

/** One reason a step waits for another, and where the pipeline file says so. */
interface DependencyEdge {
  on: string;
  /** `steps[i].dependsOn[j]`, `steps[i].fields.F.lookup.step`, or `steps[i].entity` for the entity order. */
  path: PathPart[];
  /** Written by the user (dependsOn, a lookup), as opposed to implied by the entity order. */
  explicit: boolean;
}

/** Every edge of every step: dependsOn + steps of the entities it references + the steps its lookups read. */
function dependencyEdges(steps: readonly StepConfig[]): Map<string, DependencyEdge[]> {
  const out = new Map<string, DependencyEdge[]>();
  steps.forEach((s, i) => {
    const edges: DependencyEdge[] = (s.dependsOn ?? []).map((on, j) => ({ on, path: ['steps', i, 'dependsOn', j], explicit: true }));
    if (isLoadStep(s)) {
      const refs = ENTITIES[s.entity].references;
      for (const t of steps) if (t !== s && isLoadStep(t) && refs.includes(t.entity) && !(t.entity === s.entity)) edges.push({ on: t.name, path: ['steps', i, 'entity'], explicit: false });
      for (const [field, f] of Object.entries(s.fields)) {
        const read = f.lookup === undefined ? [] : lookupSteps(f.lookup);
        const at = (j: number): PathPart[] => ['steps', i, 'fields', field, 'lookup', 'step', ...(typeof f.lookup?.step === 'string' ? [] : [j])];
        read.forEach((on, j) => {
          if (on !== s.name) edges.push({ on, path: at(j), explicit: true });
        });
      }
      // Users scoped to projects need the projects; project owners need the users: the explicit entity order wins.
      const dropped = new Set<string>();
      if (s.entity === 'user') for (const t of steps) if (isLoadStep(t) && t.entity === 'project' && s.scope !== 'project') dropped.add(t.name);
      if (s.entity === 'project') for (const t of steps) if (isLoadStep(t) && t.entity === 'user' && t.scope === 'project') dropped.add(t.name);
      out.set(s.name, edges.filter((e) => !dropped.has(e.on)));
    } else out.set(s.name, edges);
  });
  return out;
}

/** Dependencies of each step: dependsOn + steps of the entities it references (+ task steps for lookups by key). */
export function stepDependencies(steps: readonly StepConfig[]): Record<string, string[]> {
  const deps: Record<string, string[]> = {};
  for (const [name, edges] of dependencyEdges(steps)) deps[name] = [...new Set(edges.map((e) => e.on))];
  return deps;
}

/** A dependency cycle: the steps in it and the place in the file that closes it. */
export interface StepCycle {
  /** `['a', 'b', 'a']`: a waits for b, b waits for a. */
  steps: string[];
  /** Where the file says so: the first dependsOn or lookup of the cycle (else the first step's `entity`). */
  path: PathPart[];
  /** `steps depend on each other in a cycle: a → b → a (a waits for b: steps[0].dependsOn[0]; …)`. */
  message: string;
}

/**
 * The one check for dependency cycles, shared by `zpetl validate` (load-pipeline.ts reports it as a
 * problem of the file, with its line), the dry run and the real run (through the same loading, and
 * planSteps for a pipeline given as an object). Steps are searched in file order; an unknown step
 * name (the schema's problem) is no edge.
 */
export function findStepCycle(steps: readonly StepConfig[]): StepCycle | undefined {
  const edges = dependencyEdges(steps);
  const state = new Map<string, 'open' | 'done'>();
  const trail: { name: string; via?: DependencyEdge }[] = [];
  const visit = (name: string, via?: DependencyEdge): StepCycle | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'open') {
      const from = trail.findIndex((t) => t.name === name);
      const names = [...trail.slice(from).map((t) => t.name), name];
      // Each link as the file writes it when it does (a lookup rather than the entity order it repeats).
      const links = [...trail.slice(from + 1).map((t) => t.via!), via!].map((l, k) => edges.get(names[k]!)!.find((x) => x.explicit && x.on === l.on) ?? l);
      const closing = links.find((l) => l.explicit) ?? links[0]!;
      const why = links.map((l, k) => `${names[k]} waits for ${l.on}: ${formatPath(l.path)}`).join('; ');
      return { steps: names, path: closing.path, message: `steps depend on each other in a cycle: ${names.join(' → ')} (${why})` };
    }
    state.set(name, 'open');
    trail.push(via ? { name, via } : { name });
    for (const e of edges.get(name) ?? []) {
      if (!edges.has(e.on)) continue;
      const found = visit(e.on, e);
      if (found) return found;
    }
    trail.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const s of steps) {
    const found = visit(s.name);
    if (found) return found;
  }
  return undefined;
}

/** What to do about a cycle, for validate and the runs alike. */
const STEP_CYCLE_HINT = 'Check dependsOn and the lookups between these steps.';

/** Orders steps; throws PIPELINE_INVALID on a dependency cycle (findStepCycle's). */
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
      const cycle = findStepCycle(steps);
      const message = cycle ? `${formatPath(cycle.path)}: ${cycle.message}` : `steps wait for each other: ${remaining.join(', ')}`;
      throw new ZpetlError('PIPELINE_INVALID', message, { details: { problems: [cycle ? { path: formatPath(cycle.path), message: cycle.message } : { path: '', message }] }, hint: STEP_CYCLE_HINT });
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
