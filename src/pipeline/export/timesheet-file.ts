/**
 * The payroll export's file source, wired here because payroll does not import src/extract (layers):
 * a `{ type: 'file' }` timesheet source is read by the same zoho-timesheet extractor as the dry-run
 * pipelines. `exportTimesheets` here is the library's (src/index.ts): payroll's `runPayrollExport` with this reader.
 */
import { ZpetlError } from '../../core/errors.js';
import type { ExtractItem } from '../../core/record.js';
import { createExtractor } from '../../extract/create-extractor.js';
import { ZohoTimesheetSourceSchema } from '../../extract/source-schema.js';
import { runPayrollExport, type ExportResult, type ExportTimesheetsOptions, type TimesheetFileSource } from '../../payroll/run-payroll-export.js';

/**
 * The file's items, checked and opened only when iteration starts (as the payroll export expects):
 * a bad date or hours format is CONFIG_INVALID naming the source.
 */
export function readTimesheetFile(source: TimesheetFileSource): AsyncIterable<ExtractItem> {
  return {
    [Symbol.asyncIterator]: () => {
      const parsed = ZohoTimesheetSourceSchema.safeParse({ type: 'zoho-timesheet', path: source.path, dateFormat: source.dateFormat, hoursFormat: source.hoursFormat });
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new ZpetlError('CONFIG_INVALID', `timesheet source ${source.path}: ${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'}`, { field: String(i?.path[0] ?? 'source') });
      }
      return createExtractor(parsed.data, { baseDir: source.baseDir ?? process.cwd() }).read()[Symbol.asyncIterator]();
    },
  };
}

/** Approved time logs of a pay period → a payroll CSV (see src/payroll/run-payroll-export.ts); file sources are read by src/extract. */
export function exportTimesheets(o: ExportTimesheetsOptions): Promise<ExportResult> {
  return runPayrollExport(o, readTimesheetFile);
}
