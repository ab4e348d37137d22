/**
 * What a run does with the extractor's warnings about a source as a whole (ExtractWarning, through
 * `onWarning`), one rule for the real run and the dry run (both prepare through prepare.ts):
 * - SOURCE_EMPTY (the file holds nothing: no header line, no JSON value) ends the step as a fatal
 *   source error of the same code (exit 1): a step that reads nothing from an empty file is almost
 *   always the wrong file, and "0 rows, clean" hid it;
 * - every other one (SOURCE_DUPLICATE_HEADER read numbered, SOURCE_NO_RECORDS after a header,
 *   SOURCE_BLANK_LINES, SOURCE_ENCODING_FALLBACK, …) is a source warning: shown in the console, as a
 *   `source-warning` event, in report.json (`sourceWarnings`) and report.html; the run goes on and the
 *   exit code is unchanged. It is no row's warning: `warned` counts rows only.
 * Also here: which repeated headers a step reads by their numbered keys (`repeatsRead`), so the
 * extractor's `duplicateHeaders: error` stops only steps that would read the wrong column.
 */
import { ZpetlError } from '../../core/errors.js';
import type { SourceWarning } from '../../core/pipeline-event.js';
import type { RowError } from '../../core/record.js';
import type { LoadStepConfig } from '../file/schema.js';
import { namedColumns } from './step-columns.js';

/** The fatal error a source warning stands for (SOURCE_EMPTY), or undefined for a warning the run goes on with. */
export function fatalSourceError(step: string, w: SourceWarning): ZpetlError | undefined {
  if (w.code !== 'SOURCE_EMPTY') return undefined;
  return new ZpetlError('SOURCE_EMPTY', `step ${step}: ${w.message}`, {
    ...(w.pos ? { pos: w.pos } : {}),
    details: { step },
    hint: 'Check the path: the step reads nothing from an empty file. Export the data again, or remove the step.',
  });
}

/** `Name_2`, `Name_3` … → `Name` (the numbering of core/repeated-column.ts); undefined for another name. */
const repeatBase = (column: string): string | undefined => /^(.+)_([2-9]|[1-9]\d+)$/.exec(column)?.[1];

/**
 * Header names the step reads by their numbered keys, for ExtractorOptions.repeatsRead: the name of a
 * `collect:` field source, and the base name of every column the step names as `Name_2`, `Name_3` …
 * (in `from:`, `template:`, `coalesce:`, `key:` or `where:`). Built on namedColumns (step-columns.ts),
 * the list the header check reads.
 */
export function repeatsReadOf(step: Pick<LoadStepConfig, 'key' | 'where' | 'fields'>): ReadonlySet<string> {
  const out = new Set<string>();
  for (const n of namedColumns(step)) {
    const base = n.collect ? n.column : repeatBase(n.column);
    if (base !== undefined) out.add(base);
  }
  return out;
}

/**
 * A source warning as a row of the checkpoint's warnings table (src/checkpoint/warning-store.ts), whose
 * unique index is (run, step, source, idx, code, field): `idx` is -1 - `ordinal` (no data row has a
 * negative index; `ordinal` counts the read's earlier warnings of the same code and field, so two
 * warnings that share them are both kept), `field` the column or ''. A resumed run's read gives the
 * same header warnings in the same order, so it neither loses nor doubles one.
 */
export function sourceWarningRow(w: SourceWarning, source: string, ordinal: number): RowError {
  return { code: w.code, message: w.message, field: w.field ?? '', pos: { source: w.pos?.source ?? source, line: w.pos?.line ?? 1, index: -1 - ordinal } };
}

/** The source warning back from its row (sourceWarningRow). */
export function sourceWarningOfRow(r: { code: string; message: string; field: string; source: string; line: number }): SourceWarning {
  return { code: r.code as SourceWarning['code'], message: r.message, pos: { source: r.source, line: r.line, index: 0 }, ...(r.field !== '' ? { field: r.field } : {}) };
}

/** Adds `codes` into `into` (warnings per code). */
export function addByCode(into: Record<string, number>, codes: Iterable<string>): void {
  for (const c of codes) into[c] = (into[c] ?? 0) + 1;
}
