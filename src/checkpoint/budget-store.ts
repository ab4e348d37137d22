/**
 * The rate budget's persistence (src/core/budget-store.ts BudgetStore) on the checkpoint database, table
 * `rate_budget` (schema-budget.ts). Holds only call times, lock ends and learned limits per
 * `portal|owner|METHOD /template` key: never a token or a secret.
 */
import type { BudgetState, BudgetStore } from '../core/budget-store.js';
import type { Db } from './db.js';

interface Row {
  calls_json: string;
  locked_until_ms: number;
  learned_limit: number | null;
}

/** Creates a BudgetStore on an open checkpoint database (migrations applied). */
export function createSqliteBudgetStore(db: Db, now: () => number = Date.now): BudgetStore {
  const get = db.prepare<[string], Row>('SELECT calls_json, locked_until_ms, learned_limit FROM rate_budget WHERE key = ?');
  const put = db.prepare<[string, string, number, number | null, number]>(
    `INSERT INTO rate_budget (key, calls_json, locked_until_ms, learned_limit, updated_ms) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET calls_json = excluded.calls_json, locked_until_ms = excluded.locked_until_ms,
       learned_limit = excluded.learned_limit, updated_ms = excluded.updated_ms`,
  );
  return {
    load(key) {
      const row = get.get(key);
      if (!row) return undefined;
      let calls: unknown;
      try {
        calls = JSON.parse(row.calls_json);
      } catch {
        calls = [];
      }
      const state: BudgetState = {
        callsMs: Array.isArray(calls) ? calls.filter((t): t is number => typeof t === 'number' && Number.isFinite(t)) : [],
        lockedUntilMs: row.locked_until_ms,
      };
      if (row.learned_limit !== null) state.learnedLimit = row.learned_limit;
      return state;
    },
    save(key, state) {
      put.run(key, JSON.stringify(state.callsMs.map((t) => Math.round(t))), Math.round(state.lockedUntilMs), state.learnedLimit ?? null, Math.round(now()));
    },
  };
}

/** An in-memory BudgetStore (tests, and runs without a checkpoint file). */
export function createMemoryBudgetStore(): BudgetStore & { keys(): string[] } {
  const m = new Map<string, string>();
  return {
    load: (key) => {
      const v = m.get(key);
      return v === undefined ? undefined : (JSON.parse(v) as BudgetState);
    },
    save: (key, state) => void m.set(key, JSON.stringify(state)),
    keys: () => [...m.keys()],
  };
}
