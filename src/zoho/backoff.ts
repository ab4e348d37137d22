/** Retry delays: full-jitter exponential backoff and Retry-After parsing. */

export interface BackoffOptions {
  /** First delay ceiling in ms (default 1000). */
  baseMs?: number;
  /** Largest delay ceiling in ms (default 60 000). */
  capMs?: number;
  /** Random source in [0, 1) (default Math.random). */
  random?: () => number;
}

/**
 * Full jitter: a uniform delay in [0, min(cap, base·2^attempt)] (attempt 0 = first retry). Spreads
 * concurrent retries instead of synchronising them.
 */
export function backoffMs(attempt: number, o: BackoffOptions = {}): number {
  const base = o.baseMs ?? 1000;
  const cap = o.capMs ?? 60_000;
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  return Math.floor((o.random ?? Math.random)() * ceiling);
}

/**
 * Parses a Retry-After header (delta seconds or an HTTP date) into ms from `nowMs`. Returns
 * undefined when absent, unparsable, zero or in the past: the caller then falls back to backoff
 * (a 0 must not become an immediate retry loop, dlt-hub/dlt#4036).
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const ms = Math.ceil(Number(v) * 1000);
    return ms > 0 ? ms : undefined;
  }
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  const ms = at - nowMs;
  return ms > 0 ? ms : undefined;
}
