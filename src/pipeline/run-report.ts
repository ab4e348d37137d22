/**
 * The real run's report folder, `<outDir>/<pipeline>-<UTC timestamp>/`:
 *  - `run-report.json`: per step counts (read = created + updated + skipped + rejected + inDoubt),
 *    API calls / 429s / retries / errors per endpoint, in-doubt records reconciled, windows used, and
 *    where the created ids are;
 *  - `crosswalk.csv`: step, source key, entity, Zoho id, name, scope, origin: every id the migration
 *    created or matched, the same rows as the `crosswalk` table of the checkpoint database.
 * Nothing here holds a secret: figures and ids only.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify';
import { openCheckpointDb } from '../checkpoint/db.js';
import { createCheckpointStore } from '../checkpoint/store.js';
import type { RunResult } from './run-engine.js';

export const RUN_REPORT_VERSION = 1;

export interface RunReport {
  reportVersion: typeof RUN_REPORT_VERSION;
  kind: 'run';
  pipeline: string;
  runId: number | null;
  status: RunResult['status'];
  exitCode: number;
  message: string;
  startedAt: string;
  finishedAt: string;
  steps: { name: string; read: number; created: number; updated: number; skipped: number; rejected: number; inDoubt: number; reconciles: boolean }[];
  totals: { read: number; created: number; updated: number; skipped: number; rejected: number; inDoubt: number };
  /** Per endpoint template (`METHOD /path`): calls, 429/throttle answers, retries, errors. */
  api: Record<string, { calls: number; rateLimited: number; retries: number; errors: number }>;
  retries: number;
  /** Records found sent / in doubt and settled against Zoho: found (existed) or notFound (sent again). */
  reconciled: { found: number; notFound: number; unresolved: number };
  windowsUsed: string[];
  createdIds: { checkpointDb: string; table: 'crosswalk'; csv: string; perStep: Record<string, number> };
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** Writes the report folder for `result`; returns its path. The checkpoint is opened read-only. */
export async function writeRunReport(result: RunResult, outDir: string): Promise<string> {
  const dir = join(outDir, `${result.pipeline}-${stamp(result.figures.finishedMs)}`);
  mkdirSync(dir, { recursive: true });
  const csvPath = join(dir, 'crosswalk.csv');
  if (result.runId !== null) {
    const cdb = openCheckpointDb(result.dbPath, { readonly: true, lock: false });
    try {
      const store = createCheckpointStore(cdb.db);
      const out = createWriteStream(csvPath);
      const csv = stringify({ header: true, columns: ['step', 'key', 'entity', 'zoho_id', 'name', 'scope_id', 'origin'] });
      csv.pipe(out);
      for (const r of store.crosswalkAll()) {
        // ids stay strings end to end (19 digits never pass through Number)
        if (!csv.write([r.step, r.key, r.entity, r.zohoId, r.name ?? '', r.scopeId, r.origin])) await new Promise((res) => csv.once('drain', res));
      }
      csv.end();
      await new Promise<void>((res, rej) => {
        out.on('finish', () => res());
        out.on('error', rej);
      });
    } finally {
      cdb.close();
    }
  } else writeFileSync(csvPath, 'step,key,entity,zoho_id,name,scope_id,origin\n');

  const steps = Object.entries(result.counts).map(([name, c]) => ({
    name,
    read: c.read,
    created: c.created,
    updated: c.updated,
    skipped: c.skipped,
    rejected: c.rejected,
    inDoubt: c.inDoubt,
    reconciles: c.read === c.created + c.updated + c.skipped + c.rejected + c.inDoubt,
  }));
  const sum = (k: keyof RunReport['totals']) => steps.reduce((n, s) => n + s[k], 0);
  const report: RunReport = {
    reportVersion: RUN_REPORT_VERSION,
    kind: 'run',
    pipeline: result.pipeline,
    runId: result.runId,
    status: result.status,
    exitCode: result.exitCode,
    message: result.message,
    startedAt: new Date(result.figures.startedMs).toISOString(),
    finishedAt: new Date(result.figures.finishedMs).toISOString(),
    steps,
    totals: { read: sum('read'), created: sum('created'), updated: sum('updated'), skipped: sum('skipped'), rejected: sum('rejected'), inDoubt: sum('inDoubt') },
    api: result.figures.endpoints,
    retries: Object.values(result.figures.endpoints).reduce((n, e) => n + e.retries, 0),
    reconciled: result.figures.reconciled,
    windowsUsed: result.figures.windowsUsed.map((ms) => new Date(ms).toISOString()),
    createdIds: { checkpointDb: result.dbPath, table: 'crosswalk', csv: csvPath, perStep: result.figures.crosswalk },
  };
  writeFileSync(join(dir, 'run-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return dir;
}
