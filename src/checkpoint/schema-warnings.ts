/**
 * Migration 7: row warnings (src/checkpoint/warning-store.ts): problems that did not stop a row, such as
 * a lookup with `onMissing: warn` or a `distinct:` step's folded row whose values differ. The same
 * columns as `rejects` (schema-runs.ts), so one writer and one reader serve both tables; `stage` is
 * always 'prepare' (warnings are found before any request). A row may carry several warnings, one per
 * code and field, each recorded at most once per run however often a resumed run re-reads the row.
 */
export const WARNINGS_SCHEMA = `
CREATE TABLE warnings (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL,
  step TEXT NOT NULL,
  key TEXT,
  stage TEXT NOT NULL,
  source TEXT NOT NULL,
  line INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  code TEXT NOT NULL,
  field TEXT NOT NULL,
  message TEXT NOT NULL,
  value TEXT,
  columns_json TEXT NOT NULL DEFAULT '[]',
  created_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX warnings_row ON warnings(run_id, step, source, idx, code, field);
`;
