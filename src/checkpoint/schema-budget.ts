/** Rate-budget state per endpoint key (see src/zoho/types.ts BudgetStore). */
export const BUDGET_SCHEMA = `
CREATE TABLE rate_budget (
  key TEXT PRIMARY KEY,
  calls_json TEXT NOT NULL,
  locked_until_ms INTEGER NOT NULL DEFAULT 0,
  learned_limit INTEGER,
  updated_ms INTEGER NOT NULL
);
`;
