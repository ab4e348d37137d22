import { createCsvExtractor } from './csv-extractor.js';
import { createJsonExtractor } from './json-extractor.js';
import { createNdjsonExtractor } from './ndjson-extractor.js';
import type { Source } from './source-schema.js';
import { createTimesheetExtractor } from './timesheet-extractor.js';
import type { Extractor, ExtractorOptions } from './types.js';

/** The extractor for a parsed source definition (`SourceSchema` output). Nothing is read until `read()`. */
export function createExtractor(source: Source, options: ExtractorOptions): Extractor {
  switch (source.type) {
    case 'csv':
      return createCsvExtractor(source, options);
    case 'json':
      return createJsonExtractor(source, options);
    case 'ndjson':
      return createNdjsonExtractor(source, options);
    case 'zoho-timesheet':
      return createTimesheetExtractor(source, options);
  }
}
