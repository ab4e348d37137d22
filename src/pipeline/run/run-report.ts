/**
 * The real run's report folder, the same files as the dry run's, with actual figures
 * (default `<outDir>/<pipeline>-<UTC timestamp>/`):
 *  - `report.json` (src/report/model.ts, `kind: 'run'`): per step counts (read = created + updated +
 *    skipped + rejected + inDoubt), rejects by code with samples, API calls / 429s / retries / errors
 *    per endpoint, in-doubt records reconciled, windows used, and where the created ids are;
 *  - `report.html`: the same for people, one self-contained file;
 *  - `rejects.csv` (+ `rejects-<step>.csv`): every row this run rejected, from the checkpoint's rejects
 *    table (which keeps the original columns in source order), plus `_line`, `_step`, `_code`,
 *    `_field`, `_message`: fix it and feed it back as the step's source;
 *  - `warnings.csv` (+ `warnings-<step>.csv`): every warning this run recorded (rows that loaded with a
 *    problem, or were folded with other values), from the checkpoint's warnings table, in the rejects'
 *    layout; counted per code and sampled in report.json/html (src/report/warnings-report.ts); the
 *    source warnings (a repeated header, no records after the header), from the same table, are
 *    report.json's `sourceWarnings` and a table of report.html;
 *  - `crosswalk.csv`: step, source key, entity, Zoho id, name, scope, origin: every id the migration
 *    created or matched, the same rows as the `crosswalk` table of the checkpoint database.
 * Everything is streamed from the checkpoint (opened read-only once the run has closed it): memory stays
 * constant whatever the number of rejects or ids. Nothing here holds a secret: figures, ids and the
 * source's own columns only (and both report writers redact registered secrets).
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clip, type RowError } from '../../core/record.js';
import { errorDetailOf } from '../../core/pipeline-event.js';
import { openCheckpointDb } from '../../checkpoint/db.js';
import { createCheckpointStore, type CheckpointStore } from '../../checkpoint/store.js';
import { REPORT_SCHEMA_REVISION, REPORT_SCHEMA_VERSION, type InputReport, type RejectSample, type RunReport, type SourceWarningReport, type StepReport } from '../../report/model.js';
import { createRejectsWriter } from '../../report/rejects-writer.js';
import { writeReportHtml } from '../../report/write-report-html.js';
import { writeReportJson } from '../../report/write-report-json.js';
import { writeCsvFile } from '../../report/write-csv-file.js';
import { createWarningsCollector, sourceWarningReport, withWarnings, type WarningsCollector } from '../../report/warnings-report.js';
import { sourceWarningOfRow } from '../prepare/source-warnings.js';
import { emptyCounts, type StepCounts } from '../../core/step-counts.js';
import type { RunReportFiles, RunResult } from '../run-result.js';
import type { RunPlan } from './run-plan.js';
import { addOptionalTotals } from '../prepare/item-counts.js';

/** The files of a real run's report folder (run-result.ts). */

