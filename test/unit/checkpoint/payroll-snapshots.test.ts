import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openCheckpointDb } from '../../../src/checkpoint/db.js';
import { createPayrollSnapshotStore } from '../../../src/checkpoint/payroll-snapshots.js';

const header = {
  periodKey: '2026-11-01..2026-11-15|abc',
  periodStart: '2026-11-01',
  periodEnd: '2026-11-15',
  kind: 'full' as const,
  layout: 'detail',
  createdMs: 1,
  includedLogs: 1,
  paidMinutes: 30,
  outputSha256: 'f'.repeat(64),
  outPath: null,
};

describe('payroll snapshot store', () => {
  it('round-trips 2,500 logs across chunks (stored deflated, far smaller than the JSON)', () => {
    const cdb = openCheckpointDb(':memory:');
    const store = createPayrollSnapshotStore(cdb.db);
    const logs = Array.from({ length: 2500 }, (_, i) => ({
      logId: String(1512955000100000000n + BigInt(i)),
      contentHash: i.toString(16).padStart(16, '0'),
      included: i % 10 !== 0,
      excludedReason: i % 10 === 0 ? 'approval:Unapproved' : null,
      record: i % 10 === 0 ? null : ['E1', 'Ana "A" Silva', 'ä,ö\n', i, 30],
    }));
    const id = store.record(header, logs);
    const back = store.logs(id);
    expect([...back.values()]).toEqual(logs);
    const chunks = cdb.db.prepare('SELECT logs_json FROM payroll_snapshot_chunks WHERE snapshot_id = ? ORDER BY seq').all(id) as { logs_json: Buffer }[];
    expect(chunks).toHaveLength(3);
    expect(Buffer.isBuffer(chunks[0]!.logs_json)).toBe(true);
    expect(chunks.reduce((n, c) => n + c.logs_json.length, 0)).toBeLessThan(JSON.stringify(logs).length / 4);
    expect(store.latest(header.periodKey)).toMatchObject({ id, seenLogs: 2500, includedLogs: 1 });
    cdb.close();
  });

  it('reads chunks written as JSON text by earlier versions', () => {
    const cdb = openCheckpointDb(':memory:');
    const store = createPayrollSnapshotStore(cdb.db);
    const id = store.record(header, []);
    cdb.db.prepare('INSERT INTO payroll_snapshot_chunks (snapshot_id, seq, logs_json) VALUES (?, 0, ?)').run(id, JSON.stringify([['1512955000100000001', 'ab', 1, null, ['x', 30]], ['1512955000100000002', 'cd', 0, 'filter:users', null]]));
    expect([...store.logs(id).values()]).toEqual([
      { logId: '1512955000100000001', contentHash: 'ab', included: true, excludedReason: null, record: ['x', 30] },
      { logId: '1512955000100000002', contentHash: 'cd', included: false, excludedReason: 'filter:users', record: null },
    ]);
    cdb.close();
  });

  it('round-trips records of any JSON shape: mixed column types, nulls, uneven arrays, objects', () => {
    const cdb = openCheckpointDb(':memory:');
    const store = createPayrollSnapshotStore(cdb.db);
    const uniform = Array.from({ length: 1500 }, (_, i) => ({
      logId: `file:${i}`,
      contentHash: String(i),
      included: i % 7 !== 0,
      excludedReason: i % 7 === 0 ? (i % 2 ? 'approval:Rejected' : 'filter:users') : null,
      // column 0 few strings, column 1 unique strings, column 2 strings then a number, column 3 negative numbers
      record: i % 7 === 0 ? null : [`E${i % 3}`, `note ${i}`, i === 1400 ? 7 : 'x', -i, null],
    }));
    const uneven = [
      { logId: 'a', contentHash: 'h1', included: true, excludedReason: null, record: ['x', 1] },
      { logId: 'b', contentHash: 'h2', included: true, excludedReason: null, record: ['x', 1, 2] },
      { logId: 'c', contentHash: 'h3', included: true, excludedReason: null, record: { any: ['json', 1] } },
      { logId: 'd', contentHash: 'h4', included: false, excludedReason: 'rejected:ROW_DAY_OVER_24H', record: null },
    ];
    for (const logs of [uniform, uneven]) {
      const id = store.record(header, logs);
      expect([...store.logs(id).values()]).toEqual(logs);
    }
    cdb.close();
  });

  it('reads deflated row-JSON chunks written by earlier versions', () => {
    const cdb = openCheckpointDb(':memory:');
    const store = createPayrollSnapshotStore(cdb.db);
    const id = store.record(header, []);
    const rows = [['1512955000100000001', 'ab', 1, null, ['x', 30]]];
    cdb.db.prepare('INSERT INTO payroll_snapshot_chunks (snapshot_id, seq, logs_json) VALUES (?, 0, ?)').run(id, deflateRawSync(JSON.stringify(rows)));
    expect([...store.logs(id).values()]).toEqual([{ logId: '1512955000100000001', contentHash: 'ab', included: true, excludedReason: null, record: ['x', 30] }]);
    cdb.close();
  });
});
