/**
 * The demo behind `zpetl demo` / `npm start`, as library code: a sandbox in-process with a time scale,
 * the demo migration (pipelines/demo-migration.yaml over fixtures/demo/) through the real client and
 * checkpoints, then a payroll export of the migrated logs. Returns where every file is.
 *
 * The demo succeeds (exit 0) when the migration finished (with the deliberate rejects it contains) and
 * the export was written; anything else keeps the library's exit code.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExportResult } from '../../payroll/run-payroll-export.js';
import { createSandbox } from '../../sandbox/index.js';
import type { EventListener } from '../events.js';
import { loadPipeline } from '../file/load-pipeline.js';
import { prepareOutFolder } from '../out-folder.js';
import type { RunResult } from '../run-result.js';
import { runPipeline } from '../run/run.js';
import { runTimesheetExport } from '../export/timesheet-export.js';

/** The demo's files, shipped with the package (`files` in package.json). */
export const DEMO_PIPELINE = fileURLToPath(new URL('../../../pipelines/demo-migration.yaml', import.meta.url));
/** The pay period the demo's time logs fall in. */
export const DEMO_PERIOD = '2026-11-01..2026-11-15';

export interface DemoOptions {
  /** Virtual seconds per real second in the sandbox (default 60: a 2-minute rate window lasts 2 s). */
  timeScale?: number;
  /** Output folder (default `out/demo-<UTC timestamp>` under cwd). */
  outDir?: string;
  cwd?: string;
  signal?: AbortSignal;
  onEvent?: EventListener;
  /** Called once the sandbox listens (its URL). */
  onSandbox?: (baseUrl: string) => void;
}

export interface DemoResult {
  exitCode: number;
  outDir: string;
  run: RunResult;
  export?: ExportResult;
  files: { reportHtml?: string; reportJson?: string; rejectsCsv?: string; crosswalkCsv?: string; payrollCsv?: string; checkpoint: string };
}

export async function runDemo(o: DemoOptions = {}): Promise<DemoResult> {
  const cwd = o.cwd ?? process.cwd();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const outDir = resolve(cwd, o.outDir ?? join('out', `demo-${stamp}`));
  prepareOutFolder(outDir);
  const checkpoint = join(outDir, 'demo.db');
  const sandbox = await createSandbox({ port: 0, seed: 'empty', timeScale: o.timeScale ?? 60 });
  try {
    o.onSandbox?.(sandbox.baseUrl);
    const env = { ...sandbox.env };
    const pipeline = loadPipeline(DEMO_PIPELINE, env);
    // The run's report.json, report.html, rejects.csv and crosswalk.csv go straight into the demo's folder.
    const run = await runPipeline(pipeline, { env, cwd, db: checkpoint, reportDir: outDir, clock: sandbox.clock, signal: o.signal, onEvent: o.onEvent, resumeCommand: 'zpetl demo' });
    const files: DemoResult['files'] = { checkpoint };
    if (run.reportFiles) {
      for (const key of ['reportHtml', 'reportJson', 'rejectsCsv', 'crosswalkCsv'] as const) {
        if (existsSync(run.reportFiles[key])) files[key] = run.reportFiles[key];
      }
    }
    if (run.status !== 'ok' && run.status !== 'rejects') return { exitCode: run.exitCode, outDir, run, files };
    const payrollCsv = join(outDir, 'payroll.csv');
    const exp = await runTimesheetExport({
      period: DEMO_PERIOD,
      out: payrollCsv,
      layout: 'detail',
      payroll: pipeline.config.payroll,
      pipelineFile: DEMO_PIPELINE,
      // The export shares the run's checkpoint, so it opens it as the demo pipeline (its owner).
      pipelineName: pipeline.config.name,
      db: checkpoint,
      env,
      dotenv: false,
      cwd,
      clock: sandbox.clock,
      signal: o.signal,
      onEvent: o.onEvent,
    });
    files.payrollCsv = exp.outPath;
    return { exitCode: 0, outDir, run, export: exp, files };
  } finally {
    await sandbox.close();
  }
}