export interface RunReportOptions {
  /** The exact folder to write into (created). Otherwise `<outDir>/<pipeline>-<UTC timestamp>`. */
  dir?: string;
  /** Parent folder of the timestamped report folder (default `out`). */
  outDir?: string;
  /** Rejects kept per step as samples in report.json/html (default 20, as in the dry run). */
  samplesPerStep?: number;
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** The report folder a run would be written to. */
export function runReportDir(result: Pick<RunResult, 'pipeline' | 'figures'>, o: RunReportOptions = {}): string {
  return resolve(o.dir ?? join(o.outDir ?? 'out', `${result.pipeline}-${stamp(result.figures.finishedMs)}`));
}

/** Writes report.json, report.html, rejects.csv (+ per step) and crosswalk.csv for `result`; returns their paths. */
export async function writeRunReport(result: RunResult, plan: RunPlan, o: RunReportOptions = {}): Promise<RunReportFiles> {
  const dir = runReportDir(result, o);
  mkdirSync(dir, { recursive: true });
  const samplesPerStep = o.samplesPerStep ?? 20;
  const steps = plan.groups.flat();
  const rejects = await createRejectsWriter(dir);
  const warnings = await createWarningsCollector(dir, samplesPerStep);
  const stepReports: StepReport[] = [];
  const inputs: InputReport[] = [];
  const samples: RejectSample[] = [];
  const rejectsByCode: Record<string, number> = {};
  const perStep: Record<string, number> = {};
  const sourceWarnings: SourceWarningReport[] = [];

  const cdb = result.runId === null ? undefined : openCheckpointDb(result.dbPath, { readonly: true, lock: false });
  try {
    const store = cdb ? createCheckpointStore(cdb.db) : undefined;
    for (const step of steps) {
      const counts: StepCounts = { ...(result.counts[step.name] ?? emptyCounts()) };
      const byCode: Record<string, number> = {};
      const crosswalk = result.figures.crosswalk[step.name] ?? 0;
      perStep[step.name] = crosswalk;
      stepReports.push({ name: step.name, entity: step.entity, mode: step.mode, counts, rejectsByCode: byCode, crosswalk });
      const stepRow = store && result.runId !== null ? store.getStep(result.runId, step.name) : undefined;
      inputs.push({ step: step.name, source: step.source.display, path: step.source.path, sha256: stepRow?.sourceSha256 ?? '', bytes: sizeOf(step.source.path) });
      if (!store || result.runId === null) continue;
      let kept = 0;
      for (const r of store.rejects(result.runId, step.name)) {
        byCode[r.code] = (byCode[r.code] ?? 0) + 1;
        rejectsByCode[r.code] = (rejectsByCode[r.code] ?? 0) + 1;
        const data = Object.fromEntries(r.columns);
        const pos = { source: r.source, line: r.line, index: r.index };
        rejects.write({ step: step.name, error: { code: r.code as RowError['code'], field: r.field, message: r.message, pos }, data });
        if (kept < samplesPerStep) {
          kept++;
          samples.push({ step: step.name, source: r.source, line: r.line, code: r.code, field: r.field, message: r.message, data: Object.fromEntries(r.columns.map(([k, v]) => [k, clip(v)])) });
        }
      }
      collectWarnings(warnings, store, result.runId, step.name);
      for (const w of store.sourceWarnings(result.runId, step.name)) sourceWarnings.push(sourceWarningReport(step.name, sourceWarningOfRow(w), step.source.display));
    }
    const files = await rejects.close();
    const warned = await warnings.close();
    const crosswalkCsv = join(dir, 'crosswalk.csv');
    await writeCrosswalkCsv(crosswalkCsv, store);

    const totals = emptyCounts();
    for (const s of stepReports) for (const k of ['read', 'valid', 'created', 'updated', 'skipped', 'rejected', 'inDoubt'] as const) totals[k] += s.counts[k];
    addOptionalTotals(totals, stepReports.map((s) => s.counts));
    const f = result.figures;
    const report: RunReport = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      schemaRevision: REPORT_SCHEMA_REVISION,
      kind: 'run',
      pipeline: result.pipeline,
      pipelineFile: plan.file ?? '',
      ...(result.runId !== null ? { runId: result.runId } : {}),
      startedAt: new Date(f.startedMs).toISOString(),
      finishedAt: new Date(f.finishedMs).toISOString(),
      durationMs: f.finishedMs - f.startedMs,
      status: result.status,
      exitCode: result.exitCode,
      message: result.message,
      ...(result.error ? { error: result.error.format(), errorDetail: errorDetailOf(result.error) } : {}),
      inputs,
      steps: stepReports,
      totals,
      rejectsByCode,
      samples,
      ...(sourceWarnings.length > 0 ? { sourceWarnings } : {}),
      files: { reportJson: 'report.json', reportHtml: 'report.html', rejectsCsv: files.combined, rejectsPerStep: files.perStep, crosswalkCsv: 'crosswalk.csv' },
      api: f.endpoints,
      retries: f.retries,
      inDoubtReconciled: f.reconciled.found + f.reconciled.notFound,
      reconciled: { ...f.reconciled },
      windowsUsed: f.windowsUsed.length,
      windows: f.windowsUsed.map((ms) => new Date(ms).toISOString()),
      createdIds: { checkpointDb: result.dbPath, query: 'SELECT step, key, entity, zoho_id FROM crosswalk', crosswalkCsv: 'crosswalk.csv', perStep },
    };
    const full = withWarnings(report, warned);
    const reportJson = await writeReportJson(dir, full);
    const reportHtml = await writeReportHtml(dir, full);
    return { dir, reportJson, reportHtml, rejectsCsv: join(dir, files.combined), crosswalkCsv };
  } catch (e) {
    await rejects.abort().catch(() => {});
    await warnings.abort().catch(() => {});
    throw e;
  } finally {
    cdb?.close();
  }
}

/** A step's warnings from the checkpoint into the collector, one row's warnings together (they are stored in source order). */
function collectWarnings(into: WarningsCollector, store: CheckpointStore, runId: number, step: string): void {
  let row: { index: number; warnings: RowError[]; data: Record<string, unknown> } | undefined;
  const flush = () => row && into.add(step, row.warnings, row.data);
  for (const w of store.warnings(runId, step)) {
    if (row?.index !== w.index) {
      flush();
      row = { index: w.index, warnings: [], data: Object.fromEntries(w.columns) };
    }
    row.warnings.push({ code: w.code as RowError['code'], field: w.field, message: w.message, ...(w.value !== null ? { value: w.value } : {}), pos: { source: w.source, line: w.line, index: w.index } });
  }
  flush();
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const CROSSWALK_COLUMNS = ['step', 'key', 'entity', 'zoho_id', 'name', 'scope_id', 'origin'] as const;

/**
 * crosswalk.csv, streamed from the checkpoint's crosswalk table (header only without a run). Values are
 * written exactly as stored (no formula prefix: the file is read by machines and fed back), and every
 * cell holding CR, LF, `,` or `"` is quoted (src/report/write-csv-file.ts), so any CSV reader gets back
 * exactly these values.
 */
export async function writeCrosswalkCsv(path: string, store: Pick<CheckpointStore, 'crosswalkAll'> | undefined): Promise<void> {
  await writeCsvFile(path, CROSSWALK_COLUMNS, (function* () {
    if (!store) return;
    // ids stay strings end to end (19 digits never pass through Number)
    for (const r of store.crosswalkAll()) yield [r.step, r.key, r.entity, r.zohoId, r.name ?? '', r.scopeId, r.origin];
  })());
}
