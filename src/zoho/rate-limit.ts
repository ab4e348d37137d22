/**
 * Zoho Projects' rate limit, written once, and the arithmetic every figure derived from it uses: the
 * client's budget (rate-budget.ts), the dry run's estimate and the real run's ETA
 * (src/pipeline/estimate.ts, run-eta.ts) and the pipeline file's default headroom
 * (src/pipeline/file/schema.ts). See docs/zoho-api-notes.md#rate-limits.
 *
 * The unit of the limit is one endpoint: METHOD + path template, per portal and token owner.
 */

/** Zoho's documented limit per endpoint; overridable per client for other tiers (ZohoClientOptions). */
export const ZOHO_RATE_LIMIT = {
  /** Calls per window per endpoint. */
  callsPerWindow: 200,
  /** The window's length, ms (2 minutes). */
  windowMs: 120_000,
  /** How long Zoho locks an endpoint whose limit was exceeded, ms (10 minutes), when no Retry-After says. */
  lockMs: 600_000,
} as const;

/** Share of each endpoint's limit left unused by default, for people using the portal: 195 of 200 calls. */
export const DEFAULT_HEADROOM = 0.025;

/**
 * Calls per window we allow ourselves: `limit` less the `headroom` share (a fraction in [0, 1)),
 * rounded down, at least 1. 200 at 0.025 → 195.
 */
export function callsPerWindowAfter(headroom: number, limit: number = ZOHO_RATE_LIMIT.callsPerWindow): number {
  return Math.max(1, Math.floor(limit * (1 - headroom)));
}

/**
 * Windows `calls` need beyond the first: the first window's calls go at once, every further
 * `callsPerWindow` calls (or part of them) wait one more window. 0 for 0 calls or fewer.
 */
export function extraWindows(calls: number, callsPerWindow: number): number {
  return calls <= 0 ? 0 : Math.ceil(calls / callsPerWindow) - 1;
}

/**
 * Least time, ms, `calls` take on one endpoint at `callsPerWindow` calls per `windowMs` (default
 * Zoho's 2 minutes), starting with a full window: {@link extraWindows} × `windowMs`.
 */
export function budgetDurationMs(calls: number, callsPerWindow: number, windowMs: number = ZOHO_RATE_LIMIT.windowMs): number {
  return extraWindows(calls, callsPerWindow) * windowMs;
}
