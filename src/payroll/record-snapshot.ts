/**
 * The period snapshots of the payroll export (stored by src/checkpoint/payroll-snapshots.ts): opening
 * the store, and recording what an export paid so the next `adjustments` run pays only the differences.
 */
import { unlinkSync } from 'node:fs';
import type { CheckpointDb } from '../checkpoint/db.js';
import { createPayrollSnapshotStore, type PayrollSnapshotStore, type SnapshotHeader, type SnapshotLog } from '../checkpoint/payroll-snapshots.js';
import { ZpetlError } from '../core/errors.js';
import type { CurrentLog } from './adjustments.js';
import { encodeRow } from './layouts.js';
import type { Period } from './period.js';

/** The snapshot store of `cdb`; CHECKPOINT_CORRUPT when the database has no usable snapshot tables. */
export function openSnapshotStore(cdb: CheckpointDb): PayrollSnapshotStore {
  try {
    return createPayrollSnapshotStore(cdb.db);
  } catch (e) {
    throw new ZpetlError('CHECKPOINT_CORRUPT', `checkpoint database ${cdb.path} has no usable payroll snapshot tables: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Records the snapshot of the file just written (`header.outPath`) with every log of `current`, and
 * returns its id. A file without its snapshot would be paid again by the next adjustments run: if the
 * snapshot cannot be recorded, the file is removed and PAYROLL_OUTPUT_FAILED thrown.
 */
export function recordSnapshot(
  store: PayrollSnapshotStore,
  dbPath: string,
  header: Omit<SnapshotHeader, 'id' | 'seenLogs'> & { outPath: string },
  current: readonly CurrentLog[],
  period: Period,
): number {
  const snapLogs = (function* (): Generator<SnapshotLog> {
    for (const c of current) {
      yield { logId: c.logId, contentHash: c.contentHash, included: c.row !== undefined, excludedReason: c.excludedReason ?? null, record: c.row ? encodeRow(c.row, period) : null };
    }
  })();
  try {
    return store.record(header, snapLogs);
  } catch (e) {
    try {
      unlinkSync(header.outPath);
    } catch {
      /* already gone */
    }
    throw new ZpetlError('PAYROLL_OUTPUT_FAILED', `the snapshot of ${period.start}..${period.end} could not be recorded in ${dbPath}, so ${header.outPath} was removed: ${(e as Error).message}`, {
      cause: e,
      hint: 'Nothing of this run counts as exported. Fix the checkpoint database (disk space, permissions) and run again.',
    });
  }
}
