/**
 * Source definitions as they appear in a pipeline file (`steps[].source`). The pipeline schema embeds
 * `SourceSchema`; `createExtractor()` takes its parsed output. Keys are camelCase.
 */
import { z } from 'zod';
import { dateFormatProblem } from '../core/parse/date-format.js';
import { HOURS_FORMATS } from '../core/parse/duration.js';
import { CONTROL_CHARACTER_POLICIES } from '../core/control-chars.js';
import { closestName } from '../core/did-you-mean.js';
import { canonicalEncoding, DEFAULT_ENCODING, describeEncodings, ENCODING_LABELS, ENCODINGS, FALLBACK_ENCODING } from './text-encoding.js';

/** Text encodings a CSV source may declare: the list and its aliases live in text-encoding.ts. */
export { ENCODINGS, type SourceEncoding } from './text-encoding.js';

/** Field delimiters we detect or accept. */
export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Hour formats of Zoho timesheet exports. `h.mm` is Zoho's hours.minutes (1.30 = 90 minutes). */
export { HOURS_FORMATS, type HoursFormat } from '../core/parse/duration.js';

/** Default limit on one field's length, in characters. */
export const DEFAULT_MAX_FIELD_CHARS = 100_000;

/** What a tabular source does with a header name that appears more than once. */
export const DUPLICATE_HEADER_POLICIES = ['error', 'number'] as const;
export type DuplicateHeaderPolicy = (typeof DUPLICATE_HEADER_POLICIES)[number];

const controlCharacters = z
  .enum(CONTROL_CHARACTER_POLICIES)
  .default('reject')
  .describe(
    'A field holding a control character (NUL and the other C0 controls but tab, LF and CR; DEL; the C1 controls U+0080–U+009F): `reject` (the default) makes its row a SOURCE_CONTROL_CHARACTER reject naming the column and line; `strip` removes them and the row loads with a SOURCE_CONTROL_STRIPPED warning. Never loaded as they are.',
  );

const duplicateHeaders = z
  .enum(DUPLICATE_HEADER_POLICIES)
  .default('error')
  .describe(
    'A header name that appears more than once: `error` (the default) stops the step at its start, naming the header and both column numbers, unless the step reads the repeats (`collect:` of that name, or a column named `Name_2`…); `number` reads the repeats as `Name_2`, `Name_3`… with a SOURCE_DUPLICATE_HEADER warning.',
  );

const pathSchema = z.string().min(1, 'expected a file path').describe('The file, relative to the pipeline file (or absolute). `${VAR}` is replaced from the environment.');

/** A date format made of YYYY, MM, M, DD, D, MMM (Jan), MMMM (January) and literal separators. */
export const DateFormatSchema = z
  .string()
  .superRefine((format, ctx) => {
    const problem = dateFormatProblem(format, true);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (e.g. YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD-MM-YYYY, DD MMM YYYY)` });
  })
  .describe('The date format of the file, made of YYYY, MM, M, DD, D, MMM (Jan), MMMM (January) and separators, e.g. DD.MM.YYYY.');

const csvOptions = {
  path: pathSchema,
  encoding: z
    .string()
    .default(DEFAULT_ENCODING)
    // Spellings compare case-insensitively; the parsed source holds the canonical name.
    .superRefine((label, ctx) => {
      if (canonicalEncoding(label) !== undefined) return;
      const near = closestName(label.toLowerCase(), ENCODING_LABELS);
      ctx.addIssue({ code: 'custom', message: `"${label}" is not an encoding we read${near ? ` (did you mean ${near}?)` : ''}; expected one of ${ENCODINGS.join(', ')} or an alias of one` });
    })
    .transform((label) => canonicalEncoding(label)!)
    .describe(
      `The file's text encoding. \`auto\` (the default): a byte-order mark decides (UTF-8, UTF-16LE, UTF-16BE); without one a UTF-16 file is recognised by its NUL bytes, else the file is read as UTF-8, unless its first chunk holds bytes that are not UTF-8 and no UTF-8 character of two bytes or more: then it is read as ${FALLBACK_ENCODING} with a SOURCE_ENCODING_FALLBACK warning naming the first such line. Or one of ${describeEncodings()} (names in brackets are aliases; \`latin1\` is ISO-8859-1 proper, whose 0x80–0x9F are control characters: a Windows file is \`windows-1252\`). A byte-order mark wins over a declaration it contradicts (with a SOURCE_ENCODING_FALLBACK warning). A field whose bytes are not valid in the encoding makes its row a SOURCE_INVALID_ENCODING reject; a file that looks binary (a spreadsheet, an archive, NUL bytes) stops the step with SOURCE_BINARY.`,
    ),
  delimiter: z.enum(DELIMITERS).optional().describe('Field delimiter; omitted = detected from the header line (the most frequent of `,` `;` and tab outside quotes, `,` on a tie).'),
  quote: z.string().length(1, 'expected a single character').default('"').describe('Quote character; a quote inside a quoted field is doubled.'),
  maxFieldChars: z.number().int().min(1).default(DEFAULT_MAX_FIELD_CHARS).describe('A field longer than this (characters) makes its row a SOURCE_FIELD_TOO_LONG reject.'),
  controlCharacters,
  duplicateHeaders,
  relaxColumnCount: z
    .boolean()
    .default(false)
    .describe('Accept rows with fewer fields than the header (the missing columns are absent from the record). Rows with more fields are rejected either way: their extra values would be lost.'),
};

