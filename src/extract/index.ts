export * from './source-schema.js';
export * from './types.js';
export { createExtractor } from './create-extractor.js';
export { createCsvExtractor, DEFAULT_CHUNK_BYTES } from './csv-extractor.js';
export { createJsonExtractor } from './json-extractor.js';
export { createNdjsonExtractor, MAX_NDJSON_LINE_BYTES } from './ndjson-extractor.js';
export { createTimesheetExtractor, TIMESHEET_ALIASES, TIMESHEET_FIELDS, type TimesheetField } from './timesheet-extractor.js';
export { sha256File, resolveSourcePath } from './file-access.js';
