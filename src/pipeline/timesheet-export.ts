/**
 * The payroll export wired to the environment: configuration from env/.env, a Zoho client whose rate
 * budget persists in the checkpoint database, the `payroll:` section of a pipeline file (when given)
 * merged under explicit options, then `exportTimesheets`. `zpetl export timesheets` and `zpetl demo`
 * call this; library users with their own client call `exportTimesheets` directly.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { openCheckpointDb } from '../checkpoint/db.js';
import { createSqliteBudgetStore } from '../checkpoint/budget-store.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { ZpetlError } from '../core/errors.js';
import { loadConfig } from '../config/index.js';
import { exportTimesheets, type ExportResult, type ExportTimesheetsOptions } from '../payroll/export-timesheets.js';
import type { PayrollConfig } from '../payroll/config-schema.js';
import { createZohoClient } from '../zoho/client.js';
import type { EventListener } from './events.js';

export interface TimesheetExportOptions {
  period: string;
  out: string;
  layout?: string;
  adjustments?: boolean;
  /** The `payroll:` section of a loaded pipeline file, and that file's path (relative paths in it resolve against its folder). */
  payroll?: PayrollConfig;
  pipelineFile?: string;
  /** Overrides of the payroll section. */
  tz?: string;
  employeesCsv?: string;
  projects?: string[];
  approval?: ('Approved' | 'Unapproved' | 'Rejected')[];
  billable?: 'billable' | 'non-billable' | 'all';
  /** Checkpoint database (period snapshots, rate budget). Default `.zpetl/<pipeline name or "payroll">.db` in `cwd`. */
  db?: string;
  pipelineName?: string;
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  /** Read `.env` in `cwd` (default true). The demo passes false so a real portal's .env never mixes in. */
  dotenv?: boolean;
  cwd: string;
  signal?: AbortSignal;
  onEvent?: EventListener;
  clock?: Clock;
}

/** Runs one payroll export against the Zoho portal the environment names. */
export async function runTimesheetExport(o: TimesheetExportOptions): Promise<ExportResult> {
  const clock = o.clock ?? systemClock;
  const config = loadConfig(o.env, { cwd: o.cwd, dotenv: o.dotenv ?? true });
  const p = o.payroll;
  const baseDir = o.pipelineFile ? dirname(resolve(o.cwd, o.pipelineFile)) : o.cwd;
  const fromBase = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const tz = o.tz ?? p?.timeZone;
  if (tz === undefined) {
    throw new ZpetlError('USAGE_INVALID', 'the portal time zone is needed to know which day a log belongs to', {
      field: 'tz',
      hint: 'Pass --tz Europe/Berlin (the zone under Zoho Projects → Settings → Portal), or set payroll.timeZone in the pipeline file given with --pipeline.',
    });
  }
  const employees = o.employeesCsv ? { csv: resolve(o.cwd, o.employeesCsv) } : p?.employees && 'csv' in p.employees ? { csv: fromBase(p.employees.csv) } : p?.employees;
  const dbPath = resolve(o.cwd, o.db ?? `.zpetl/${o.pipelineName ?? 'payroll'}.db`);
  const cdb = openCheckpointDb(dbPath);
  const client = createZohoClient(config, { clock, budgetStore: createSqliteBudgetStore(cdb.db, () => clock.now()) });
  const onAbort = () => void client.close();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const options: ExportTimesheetsOptions = {
      period: o.period,
      nowMs: clock.now(),
      tz,
      weekStart: p?.weekStart,
      periods: p?.periods,
      scope: o.projects ? { projects: o.projects } : p?.scope,
      filters: {
        ...(p?.filters ?? {}),
        ...(o.approval ? { approval: o.approval } : {}),
        ...(o.billable ? { billable: o.billable } : {}),
      },
      source: { type: 'api', client },
      employees,
      unmappedUsers: p?.unmappedUsers,
      rounding: p?.rounding,
      overtime: p?.overtime,
      layout: o.layout ?? 'detail',
      layouts: p?.layouts,
      out: resolve(o.cwd, o.out),
      adjustments: o.adjustments ?? false,
      db: cdb,
      onEvent: o.onEvent,
    };
    return await exportTimesheets(options);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await client.close();
    cdb.close();
  }
}