export const CsvSourceSchema = z
  .strictObject({ type: z.literal('csv').describe('A CSV file.'), ...csvOptions })
  .describe(
    'A CSV file with a header line. Column names are the header cells trimmed; an empty cell names its column `column_<n>` (1-based); a repeated name stops the step unless the step reads its repeats, which are read as `name_2`, `name_3`… (see `duplicateHeaders`). Blank lines are skipped, with one SOURCE_BLANK_LINES warning saying how many and where the first was; a field may span lines inside quotes, and its line breaks are kept. An empty file (no byte, a byte-order mark only, or only blank lines) gives SOURCE_EMPTY "file is empty: no header line"; a header with no record after it gives the warning SOURCE_NO_RECORDS "no records after the header".',
  );

export const JsonSourceSchema = z
  .strictObject({ type: z.literal('json').describe('A JSON file.'), path: pathSchema, controlCharacters })
  .describe('A file holding one top-level JSON array of objects, streamed element by element; each object\'s properties are its columns. A syntax error stops the step with its line and column.');

export const NdjsonSourceSchema = z
  .strictObject({ type: z.literal('ndjson').describe('A JSON-lines file.'), path: pathSchema, controlCharacters })
  .describe('One JSON object per line (UTF-8); each object\'s properties are its columns. Blank lines are ignored; a line that is not an object is a reject with its line number.');

/**
 * A timesheet exported from the Zoho Projects web UI (CSV). Headers are matched through aliases
 * (see TIMESHEET_ALIASES); the date format and the hours format must be stated: `1.30` means 90
 * minutes in `h.mm` and 78 minutes in `decimal`, and no file tells which.
 */
export const ZohoTimesheetSourceSchema = z
  .strictObject({
    type: z.literal('zoho-timesheet').describe('A timesheet exported from the Zoho Projects web UI.'),
    path: pathSchema,
    dateFormat: DateFormatSchema,
    hoursFormat: z.enum(HOURS_FORMATS).describe('How the file writes hours: `h.mm` is Zoho\'s hours.minutes (1.30 = 90 minutes), `decimal` is hours (1.30 = 78 minutes).'),
    encoding: csvOptions.encoding,
    delimiter: csvOptions.delimiter,
    quote: csvOptions.quote,
    maxFieldChars: csvOptions.maxFieldChars,
    controlCharacters,
    duplicateHeaders,
  })
  .describe('A timesheet exported from the Zoho Projects web UI (CSV). Headers are matched through their usual aliases; the date format and the hours format must be stated, since no file tells which.');

export const SourceSchema = z
  .discriminatedUnion('type', [CsvSourceSchema, JsonSourceSchema, NdjsonSourceSchema, ZohoTimesheetSourceSchema])
  .describe('The file the step reads, by `type`: csv, json, ndjson or zoho-timesheet.');

/** Parsed (defaults applied) source definitions. */
export type CsvSource = z.output<typeof CsvSourceSchema>;
export type JsonSource = z.output<typeof JsonSourceSchema>;
export type NdjsonSource = z.output<typeof NdjsonSourceSchema>;
export type ZohoTimesheetSource = z.output<typeof ZohoTimesheetSourceSchema>;
export type Source = z.output<typeof SourceSchema>;
/** Source definitions as written (defaults not yet applied). */
export type SourceInput = z.input<typeof SourceSchema>;
