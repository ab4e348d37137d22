/**
 * The warnings of a run or dry run, for the report folder: warnings.csv (+ `warnings-<step>.csv`),
 * written by the rejects' writer in the rejects' layout (the row's original columns, then `_line`,
 * `_step`, `_code`, `_field`, `_message`: one line per warning, so a row with two has two lines), the
 * count per code (per step and overall) and up to `samplesPerStep` samples per step for report.json and
 * report.html. The dry run feeds it as it prepares rows, the real run from the checkpoint's warnings
 * table; both give it the same rows, so their reports agree. Source warnings (about a file as a whole,
 * src/pipeline/prepare/source-warnings.ts) have no row and no place in warnings.csv: report.json lists
 * them as `sourceWarnings` (sourceWarningReport) and report.html in a table of their own.
 */
import type { SourceWarning } from '../core/pipeline-event.js';
import { clip, type RowError } from '../core/record.js';
import type { RejectSample, RunReport, SourceWarningReport } from './model.js';
import { createRejectsWriter } from './rejects-writer.js';

/** What the report gets from the warnings. */
export interface WarningsSummary {
  /** Relative to the report folder: `warnings.csv` (always written) and the per-step files of steps with warnings. */
  files: { combined: string; perStep: Record<string, string> };
  /** Warnings per code, all steps. */
  byCode: Record<string, number>;
  /** Warnings per code, per step (steps with warnings only). */
  byStep: Record<string, Record<string, number>>;
  samples: RejectSample[];
}

export interface WarningsCollector {
  /** A step's source columns before its rows (as RejectsWriter.columns). */
  columns(step: string, names: readonly string[], keys?: readonly string[]): void;
  /** One row's warnings with its original columns; true when at least one of them was kept as a sample. */
  add(step: string, warnings: readonly RowError[], data: Record<string, unknown>): boolean;
  close(): Promise<WarningsSummary>;
  abort(): Promise<void>;
}

/** Collects warnings into `dir` (warnings.csv on close), keeping `samplesPerStep` samples per step. */
export async function createWarningsCollector(dir: string, samplesPerStep: number): Promise<WarningsCollector> {
  const writer = await createRejectsWriter(dir, { name: 'warnings' });
  const byCode: Record<string, number> = {};
  const byStep: Record<string, Record<string, number>> = {};
  const samples: RejectSample[] = [];
  const kept = new Map<string, number>();
  return {
    columns: (step, names, keys) => writer.columns(step, names, keys),
    add(step, warnings, data) {
      let sampled = false;
      const codes = (byStep[step] ??= {});
      for (const w of warnings) {
        byCode[w.code] = (byCode[w.code] ?? 0) + 1;
        codes[w.code] = (codes[w.code] ?? 0) + 1;
        writer.write({ step, error: w, data });
        const n = kept.get(step) ?? 0;
        if (n >= samplesPerStep) continue;
        kept.set(step, n + 1);
        sampled = true;
        const clipped: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(data)) clipped[k] = clip(v);
        samples.push({ step, source: w.pos.source, line: w.pos.line, code: w.code, field: w.field, message: w.message, data: clipped });
      }
      return sampled;
    },
    async close() {
      const files = await writer.close();
      return { files: { combined: files.combined, perStep: files.perStep }, byCode, byStep, samples };
    },
    abort: () => writer.abort(),
  };
}

/** `report` with the warnings' fields (revision 3) from `w`: overall and per step counts per code, samples, files. */
export function withWarnings(report: RunReport, w: WarningsSummary): RunReport {
  for (const s of report.steps) {
    const codes = w.byStep[s.name];
    if (codes) s.warningsByCode = codes;
  }
  return { ...report, warningsByCode: w.byCode, warningSamples: w.samples, files: { ...report.files, warningsCsv: w.files.combined, warningsPerStep: w.files.perStep } };
}

/** A step's source warning as report.json lists it (revision 4); `source` when the warning names none. */
export function sourceWarningReport(step: string, w: SourceWarning, source: string): SourceWarningReport {
  return { step, code: w.code, message: w.message, source: w.pos?.source ?? source, ...(w.pos ? { line: w.pos.line } : {}), ...(w.field !== undefined ? { field: w.field } : {}) };
}
