/**
 * Source definitions as they appear in a pipeline file (`steps[].source`). The pipeline schema embeds
 * `SourceSchema`; `createExtractor()` takes its parsed output. Keys are camelCase.
 */
import { z } from 'zod';
import { dateFormatProblem } from '../core/parse/date-format.js';
import { HOURS_FORMATS } from '../core/parse/duration.js';

/** Text encodings a CSV source may declare. A byte-order mark in the file wins over the declaration. */
export const ENCODINGS = ['utf8', 'latin1', 'utf16le'] as const;
export type SourceEncoding = (typeof ENCODINGS)[number];

/** Field delimiters we detect or accept. */
export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Hour formats of Zoho timesheet exports. `h.mm` is Zoho's hours.minutes (1.30 = 90 minutes). */
export { HOURS_FORMATS, type HoursFormat } from '../core/parse/duration.js';

/** Default limit on one field's length, in characters. */
export const DEFAULT_MAX_FIELD_CHARS = 100_000;

const pathSchema = z.string().min(1, 'expected a file path');

/** A date format made of YYYY, MM, M, DD, D, MMM (Jan), MMMM (January) and literal separators. */
export const DateFormatSchema = z.string().superRefine((format, ctx) => {
  const problem = dateFormatProblem(format, true);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (e.g. YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD-MM-YYYY, DD MMM YYYY)` });
});

const csvOptions = {
  path: pathSchema,
  /** Declared encoding (default utf8). A UTF-8 or UTF-16LE byte-order mark overrides it. */
  encoding: z.enum(ENCODINGS).default('utf8'),
  /** Field delimiter; omitted = detected from the header line (`,` `;` or tab, outside quotes). */
  delimiter: z.enum(DELIMITERS).optional(),
  /** Quote character (default `"`); quotes inside quoted fields are doubled. */
  quote: z.string().length(1, 'expected a single character').default('"'),
  /** A field longer than this (characters) makes its row a SOURCE_FIELD_TOO_LONG reject. Default 100 000. */
  maxFieldChars: z.number().int().min(1).default(DEFAULT_MAX_FIELD_CHARS),
  /**
   * Accept rows with fewer fields than the header (missing columns are absent from the record).
   * Rows with more fields are rejected either way: their extra values would be lost. Default false.
   */
  relaxColumnCount: z.boolean().default(false),
};

export const CsvSourceSchema = z.strictObject({ type: z.literal('csv'), ...csvOptions });

/** A file holding one top-level JSON array of objects. */
export const JsonSourceSchema = z.strictObject({ type: z.literal('json'), path: pathSchema });

/** One JSON object per line (UTF-8). Blank lines are ignored. */
export const NdjsonSourceSchema = z.strictObject({ type: z.literal('ndjson'), path: pathSchema });

/**
 * A timesheet exported from the Zoho Projects web UI (CSV). Headers are matched through aliases
 * (see TIMESHEET_ALIASES); the date format and the hours format must be stated: `1.30` means 90
 * minutes in `h.mm` and 78 minutes in `decimal`, and no file tells which.
 */
export const ZohoTimesheetSourceSchema = z.strictObject({
  type: z.literal('zoho-timesheet'),
  path: pathSchema,
  dateFormat: DateFormatSchema,
  hoursFormat: z.enum(HOURS_FORMATS),
  encoding: csvOptions.encoding,
  delimiter: csvOptions.delimiter,
  quote: csvOptions.quote,
  maxFieldChars: csvOptions.maxFieldChars,
});

export const SourceSchema = z.discriminatedUnion('type', [
  CsvSourceSchema,
  JsonSourceSchema,
  NdjsonSourceSchema,
  ZohoTimesheetSourceSchema,
]);

/** Parsed (defaults applied) source definitions. */
export type CsvSource = z.output<typeof CsvSourceSchema>;
export type JsonSource = z.output<typeof JsonSourceSchema>;
export type NdjsonSource = z.output<typeof NdjsonSourceSchema>;
export type ZohoTimesheetSource = z.output<typeof ZohoTimesheetSourceSchema>;
export type Source = z.output<typeof SourceSchema>;
/** Source definitions as written (defaults not yet applied). */
export type SourceInput = z.input<typeof SourceSchema>;
