/**
 * Payroll period snapshots (owned by src/payroll; accessors in payroll-snapshots.ts).
 *
 * A snapshot is one export of one period: which logs it paid (id + content hash + the exact figures
 * written), and which logs it saw but excluded (with the reason, e.g. `approval:Unapproved`), so the
 * next `--adjustments` run can tell "newly approved" from "added" and reverse exactly what was paid.
 * `period_key` = `START..END|<scope fingerprint>`: snapshots of the same dates with other filters are
 * separate histories.
 *
 * Logs are stored in chunks of up to 1,000 per row: a snapshot is always written and read whole, and
 * one row per log cost more than the rest of a 100,000-log export. `logs_json` is a columnar JSON
 * object (`{ v: 2, logIds, hashes, included, reasons, hasRecord, records | rawRecords }`, see
 * payroll-snapshots.ts: one array per field, few-distinct string columns as a dictionary + indices);
 * earlier versions wrote a JSON array of `[log_id, content_hash, included 0|1, excluded_reason|null,
 * record|null]`, still read. The JSON is stored raw-deflated (a BLOB; the column type is only an
 * affinity); the oldest rows hold the JSON text. To inspect a chunk outside zpetl:
 *   sqlite3 payroll.db "SELECT writefile('c.bin', logs_json) FROM payroll_snapshot_chunks WHERE snapshot_id = 1 AND seq = 0"
 *   node -e "console.log(zlib.inflateRawSync(fs.readFileSync('c.bin')).toString())"
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
  seen_logs INTEGER NOT NULL,
  paid_minutes INTEGER NOT NULL,
  output_sha256 TEXT NOT NULL,
  out_path TEXT
);
CREATE INDEX payroll_snapshots_by_period ON payroll_snapshots (period_key, id);
CREATE TABLE payroll_snapshot_chunks (
  snapshot_id INTEGER NOT NULL REFERENCES payroll_snapshots (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  logs_json TEXT NOT NULL,
  PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;
`;
