/**
 * Reads and writes payroll period snapshots (schema in schema-payroll.ts). One transaction per
 * snapshot: a crash leaves either the whole snapshot or none.
 */
import type { Db } from './db.js';

export interface SnapshotHeader {
  id: number;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  kind: 'full' | 'adjustments';
  layout: string;
  createdMs: number;
  includedLogs: number;
  paidMinutes: number;
  outputSha256: string;
  outPath: string | null;
}

export interface SnapshotLog {
  logId: string;
  contentHash: string;
  included: boolean;
  /** Why a seen log was not paid, e.g. `approval:Unapproved`, `rejected:ROW_DAY_OVER_24H`. */
  excludedReason: string | null;
  /** What was written for it (JSON chosen by the caller); null for excluded logs. */
  rowJson: string | null;
}

interface HeaderRow {
  id: number;
  period_key: string;
  period_start: string;
  period_end: string;
  kind: 'full' | 'adjustments';
  layout: string;
  created_ms: number;
  included_logs: number;
  paid_minutes: number;
  output_sha256: string;
  out_path: string | null;
}

const toHeader = (r: HeaderRow): SnapshotHeader => ({
  id: r.id,
  periodKey: r.period_key,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  kind: r.kind,
  layout: r.layout,
  createdMs: r.created_ms,
  includedLogs: r.included_logs,
  paidMinutes: r.paid_minutes,
  outputSha256: r.output_sha256,
  outPath: r.out_path,
});

export function createPayrollSnapshotStore(db: Db) {
  const latestStmt = db.prepare<[string], HeaderRow>('SELECT * FROM payroll_snapshots WHERE period_key = ? ORDER BY id DESC LIMIT 1');
  const listStmt = db.prepare<[string], HeaderRow>('SELECT * FROM payroll_snapshots WHERE period_key = ? ORDER BY id');
  const logsStmt = db.prepare<[number], { log_id: string; content_hash: string; included: number; excluded_reason: string | null; row_json: string | null }>(
    'SELECT log_id, content_hash, included, excluded_reason, row_json FROM payroll_snapshot_logs WHERE snapshot_id = ?',
  );
  const insertHeader = db.prepare(
    `INSERT INTO payroll_snapshots (period_key, period_start, period_end, kind, layout, created_ms, included_logs, paid_minutes, output_sha256, out_path)
     VALUES (@periodKey, @periodStart, @periodEnd, @kind, @layout, @createdMs, @includedLogs, @paidMinutes, @outputSha256, @outPath)`,
  );
  const insertLog = db.prepare('INSERT INTO payroll_snapshot_logs (snapshot_id, log_id, content_hash, included, excluded_reason, row_json) VALUES (?, ?, ?, ?, ?, ?)');
  const record = db.transaction((h: Omit<SnapshotHeader, 'id'>, logs: Iterable<SnapshotLog>): number => {
    const id = Number(insertHeader.run(h).lastInsertRowid);
    for (const l of logs) insertLog.run(id, l.logId, l.contentHash, l.included ? 1 : 0, l.excludedReason, l.rowJson);
    return id;
  });
  return {
    /** The newest snapshot of a period, or undefined. */
    latest(periodKey: string): SnapshotHeader | undefined {
      const r = latestStmt.get(periodKey);
      return r ? toHeader(r) : undefined;
    },
    list(periodKey: string): SnapshotHeader[] {
      return listStmt.all(periodKey).map(toHeader);
    },
    /** Every log a snapshot saw, by log id. */
    logs(snapshotId: number): Map<string, SnapshotLog> {
      const out = new Map<string, SnapshotLog>();
      for (const r of logsStmt.iterate(snapshotId)) {
        out.set(r.log_id, { logId: r.log_id, contentHash: r.content_hash, included: r.included === 1, excludedReason: r.excluded_reason, rowJson: r.row_json });
      }
      return out;
    },
    /** Records a snapshot atomically; returns its id. */
    record(header: Omit<SnapshotHeader, 'id'>, logs: Iterable<SnapshotLog>): number {
      return record(header, logs);
    },
  };
}

export type PayrollSnapshotStore = ReturnType<typeof createPayrollSnapshotStore>;
