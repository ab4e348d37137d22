/**
 * Reads and writes payroll period snapshots (schema and layout in schema-payroll.ts). One transaction
 * per snapshot: a crash leaves either the whole snapshot or none.
 *
 * Chunks are written as raw-deflated JSON (a BLOB in `logs_json`): a 100,000-log snapshot is ~30 MB of
 * JSON whose SQLite write cost more CPU than the CSV, and ~1/10 of that deflated (level 1, ~0.1 s).
 * Chunks written as JSON text by earlier versions are read as they are.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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
  seenLogs: number;
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
  /** What was written for it (any JSON value the caller chooses); null for excluded logs. */
  record: unknown;
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
  seen_logs: number;
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
  seenLogs: r.seen_logs,
  paidMinutes: r.paid_minutes,
  outputSha256: r.output_sha256,
  outPath: r.out_path,
});

const CHUNK = 1000;

export function createPayrollSnapshotStore(db: Db) {
  const latestStmt = db.prepare<[string], HeaderRow>('SELECT * FROM payroll_snapshots WHERE period_key = ? ORDER BY id DESC LIMIT 1');
  const listStmt = db.prepare<[string], HeaderRow>('SELECT * FROM payroll_snapshots WHERE period_key = ? ORDER BY id');
  const chunksStmt = db.prepare<[number], { logs_json: string | Buffer }>('SELECT logs_json FROM payroll_snapshot_chunks WHERE snapshot_id = ? ORDER BY seq');
  const insertHeader = db.prepare(
    `INSERT INTO payroll_snapshots (period_key, period_start, period_end, kind, layout, created_ms, included_logs, seen_logs, paid_minutes, output_sha256, out_path)
     VALUES (@periodKey, @periodStart, @periodEnd, @kind, @layout, @createdMs, @includedLogs, @seenLogs, @paidMinutes, @outputSha256, @outPath)`,
  );
  const insertChunk = db.prepare('INSERT INTO payroll_snapshot_chunks (snapshot_id, seq, logs_json) VALUES (?, ?, ?)');
  const record = db.transaction((h: Omit<SnapshotHeader, 'id' | 'seenLogs'>, logs: Iterable<SnapshotLog>): number => {
    const id = Number(insertHeader.run({ ...h, seenLogs: 0 }).lastInsertRowid);
    let seq = 0;
    let seen = 0;
    let parts: unknown[] = [];
    const flush = () => {
      // one stringify (and one deflate) per chunk: half the cost of one per log
      insertChunk.run(id, seq++, deflateRawSync(JSON.stringify(parts), { level: 1 }));
      parts = [];
    };
    for (const l of logs) {
      parts.push([l.logId, l.contentHash, l.included ? 1 : 0, l.excludedReason, l.record ?? null]);
      seen++;
      if (parts.length >= CHUNK) flush();
    }
    if (parts.length) flush();
    db.prepare('UPDATE payroll_snapshots SET seen_logs = ? WHERE id = ?').run(seen, id);
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
      for (const r of chunksStmt.iterate(snapshotId)) {
        const text = typeof r.logs_json === 'string' ? r.logs_json : inflateRawSync(r.logs_json).toString('utf8');
        for (const [logId, contentHash, included, reason, row] of JSON.parse(text) as [string, string, number, string | null, unknown][]) {
          out.set(logId, { logId, contentHash, included: included === 1, excludedReason: reason, record: row });
        }
      }
      return out;
    },
    /** Records a snapshot atomically; returns its id. */
    record(header: Omit<SnapshotHeader, 'id' | 'seenLogs'>, logs: Iterable<SnapshotLog>): number {
      return record(header, logs);
    },
  };
}

export type PayrollSnapshotStore = ReturnType<typeof createPayrollSnapshotStore>;
