/**
 * Folds PipelineEvents into the per-step view every renderer shows: counts, total, state, rate and ETA.
 * The rate is measured over a sliding window of recent samples; the ETA prefers the run loop's own
 * figure (`etaMs`, computed from the rate budget) and falls back to remaining / rate.
 */
import type { EntityKind } from '../../core/entity-kind.js';
import type { StepState } from '../../core/pipeline-event.js';
import { emptyCounts, type StepCounts } from '../../core/step-counts.js';
import type { PipelineEvent } from '../../pipeline/events.js';
import { doneOf } from './format.js';

export interface StepView {
  name: string;
  entity: EntityKind | undefined;
  total: number | undefined;
  counts: StepCounts;
  state: StepState;
  started: boolean;
  ended: boolean;
  /** Records per second over the recent window (0 until two samples exist). */
  rate: number;
  /** Milliseconds to finish, when known. */
  etaMs: number | undefined;
  done: number;
}

/** How far back the rate looks. */
const RATE_WINDOW_MS = 10_000;

export interface StepTracker {
  /** Applies an event; returns the step it changed, if any. */
  apply(e: PipelineEvent): StepView | undefined;
  steps(): StepView[];
  get(name: string): StepView | undefined;
  readonly dryRun: boolean;
}

export function createStepTracker(now: () => number): StepTracker {
  const views = new Map<string, StepView>();
  const samples = new Map<string, { t: number; done: number }[]>();
  let dryRun = false;

  const view = (name: string): StepView => {
    let v = views.get(name);
    if (!v) {
      v = { name, entity: undefined, total: undefined, counts: emptyCounts(), state: { kind: 'pending' }, started: false, ended: false, rate: 0, etaMs: undefined, done: 0 };
      views.set(name, v);
      samples.set(name, []);
    }
    return v;
  };

  const sample = (v: StepView, etaMs: number | undefined) => {
    v.done = doneOf(v.counts, dryRun);
    const t = now();
    const list = samples.get(v.name)!;
    list.push({ t, done: v.done });
    while (list.length > 2 && t - list[0]!.t > RATE_WINDOW_MS) list.shift();
    const first = list[0]!;
    const dt = t - first.t;
    v.rate = dt > 0 ? ((v.done - first.done) * 1000) / dt : v.rate;
    if (etaMs !== undefined) v.etaMs = etaMs;
    else if (v.total !== undefined && v.rate > 0) v.etaMs = ((v.total - v.done) / v.rate) * 1000;
    else v.etaMs = undefined;
  };

  return {
    get dryRun() {
      return dryRun;
    },
    apply(e) {
      switch (e.type) {
        case 'run-start':
          dryRun = e.dryRun;
          for (const s of e.steps) {
            const v = view(s.name);
            v.entity = s.entity;
            v.total = s.total;
          }
          return undefined;
        case 'step-start': {
          const v = view(e.step);
          v.entity = e.entity;
          if (e.total !== undefined) v.total = e.total;
          v.started = true;
          v.state = { kind: 'running' };
          sample(v, undefined);
          return v;
        }
        case 'step-progress': {
          const v = view(e.step);
          v.started = true;
          v.counts = e.counts;
          if (e.total !== undefined) v.total = e.total;
          sample(v, e.etaMs);
          return v;
        }
        case 'step-state': {
          const v = view(e.step);
          v.state = e.state;
          return v;
        }
        case 'step-end': {
          const v = view(e.step);
          v.counts = e.counts;
          v.ended = true;
          if (v.state.kind !== 'failed') v.state = { kind: 'done' };
          sample(v, 0);
          if (v.total === undefined || v.total < v.done) v.total = v.done;
          return v;
        }
        default:
          return undefined;
      }
    },
    steps: () => [...views.values()],
    get: (name) => views.get(name),
  };
}
