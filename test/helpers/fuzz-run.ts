/**
 * The harness of the extractor fuzz tests (test/fuzz/): run sizes and seeds from the environment, a
 * read bounded in time and in items, and the checks every read of every input must pass.
 *
 * - `ZPETL_FUZZ_RUNS=<n>`: runs per property (default: each property's own, sized for `npm test`).
 * - `ZPETL_FUZZ_SEED=<n>`: the seed (default: a fresh one per property, printed before it runs).
 * - `ZPETL_FUZZ_PATH=<p>`: fast-check's counterexample path, printed with the seed on a failure;
 *   with the seed it replays that one case (name the property with `-t`).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { ERROR_CODES, ZpetlError, type SourcePosition } from '../../src/core/errors.js';
import type { ExtractItem } from '../../src/core/record.js';
import type { ExtractStats, ExtractWarning, Extractor, SourceHeader } from '../../src/extract/types.js';

/** How long one read may take before it counts as a hang. Real time: a bound, never a sleep. */
export const READ_TIMEOUT_MS = 5_000;

const envInt = (name: string): number | undefined => {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got "${v}"`);
  return n;
};

/** Runs of one property: `ZPETL_FUZZ_RUNS` when set, else `defaultRuns`. */
export const fuzzRuns = (defaultRuns: number): number => envInt('ZPETL_FUZZ_RUNS') ?? defaultRuns;

/** A vitest timeout for a property of `runs` runs (the default size stays far below it). */
export const fuzzTimeoutMs = (runs: number): number => Math.max(60_000, runs * 200);

/**
 * fast-check parameters for the property `name`: the seed (printed, with the command that replays
 * it), the run count and, when given, the path of a counterexample to replay.
 */
export function fuzzParams(name: string, defaultRuns: number): fc.Parameters<unknown> {
  const seed = envInt('ZPETL_FUZZ_SEED') ?? (Math.random() * 2 ** 31) | 0;
  const numRuns = fuzzRuns(defaultRuns);
  const path = process.env.ZPETL_FUZZ_PATH;
  console.log(`[fuzz] ${name}: seed ${seed}, ${numRuns} runs (replay: ZPETL_FUZZ_SEED=${seed} npx vitest run test/fuzz -t "${name}")`);
  return { seed, numRuns, ...(path ? { path } : {}), endOnFailure: path !== undefined };
}

/** What one read gave: the items in order, how it ended, and the extractor's state after it. */
export interface ReadResult {
  items: ExtractItem[];
  /** What the read threw (undefined when it ended cleanly). */
  error: unknown;
  timedOut: boolean;
  /** The read yielded more items than `maxItems` (an extractor that never ends). */
  runaway: boolean;
  stats: ExtractStats;
  warnings: readonly ExtractWarning[];
  header: SourceHeader | undefined;
}

/** Reads `ex` to its end, or until `timeoutMs` or `maxItems` items: neither a hang nor a flood stops the test run. */
export async function readBounded(ex: Extractor, maxItems: number, timeoutMs = READ_TIMEOUT_MS): Promise<ReadResult> {
  const items: ExtractItem[] = [];
  const abort = new AbortController();
  const hang = new Error('fuzz read timeout');
  let error: unknown;
  let runaway = false;
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    try {
      for await (const item of ex.read(abort.signal)) {
        items.push(item);
        if (items.length > maxItems) {
          runaway = true;
          break;
        }
      }
    } catch (e) {
      error = e;
    }
    return false;
  })();
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      abort.abort(hang);
      resolve(true);
    }, timeoutMs);
  });
  const timedOut = await Promise.race([work, timeout]);
  clearTimeout(timer);
  return { items, error: timedOut ? hang : error, timedOut, runaway, stats: { ...ex.stats() }, warnings: [...ex.warnings()], header: ex.header() };
}

export const posOf = (i: ExtractItem): SourcePosition => (i.kind === 'record' ? i.record.pos : i.reject.error.pos);

const describeError = (e: unknown): string => (e instanceof ZpetlError ? `${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e));

/**
 * The checks for every read of any input: it ended (no hang, no flood), it threw nothing but a
 * SOURCE_* ZpetlError, `stats()` counts exactly the items yielded, every reject has a known code,
 * a message and a line ≥ 1, positions name the source and never go back, and warnings carry codes.
 * Returns the fatal error's code, if any.
 */
export function checkRead(r: ReadResult, source: string, fileBytes: number): string | undefined {
  expect(r.timedOut, `the read did not end within ${READ_TIMEOUT_MS} ms`).toBe(false);
  expect(r.runaway, 'the read yielded more items than the file has bytes').toBe(false);
  let code: string | undefined;
  if (r.error !== undefined) {
    expect(r.error instanceof ZpetlError && r.error.code.startsWith('SOURCE_'), `threw ${describeError(r.error)}`).toBe(true);
    code = (r.error as ZpetlError).code;
    expect((r.error as ZpetlError).message.length).toBeGreaterThan(0);
  }
  const records = r.items.filter((i) => i.kind === 'record').length;
  expect({ records: r.stats.records, rejects: r.stats.rejects }, 'stats() counts the items yielded').toEqual({ records, rejects: r.items.length - records });
  let prev: SourcePosition | undefined;
  for (const item of r.items) {
    const pos = posOf(item);
    if (item.kind === 'reject') {
      const e = item.reject.error;
      expect(ERROR_CODES, `reject code ${e.code}`).toContain(e.code);
      expect(typeof e.message === 'string' && e.message.length > 0, 'a reject has a message').toBe(true);
      expect(typeof e.field, 'a reject has a field (maybe empty)').toBe('string');
    }
    expect(pos.source).toBe(source);
    expect(Number.isInteger(pos.line) && pos.line >= 1, `line ${pos.line} is an integer >= 1`).toBe(true);
    expect(Number.isInteger(pos.index) && pos.index >= 0, `index ${pos.index} is an integer >= 0`).toBe(true);
    if (pos.byteOffset !== undefined) expect(pos.byteOffset >= 0 && pos.byteOffset < fileBytes, `byteOffset ${pos.byteOffset} lies in the file (${fileBytes} bytes)`).toBe(true);
    if (prev !== undefined) {
      expect(pos.line, 'lines never go back').toBeGreaterThanOrEqual(prev.line);
      expect(pos.index, 'indexes increase').toBeGreaterThan(prev.index);
      if (pos.byteOffset !== undefined && prev.byteOffset !== undefined) expect(pos.byteOffset, 'byte offsets increase').toBeGreaterThan(prev.byteOffset);
    }
    prev = pos;
  }
  for (const w of r.warnings) {
    expect(w.code.startsWith('SOURCE_'), `warning code ${w.code}`).toBe(true);
    expect(w.message.length).toBeGreaterThan(0);
  }
  return code;
}

/** What must be the same when one file is read twice. */
const replayable = (r: ReadResult) => ({
  items: r.items,
  error: r.error instanceof ZpetlError ? `${r.error.code}: ${r.error.message}` : r.error === undefined ? undefined : String(r.error),
  stats: r.stats,
  warnings: r.warnings,
  header: r.header,
});

/** A second read of the same file gives the same items, error, stats, warnings and header. */
export function checkSameRead(a: ReadResult, b: ReadResult): void {
  expect(replayable(b), 'reading the same file twice gives the same answer').toEqual(replayable(a));
}
