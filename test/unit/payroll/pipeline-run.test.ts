/**
 * Export steps inside `zpetl run` (src/pipeline/export/timesheet-export.ts): checked before anything runs,
 * run after a finished load only, and one run-end event with the worse exit code.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { emptyCounts } from '../../../src/core/step-counts.js';
import type { PipelineEvent } from '../../../src/pipeline/events.js';
import { loadPipeline, type LoadedPipeline } from '../../../src/pipeline/file/load-pipeline.js';
import type { RunResult } from '../../../src/pipeline/run-result.js';
import { checkExportSteps, runExportsAfterLoad } from '../../../src/pipeline/export/timesheet-export.js';
import type { TimeLog, ZohoClient } from '../../../src/zoho/types.js';
import { it } from '../../helpers/fixtures.js';

let dir: string;
it.beforeEach(({ tmp }) => {
  dir = tmp;
});

const NOW = Date.UTC(2026, 11, 1, 12);

function pipeline(payroll: string, period = '2026-11-01..2026-11-15', layout = 'detail'): LoadedPipeline {
  writeFileSync(join(dir, 'projects.csv'), 'Code,Name\nP1,Alpha\n');
  writeFileSync(
    join(dir, 'p.yaml'),
    `name: p\n${payroll}\nsteps:\n  - name: projects\n    entity: project\n    source: { type: csv, path: projects.csv }\n    key: [Code]\n    fields: { name: { from: Name, required: true } }\n  - name: payroll\n    source: { type: zoho-timelogs, period: "${period}", layout: ${layout}, out: out.csv }\n`,
  );
  return loadPipeline(join(dir, 'p.yaml'), {});
}

const log = (id: string, date: string, hh: string): TimeLog => ({
  id,
  date,
  log_hour: hh,
  billing_status: 'Billable',
  type: 'task',
  project: { id: '1512955000000100001', name: 'Alpha' },
  owner: { zpuid: '1512955000000500001', email: 'ann@example.com', name: 'Ann' },
  module_detail: { id: '1512955000000900001', name: 'Build', type: 'task' },
  approval: { status: 'Approved' },
});

function client(logs: TimeLog[] | Error): ZohoClient {
  return {
    timelogs: {
      async *listPortal() {
        if (logs instanceof Error) throw logs;
        yield* logs;
      },
      listProject: async function* () {},
    },
    users: { listPortal: async function* () {} },
    close: async () => {},
  } as unknown as ZohoClient;
}

function loadResult(status: RunResult['status'], exitCode: number, extra: Partial<RunResult> = {}): RunResult {
  return {
    exitCode,
    status,
    pipeline: 'p',
    runId: 1,
    counts: { projects: { ...emptyCounts(), read: 1, created: 1 } },
    message: 'p: done',
    figures: { endpoints: {}, retries: 0, reconciled: { found: 0, notFound: 0, unresolved: 0 }, windowsUsed: [], crosswalk: {}, startedMs: NOW, finishedMs: NOW },
    dbPath: join(dir, 'cp.db'),
    reportDir: join(dir, 'report'),
    ...extra,
  };
}

const held: PipelineEvent = { type: 'run-end', status: 'ok', exitCode: 0, counts: {} };

describe('export steps in a pipeline run', () => {
  it('checkExportSteps refuses a missing time zone, an unknown period or layout, naming the step', () => {
    expect(() => checkExportSteps(pipeline(''), NOW)).toThrow(/step "payroll": an export step needs payroll.timeZone/);
    expect(() => checkExportSteps(pipeline('payroll: { timeZone: UTC }', 'fortnightly'), NOW)).toThrow(expect.objectContaining({ code: 'PIPELINE_INVALID', message: expect.stringMatching(/step "payroll".*fortnightly/) }));
    expect(() => checkExportSteps(pipeline('payroll: { timeZone: UTC }', 'yesterday', 'wide'), NOW)).toThrow(/step "payroll".*wide/);
    expect(() => checkExportSteps(pipeline('payroll: { timeZone: UTC }', 'yesterday'), NOW)).not.toThrow();
  });

  it('after a finished load the exports run, and the run ends once with the load report folder and where the CSV is', async () => {
    const events: PipelineEvent[] = [];
    const r = await runExportsAfterLoad(pipeline('payroll: { timeZone: UTC }'), loadResult('ok', 0), { ...held, reportDir: join(dir, 'report') }, {
      env: {},
      cwd: dir,
      clock: { now: () => NOW, sleep: async () => {} },
      client: client([log('1512955000000700001', '2026-11-03', '02:30')]),
      onEvent: (e) => events.push(e),
    });
    expect(r.exitCode).toBe(3); // Ann has no employee id: written, reported
    expect(r.status).toBe('rejects');
    expect(r.exports).toEqual([{ step: 'payroll', outPath: join(dir, 'out.csv'), rows: 1, period: { start: '2026-11-01', end: '2026-11-15' }, exitCode: 3, snapshotId: 1 }]);
    expect(r.message).toMatch(/^p: done — then payroll: 1 row\(s\) of 2026-11-01\.\.2026-11-15 in .*out\.csv — some logs were held back/);
    expect(Object.keys(r.counts)).toEqual(['projects', 'payroll']);
    expect(events.filter((e) => e.type === 'run-end')).toEqual([expect.objectContaining({ status: 'rejects', exitCode: 3, reportDir: join(dir, 'report') })]);
    expect(events.at(-1)?.type).toBe('run-end');
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toContain('2026-11-03');
  });

  it('a load that did not finish (failed, interrupted, stopped by the reject limit) runs no export and keeps its exit code', async () => {
    const cases: RunResult[] = [
      loadResult('failed', 1, { message: 'p: ZOHO_AUTH' }),
      loadResult('interrupted', 130),
      loadResult('rejects', 3, { error: { code: 'RUN_REJECT_LIMIT' } as RunResult['error'] }),
    ];
    for (const load of cases) {
      const events: PipelineEvent[] = [];
      const r = await runExportsAfterLoad(pipeline('payroll: { timeZone: UTC }'), load, held, { env: {}, cwd: dir, client: client(new Error('must not be called')), onEvent: (e) => events.push(e) });
      expect(r.exitCode).toBe(load.exitCode);
      expect(r.status).toBe(load.status);
      expect(r.exports).toEqual([]);
      expect(r.message).toMatch(/export step\(s\) payroll not run: the load did not finish$/);
      expect(events).toEqual([expect.objectContaining({ type: 'run-end', status: load.status, exitCode: load.exitCode })]);
    }
  });

  it('an export that fails after the load fails the run (exit 1) and says the load itself was done', async () => {
    const r = await runExportsAfterLoad(pipeline('payroll: { timeZone: UTC }'), loadResult('ok', 0), held, { env: {}, cwd: dir, client: client(new Error('socket hang up')) });
    expect(r.exitCode).toBe(1);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^p: done — then the export failed: .*socket hang up/);
  });
});

describe('runTimesheetExport stopped by a signal', () => {
  it('fails with RUN_INTERRUPTED (exit 130), writes no file and records no snapshot', async () => {
    const { runTimesheetExport } = await import('../../../src/pipeline/export/timesheet-export.js');
    const { openCheckpointDb } = await import('../../../src/checkpoint/db.js');
    let closed: () => void = () => {};
    const stopped = new Promise<never>((_, reject) => (closed = () => reject(new Error('Zoho client closed'))));
    const controller = new AbortController();
    const hanging = {
      timelogs: {
        async *listPortal() {
          yield log('1512955000000700001', '2026-11-03', '02:30');
          controller.abort();
          await stopped;
        },
        listProject: async function* () {},
      },
      users: { listPortal: async function* () {} },
      close: async () => closed(),
    } as unknown as ZohoClient;
    const out = join(dir, 'stopped.csv');
    await expect(
      runTimesheetExport({ period: '2026-11-01..2026-11-15', tz: 'UTC', out, db: join(dir, 'cp.db'), env: {}, cwd: dir, client: hanging, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'RUN_INTERRUPTED', message: 'the export was interrupted before its file was written' });
    expect(existsSync(out)).toBe(false);
    const cdb = openCheckpointDb(join(dir, 'cp.db'));
    expect(cdb.db.prepare('SELECT count(*) AS n FROM payroll_snapshots').get()).toEqual({ n: 0 });
    cdb.close();
  });
});
