/**
 * Fault injection: scripted (the nth matching request) and random (probability, from a seeded PRNG
 * so a run with the same seed and request order sees the same faults).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ZpetlError } from '../core/index.js';
import { faultSpecSchema, type Fault, type FaultSpec } from './options.js';

/** mulberry32: small, fast, good enough for fault dice. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultState extends Fault {
  /** Matching requests seen so far. */
  seen: number;
  /** Times this fault fired. */
  fired: number;
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
}

const listSchema = z.array(faultSpecSchema);

/** Validates fault specs (array or {faults: [...]}); throws SANDBOX_FAULTS_INVALID naming the problem. */
export function parseFaults(input: unknown, source = 'faults'): Fault[] {
  // An array, or {faults: [...]} (the form that leaves room for comments in YAML files).
  const list =
    input !== null && typeof input === 'object' && !Array.isArray(input) && 'faults' in input
      ? (input as { faults: unknown }).faults
      : input;
  const r = listSchema.safeParse(list);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ZpetlError(
      'SANDBOX_FAULTS_INVALID',
      `${source}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
      { disposition: 'fatal' },
    );
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

export function createFaultEngine(seed: number, initial: Fault[] = []): FaultEngine {
  let rng = createPrng(seed);
  let faults: FaultState[] = [];
  const install = (list: Fault[]) => {
    rng = createPrng(seed);
    faults = list.map((f) => ({ ...f, seen: 0, fired: 0 }));
  };
  install(initial);

  return {
    pick(method, endpoint, explicitOnly = false) {
      let chosen: FaultState | undefined;
      for (const f of faults) {
        if (f.endpoint === '*' ? explicitOnly : f.endpoint !== endpoint) continue;
        if (f.methods && !f.methods.some((m) => m.toUpperCase() === method)) continue;
        f.seen++;
        if (chosen) continue;
        if (f.times !== undefined && f.fired >= f.times) continue;
        const nth = f.nth === undefined ? [] : Array.isArray(f.nth) ? f.nth : [f.nth];
        // Roll the die for every matching request so the sequence does not depend on scripted hits.
        const roll = f.probability !== undefined ? rng() : 1;
        if (nth.includes(f.seen) || (f.probability !== undefined && roll < f.probability)) {
          f.fired++;
          chosen = f;
        }
      }
      return chosen;
    },
    list: () => faults.map((f) => ({ ...f })),
    set: (specs) => install(parseFaults(specs)),
    clear: () => install([]),
  };
}
