/**
 * Payroll period snapshots (owned by src/payroll; accessors in payroll-snapshots.ts).
 *
 * A snapshot is one export of one period: which logs it paid (id + content hash + the exact figures
 * written), and which logs it saw but excluded (with the reason, e.g. `approval:Unapproved`), so the
 * next `--adjustments` run can tell "newly approved" from "added" and reverse exactly what was paid.
 * `period_key` = `START..END|<scope fingerprint>`: snapshots of the same dates with other filters are
 * separate histories.
 */
export const PAYROLL_SCHEMA = `
CREATE TABLE payroll_snapshots (
  id INTEGER PRIMARY KEY,
  period_key TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('full', 'adjustments')),
  layout TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  included_logs INTEGER NOT NULL,
  paid_minutes INTEGER NOT NULL,
  output_sha256 TEXT NOT NULL,
  out_path TEXT
);
CREATE INDEX payroll_snapshots_by_period ON payroll_snapshots (period_key, id);
CREATE TABLE payroll_snapshot_logs (
  snapshot_id INTEGER NOT NULL REFERENCES payroll_snapshots (id) ON DELETE CASCADE,
  log_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  included INTEGER NOT NULL CHECK (included IN (0, 1)),
  excluded_reason TEXT,
  row_json TEXT,
  PRIMARY KEY (snapshot_id, log_id)
) WITHOUT ROWID;
`;
