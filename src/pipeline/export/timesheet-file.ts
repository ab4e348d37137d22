/**
 * The payroll export's file source, wired here because payroll does not import src/extract (layers):
 * a `{ type: 'file' }` timesheet source is read by the same zoho-timesheet extractor as the dry-run
 * pipelines. `exportTimesheets` here is the library's (src/index.ts): payroll's `runPayrollExport` with this reader.
 */
import { ZpetlError } from '../../core/errors.js';
import type { SourceWarning } from '../../core/pipeline-event.js';
import type { ExtractItem } from '../../core/record.js';
import { createExtractor } from '../../extract/create-extractor.js';
import { ZohoTimesheetSourceSchema } from '../../extract/source-schema.js';
import { fatalSourceError } from '../prepare/source-warnings.js';
import { PAYROLL_EXPORT_STEP, runPayrollExport, type ExportResult, type ExportTimesheetsOptions, type TimesheetFileSource } from '../../payroll/run-payroll-export.js';

/**
 * The file's items, checked and opened only when iteration starts (as the payroll export expects):
 * a bad date or hours format is CONFIG_INVALID naming the source. An empty file is SOURCE_EMPTY; the
 * extractor's other warnings about the file go to `warn`.
 */
export function readTimesheetFile(source: TimesheetFileSource, warn?: (w: SourceWarning) => void): AsyncIterable<ExtractItem> {
  return {
    [Symbol.asyncIterator]: () => {
      const parsed = ZohoTimesheetSourceSchema.safeParse({ type: 'zoho-timesheet', path: source.path, dateFormat: source.dateFormat, hoursFormat: source.hoursFormat });
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new ZpetlError('CONFIG_INVALID', `timesheet source ${source.path}: ${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'}`, { field: String(i?.path[0] ?? 'source') });
      }
      // The extractor's warnings about the file as a whole, under the run's rule (source-warnings.ts):
      // SOURCE_EMPTY ends the export (an empty file would give an empty payroll file and no word of
      // it), every other one goes to `warn` (an export warning: payroll/collect-logs.ts).
      let fatal: ZpetlError | undefined;
      const onWarning = (w: SourceWarning): void => {
        const f = fatalSourceError(PAYROLL_EXPORT_STEP, w);
        if (f) fatal ??= f;
        else warn?.(w);
      };
      const it = createExtractor(parsed.data, { baseDir: source.baseDir ?? process.cwd(), onWarning }).read()[Symbol.asyncIterator]();
      return {
        next: async () => {
          const r = await it.next();
          if (fatal) throw fatal;
          return r;
        },
        return: async () => (await it.return?.()) ?? { done: true, value: undefined },
      };
    },
  };
}

/** Approved time logs of a pay period → a payroll CSV (see src/payroll/run-payroll-export.ts); file sources are read by src/extract. */
export function exportTimesheets(o: ExportTimesheetsOptions): Promise<ExportResult> {
  return runPayrollExport(o, readTimesheetFile);
}
