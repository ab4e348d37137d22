/** Payroll period snapshots (owned by src/payroll). */
export const PAYROLL_SCHEMA = `
CREATE TABLE payroll_exports (
  id INTEGER PRIMARY KEY,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
`;
