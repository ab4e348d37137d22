export * from './model.js';
export { writeReportJson } from './write-report-json.js';
export { writeReportHtml, renderReportHtml, escapeHtml, formatDuration } from './write-report-html.js';
export { createRejectsWriter, stepRejectsFile, REJECT_COLUMNS, type RejectRow, type RejectsWriter } from './rejects-writer.js';
export { createWarningsCollector, withWarnings, type WarningsCollector, type WarningsSummary } from './warnings-report.js';
