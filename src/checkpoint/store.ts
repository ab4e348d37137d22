/**
 * The checkpoint store: runs, steps, per-record states, the crosswalk and rejects on top of
 * openCheckpointDb(). All writes are synchronous better-sqlite3 transactions; none spans an await, so
 * no HTTP call ever happens inside one. The protocol the loaders follow (mark sent → send → record
 * results) is told in record-store.ts.
 *
 * It is composed of stores by concern, each preparing its statements once on the one shared handle:
 *
 *   run-store.ts        runs and steps (status, source hash, mode, high-water mark)
 *   record-store.ts     per-record states: markSent, recordResults, in doubt, revert, pending
 *   crosswalk-store.ts  source key → Zoho id, by key, name or id
 *   reject-store.ts     rows refused before a request or by Zoho, for rejects.csv
 *   warning-store.ts    problems that did not stop a row, for warnings.csv
 *   counts-store.ts     per-run, per-step figures counted from the tables
 *
 * Callers see one flat CheckpointStore; recordResults writes the crosswalk, rejects and high-water
 * mark through the other stores' writers, inside its own transaction.
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { createCountsStore, type CountsStore } from './counts-store.js';
import { createCrosswalkStore, createCrosswalkWriter, type CrosswalkStore } from './crosswalk-store.js';
import type { Db } from './db.js';
import { createRecordStore, type RecordStore } from './record-store.js';
import { createRejectStore, createRejectWriter, type RejectStore } from './reject-store.js';
import { createRunStore, type RunStore } from './run-store.js';
import { createStoreContext } from './store-context.js';
import { createWarningStore, type WarningStore } from './warning-store.js';

export type * from './store-types.js';
export type { ResultsDelta } from './record-store.js';

/** The whole checkpoint store: every part's methods on one object, plus the handle they share. */
export interface CheckpointStore extends RunStore, RecordStore, CrosswalkStore, RejectStore, WarningStore, CountsStore {
  readonly db: Db;
}

/** Creates the store over an open checkpoint database (see openCheckpointDb). */
export function createCheckpointStore(db: Db, clock: Clock = systemClock): CheckpointStore {
  const ctx = createStoreContext(db, clock);
  const runs = createRunStore(ctx);
  const rejectWriter = createRejectWriter(ctx);
  const records = createRecordStore(ctx, { crosswalk: createCrosswalkWriter(ctx), rejects: rejectWriter, setHighWater: runs.setHighWater });
  return {
    db,
    ...runs,
    ...records,
    ...createCrosswalkStore(ctx),
    ...createRejectStore(ctx, rejectWriter),
    ...createWarningStore(ctx),
    ...createCountsStore(ctx),
  };
}
