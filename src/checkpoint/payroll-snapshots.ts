/**
 * Reads and writes payroll period snapshots (schema and layout in schema-payroll.ts). One transaction
 * per snapshot: a crash leaves either the whole snapshot or none.
 *
 * Chunks are written as raw-deflated JSON (a BLOB in `logs_json`), columnar (`ColumnarChunk`): one
 * array per field instead of one array per log, and a column of few distinct strings (names, e-mails,
 * projects, billing, approval, dates) as a dictionary plus indices. A 100,000-log snapshot was ~30 MB
 * of row JSON; stringifying and deflating that was a third of a detail export's CPU (bench/payroll.ts).
 * Chunks written by earlier versions (row JSON, as text or deflated) are read as they are.
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

/**
 * One column of a chunk: the values; or (few distinct strings) a dictionary and an index per value; or
 * `{ logId: 1 }` when every value is its log's id (a record that repeats it).
 */
type Column = { r: unknown[] } | { d: string[]; i: number[] } | { logId: 1 };

/**
 * A chunk of up to CHUNK logs, by field. `records` holds, when every non-null record of the chunk is an
 * array of one length, one Column per position over the logs whose `hasRecord` is 1; otherwise
 * `rawRecords` holds each record as it is.
 */
interface ColumnarChunk {
  v: 2;
  logIds: string[];
  hashes: string[];
  included: number[];
  reasons: Column;
  hasRecord: number[];
  records?: Column[];
  rawRecords?: unknown[];
}

/** A dictionary when the first 64 values hold at most 32 distinct strings (cheap to decide, rarely wrong). */
function encodeColumn(values: unknown[], logIds?: readonly string[]): Column {
  const n = values.length;
  if (logIds && n > 0) {
    let k = 0;
    while (k < n && values[k] === logIds[k]) k++;
    if (k === n) return { logId: 1 };
  }
  const probe = new Set<unknown>();
  for (let k = 0; k < n && k < 64; k++) probe.add(values[k]);
  if (probe.size > 32) return { r: values };
  const index = new Map<string, number>();
  const d: string[] = [];
  const i: number[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const v = values[k];
    if (typeof v !== 'string') return { r: values };
    let x = index.get(v);
    if (x === undefined) {
      x = d.length;
      d.push(v);
      index.set(v, x);
    }
    i[k] = x;
  }
  return { d, i };
}

const decodeColumn = (c: Column, logIds: readonly string[]): readonly unknown[] => ('r' in c ? c.r : 'logId' in c ? logIds : c.i.map((n) => c.d[n]));

function encodeChunk(logs: readonly SnapshotLog[]): ColumnarChunk {
  const n = logs.length;
  const logIds: string[] = new Array(n);
  const hashes: string[] = new Array(n);
  const included: number[] = new Array(n);
  const reasons: (string | null)[] = new Array(n);
  const hasRecord: number[] = new Array(n);
  const withRecord: unknown[][] = [];
  const recordIds: string[] = [];
  let width = -2; // -2: no record yet, -1: records of different shapes
  for (let k = 0; k < n; k++) {
    const l = logs[k]!;
    logIds[k] = l.logId;
    hashes[k] = l.contentHash;
    included[k] = l.included ? 1 : 0;
    reasons[k] = l.excludedReason;
    const rec = l.record;
    hasRecord[k] = rec === null || rec === undefined ? 0 : 1;
    if (hasRecord[k] === 0) continue;
    if (width !== -1) width = Array.isArray(rec) && (width === -2 || rec.length === width) ? rec.length : -1;
    withRecord.push(rec as unknown[]);
    recordIds.push(l.logId);
  }
  const chunk: ColumnarChunk = { v: 2, logIds, hashes, included, reasons: encodeColumn(reasons), hasRecord };
  if (width >= 0) {
    chunk.records = new Array(width);
    const m = withRecord.length;
    for (let c = 0; c < width; c++) {
      const values: unknown[] = new Array(m);
      for (let k = 0; k < m; k++) values[k] = withRecord[k]![c];
      chunk.records[c] = encodeColumn(values, recordIds);
    }
  } else if (withRecord.length > 0) chunk.rawRecords = withRecord;
  return chunk;
}

function decodeChunk(chunk: ColumnarChunk, out: Map<string, SnapshotLog>): void {
  const reasons = decodeColumn(chunk.reasons, chunk.logIds) as (string | null)[];
  const ids = chunk.logIds.filter((_, k) => chunk.hasRecord[k] === 1);
  const columns = chunk.records?.map((c) => decodeColumn(c, ids));
  let r = 0;
  for (let k = 0; k < chunk.logIds.length; k++) {
    let record: unknown = null;
    if (chunk.hasRecord[k] === 1) {
      record = columns ? columns.map((col) => col[r]) : chunk.rawRecords![r];
      r++;
    }
    out.set(chunk.logIds[k]!, { logId: chunk.logIds[k]!, contentHash: chunk.hashes[k]!, included: chunk.included[k] === 1, excludedReason: reasons[k] ?? null, record });
  }
}

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
    let parts: SnapshotLog[] = [];
    const flush = () => {
      // one stringify (and one deflate) per chunk: half the cost of one per log
      insertChunk.run(id, seq++, deflateRawSync(JSON.stringify(encodeChunk(parts)), { level: 1 }));
      parts = [];
    };
    for (const l of logs) {
      parts.push(l);
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
        const chunk = JSON.parse(text) as ColumnarChunk | [string, string, number, string | null, unknown][];
        if (!Array.isArray(chunk)) {
          decodeChunk(chunk, out);
          continue;
        }
        // row JSON, written by earlier versions
        for (const [logId, contentHash, included, reason, row] of chunk) {
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
