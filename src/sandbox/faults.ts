/**
 * Fault injection: scripted (the nth matching request) and random (probability, from a seeded PRNG
 * so a run with the same seed and request order sees the same faults).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ZpetlError } from '../core/index.js';
import { describeIssue, shown } from './admin-input.js';
import { faultSpecSchema, type Fault, type FaultSpec } from './options.js';

/** One mulberry32 step: small, fast, good enough for fault dice. Returns the value and the next state. */
function mulberry32(state: number): [value: number, next: number] {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, next];
}

/** A seeded PRNG in [0, 1). */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    const [v, next] = mulberry32(a);
    a = next;
    return v;
  };
}

export interface FaultState extends Fault {
  /** Matching requests seen so far. */
  seen: number;
  /** Times this fault fired. */
  fired: number;
}

/** The whole fault state: what a file-backed sandbox keeps across a restart (runtime-state.ts). */
export interface FaultSnapshot {
  faults: FaultState[];
  /** The PRNG state behind `probability` faults. */
  rng: number;
}

/** What a matching request changes: the counts of every fault (in list order) and the PRNG state. */
export interface FaultCounts {
  seen: number[];
  fired: number[];
  rng: number;
}

export interface FaultEngine {
  /**
   * The fault to apply to this request, if any (counts the request against every matching fault).
   * `explicitOnly`: only faults naming `endpoint` match (the token endpoint is not hit by `*`).
   */
  pick(method: string, endpoint: string, explicitOnly?: boolean): FaultState | undefined;
  list(): FaultState[];
  set(specs: FaultSpec[]): void;
  clear(): void;
  snapshot(): FaultSnapshot;
}

const listSchema = z.array(faultSpecSchema);

/** Validates fault specs (array or {faults: [...]}); throws SANDBOX_FAULTS_INVALID naming the field, the expected and the given value. */
export function parseFaults(input: unknown, source = 'faults'): Fault[] {
  // An array, or {faults: [...]} (the form that leaves room for comments in YAML files).
  const list =
    input !== null && typeof input === 'object' && !Array.isArray(input) && 'faults' in input
      ? (input as { faults: unknown }).faults
      : input;
  const r = listSchema.safeParse(list);
  if (!r.success) {
    const d = describeIssue(r.error, list, 'faults');
    throw new ZpetlError('SANDBOX_FAULTS_INVALID', `${source}: ${d.field}: expected ${d.expected}, got ${shown(d.given)}`, {
      disposition: 'fatal',
      field: d.field,
      value: shown(d.given),
    });
  }
  return r.data;
}

/** Reads a JSON or YAML fault file. */
export function loadFaultFile(path: string): Fault[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ZpetlError('SANDBOX_FAULTS_INVALID', `cannot read fault file ${path}`, { disposition: 'fatal', cause });
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (cause) {
    throw new ZpetlError('SANDBOX_FAULTS_INVALID', `${path}: not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}`, {
      disposition: 'fatal',
      cause,
    });
  }
  return parseFaults(data, path);
}

/**
 * The fault engine. `restored`: a snapshot of the same fault list from before a restart (its counts and
 * PRNG state go on). `onList` is told the whole state when the list changes; `onCounts` only the counts
 * after a request matched a fault (small, whatever the size of the list).
 */
export function createFaultEngine(
  seed: number,
  initial: Fault[] = [],
  opts: { restored?: FaultSnapshot; onList?: (s: FaultSnapshot) => void; onCounts?: (c: FaultCounts) => void } = {},
): FaultEngine {
  let rng = seed >>> 0;
  let faults: FaultState[] = [];
  const install = (list: Fault[]) => {
    rng = seed >>> 0;
    faults = list.map((f) => ({ ...f, seen: 0, fired: 0 }));
  };
  if (opts.restored) {
    rng = opts.restored.rng >>> 0;
    faults = opts.restored.faults.map((f) => ({ ...f }));
  } else install(initial);
  const snapshot = (): FaultSnapshot => ({ faults: faults.map((f) => ({ ...f })), rng });
  const listChanged = () => opts.onList?.(snapshot());
  const countsChanged = () => opts.onCounts?.({ seen: faults.map((f) => f.seen), fired: faults.map((f) => f.fired), rng });
  if (!opts.restored) listChanged(); // a new list is persisted at once, before any request counts against it

  return {
    pick(method, endpoint, explicitOnly = false) {
      let chosen: FaultState | undefined;
      let matched = false;
      for (const f of faults) {
        if (f.endpoint === '*' ? explicitOnly : f.endpoint !== endpoint) continue;
        if (f.methods && !f.methods.some((m) => m.toUpperCase() === method)) continue;
        f.seen++;
        matched = true;
        if (chosen) continue;
        if (f.times !== undefined && f.fired >= f.times) continue;
        const nth = f.nth === undefined ? [] : Array.isArray(f.nth) ? f.nth : [f.nth];
        // Roll the die for every matching request so the sequence does not depend on scripted hits.
        let roll = 1;
        if (f.probability !== undefined) [roll, rng] = mulberry32(rng);
        if (nth.includes(f.seen) || (f.probability !== undefined && roll < f.probability)) {
          f.fired++;
          chosen = f;
        }
      }
      if (matched) countsChanged();
      return chosen;
    },
    list: () => faults.map((f) => ({ ...f })),
    set(specs) {
      install(parseFaults(specs));
      listChanged();
    },
    clear() {
      install([]);
      listChanged();
    },
    snapshot,
  };
}
