/**
 * The rate budget's persistence port: src/zoho/rate-budget.ts paces calls with it, and
 * src/checkpoint/budget-store.ts keeps it in the checkpoint database, so that a restarted process
 * finds its calls still in the window and cannot burst. zoho/ and checkpoint/ are one layer and may
 * not import each other; their contract sits below both, as the injected Clock does. No I/O here.
 */

/**
 * What is kept per budget key (`portal|owner|METHOD /template`): `callsMs` are the send times still
 * inside the window (epoch ms), `lockedUntilMs` is set after a lock-out (epoch ms, 0 = never locked).
 */
export interface BudgetState {
  callsMs: number[];
  lockedUntilMs: number;
  /** Last limit learned from headers (RateLimit), if any. */
  learnedLimit?: number;
}

/** Loads and saves BudgetStates by key; synchronous (better-sqlite3), called on every reservation. */
export interface BudgetStore {
  /** The saved state of `key`, or undefined when none was saved. */
  load(key: string): BudgetState | undefined;
  save(key: string, state: BudgetState): void;
}
