export * from './converters/spec.js';
export type { ConvertFn } from './converters/types.js';
export { compileConverter, compileConverterChain, normalizeConverterSpec } from './converters/compile.js';
export { convertDate, convertDatetime, createDateConverter, createDatetimeConverter, createTimeConverter, DEFAULT_DATETIME_FORMATS } from './converters/date.js';
export { convertEmail, convertHtml, convertLower, convertTrim, convertUpper, createSplitConverter } from './converters/text.js';
export { createReplaceConverter } from './converters/replace.js';
export { convertBoolean, convertDuration, convertEnum, convertList, convertNumber, createBooleanConverter, createEnumConverter, createMapConverter } from './converters/values.js';
export { CONVERTER_DOCS, FIELD_SOURCE_DOCS, type ConverterDoc, type ConverterExample, type FieldSourceDoc } from './converters/converter-docs.js';
export * from './field-spec.js';
export * from './lookup-spec.js';
export * from './lookup-types.js';
export { compileMapping, mapRecord, type MappedRecord, type RecordMapper } from './map-record.js';
export { compileFieldSource, isMissing, type CompiledSource, type FieldReader } from './field-source.js';
export { createChainedResolver, resolveLookups } from './lookups.js';
export { createApiLookupResolver, type ApiLookupResolver } from './api-lookup-resolver.js';
export * from './entity-fields.js';
export { validateRow } from './validate-row.js';
export {
  compileDateFormat,
  compileTimeFormat,
  DEFAULT_YEAR_PIVOT,
  expandTwoDigitYear,
  parseLocalDate,
  type CompiledDateFormat,
  type CompiledTimeFormat,
  type DateFormatOptions,
  type DateTimeParts,
  type TimeParts,
} from '../core/parse/date-format.js';
export { parseDuration, DURATION_FORMATS, type DurationFormat } from '../core/parse/duration.js';
export { parseTimeOfDay, formatTimeOfDay } from '../core/parse/time-of-day.js';
