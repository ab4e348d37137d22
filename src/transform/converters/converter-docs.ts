/**
 * The converter reference: one entry per converter, rendered into docs/pipelines.md (the generator in
 * src/pipeline/file/) and run by a test (each example's input must give its output, or its reject code).
 * A converter without an entry fails that test, so the reference cannot fall behind the code.
 * FIELD_SOURCE_DOCS does the same for a field's sources (from, template, coalesce, collect).
 */
import { DEFAULT_YEAR_PIVOT } from '../../core/parse/date-format.js';
import { DEFAULT_DATETIME_FORMATS } from './date.js';

/** One worked example: the converter as written in a pipeline file, a source value, and what comes out. */
export interface ConverterExample {
  /** The converter spec as YAML would give it: a bare name (`lower`) or an object (`{ type: split, separator: ' ', index: 0 }`). */
  spec: unknown;
  /** The source value. */
  input: unknown;
  /** The converted value (when the example succeeds). */
  output?: unknown;
  /** The reject code (when the example shows a refusal), e.g. `ROW_INVALID_DATE`. */
  rejects?: string;
  /** One line saying what the example shows. */
  note?: string;
}

export interface ConverterDoc {
  /** The converter's `type` (and bare name when it has one). */
  type: string;
  /** What it does, one or two sentences (Markdown). */
  summary: string;
  /** Its options, one line each: `name` — meaning (default). Markdown. */
  options: readonly string[];
  examples: readonly ConverterExample[];
}

const PIVOT = `\`pivot\` — two-digit years (\`YY\`) below it are 20yy, the others 19yy (default ${DEFAULT_YEAR_PIVOT}: ${DEFAULT_YEAR_PIVOT}–99 → 19${DEFAULT_YEAR_PIVOT}–1999, 00–${DEFAULT_YEAR_PIVOT - 1} → 2000–20${DEFAULT_YEAR_PIVOT - 1}, as POSIX strptime; 0–100)`;
const TOKENS =
  'Format tokens: `YYYY`, `YY`, `MMMM` (January), `MMM` (Jan), `MM`/`M`, `DD`/`D`, `HH`/`H` (0–23), `hh`/`h` (1–12, with `A` for AM/PM), `mm`, `ss`, `SSS`, `Z` (`Z`, `+05:30`); other characters are literals. Only real dates match (30 Feb never does).';
const JIRA = 'DD/MMM/YY h:mm A';

/** Every converter, in the order the reference lists them. */
export const CONVERTER_DOCS: readonly ConverterDoc[] = [
  {
    type: 'date',
    summary: `A calendar date, \`YYYY-MM-DD\`, never shifted by the machine's time zone. A format with a time keeps the date part. Also a bare name: \`date\`. ${TOKENS}`,
    options: [
      '`formats` — formats tried in order, the first match wins (`[YYYY-MM-DD]`)',
      "`zone` — IANA zone: a value with an offset (`Z`, `+05:30`) becomes this zone's calendar date (none: the date as written)",
      PIVOT,
    ],
    examples: [
      { spec: { type: 'date', formats: ['DD/MM/YYYY'] }, input: '05/03/2026', output: '2026-03-05' },
      { spec: { type: 'date', formats: [JIRA] }, input: '05/Nov/25 11:03 AM', output: '2025-11-05', note: "Jira's default date-time: the date part; 25 → 2025" },
      { spec: { type: 'date', formats: ['YYYY-MM-DDTHH:mm:ssZ'], zone: 'Europe/Berlin' }, input: '2025-11-05T23:30:00Z', output: '2025-11-06', note: 'half past midnight in Berlin' },
      { spec: { type: 'date', formats: ['DD/MM/YYYY'] }, input: '30/02/2026', rejects: 'ROW_INVALID_DATE', note: 'not a real date' },
    ],
  },
  {
    type: 'datetime',
    summary: `An instant, as ISO UTC (\`2025-11-05T10:03:00.000Z\`). A value without an offset is wall time in \`zone\` (a time skipped by a DST change moves forward by the gap; a repeated one takes the earlier). ${TOKENS}`,
    options: [
      '`zone` — IANA zone of values without an offset (required)',
      `\`formats\` — formats tried in order (${DEFAULT_DATETIME_FORMATS.map((f) => `\`${f}\``).join(', ')})`,
      PIVOT,
    ],
    examples: [
      { spec: { type: 'datetime', zone: 'Europe/Berlin', formats: [JIRA] }, input: '05/Nov/25 11:03 AM', output: '2025-11-05T10:03:00.000Z' },
      { spec: { type: 'datetime', zone: 'Europe/Berlin' }, input: '2025-11-05T11:03:00+05:30', output: '2025-11-05T05:33:00.000Z', note: 'an offset in the value wins over the zone' },
      { spec: { type: 'datetime', zone: 'UTC' }, input: '2025-11-05 25:00', rejects: 'ROW_INVALID_DATETIME' },
    ],
  },
  {
    type: 'time',
    summary: 'A time of day, `HH:MM` on a 24-hour clock (seconds dropped), from a time or from the time part of a date-time. A bad value is `ROW_INVALID_DATETIME`. Also a bare name: `time`.',
    options: [
      '`formats` — time formats (`h:mm A`) or date-time formats whose time is taken; stated formats replace the defaults (plain times such as `14:20`, `14:20:00`, `2:20 PM`, `2:20 p.m.`, then the ISO date-times of `datetime`)',
      "`zone` — IANA zone: a value with an offset is converted to this zone's wall clock (none: the time as written)",
      PIVOT,
    ],
    examples: [
      { spec: 'time', input: '2:20 PM', output: '14:20' },
      { spec: { type: 'time', formats: [JIRA] }, input: '05/Nov/25 11:03 PM', output: '23:03' },
      { spec: { type: 'time', zone: 'Asia/Kolkata' }, input: '2025-11-05T23:30:00Z', output: '05:00' },
      { spec: 'time', input: '13:00 PM', rejects: 'ROW_INVALID_DATETIME' },
    ],
  },
  {
    type: 'duration',
    summary: "Whole minutes. The format is required: `1.30` is 90 minutes in Zoho's hours.minutes and 78 minutes in decimal hours, and no value tells which.",
    options: ['`format` — `hh:mm` (1:30, 100:00), `h.mm` (1.30 = 1 h 30 min), `decimal` (1.5 or 1,5 hours), `units` (1h 30m, 90 min) (required)'],
    examples: [
      { spec: { type: 'duration', format: 'h.mm' }, input: '1.30', output: 90 },
      { spec: { type: 'duration', format: 'decimal' }, input: '1,5', output: 90 },
      { spec: { type: 'duration', format: 'units' }, input: '1h 15m', output: 75 },
      { spec: { type: 'duration', format: 'h.mm' }, input: '1.75', rejects: 'ROW_INVALID_DURATION', note: 'hours.minutes has .00–.59 only' },
    ],
  },
  {
    type: 'enum',
    summary: 'A closed list: each value must be one the map lists, else the row is rejected (or gets `default`). For a table that lets unlisted values through, use `map`.',
    options: ['`map` — source value → value sent (required)', '`default` — the value for anything unlisted (none: reject)', '`caseSensitive` — match case (false; keys are always trimmed)'],
    examples: [
      { spec: { type: 'enum', map: { Highest: 'high', Low: 'low' } }, input: ' highest ', output: 'high' },
      { spec: { type: 'enum', map: { Highest: 'high' }, default: 'none' }, input: 'Medium', output: 'none' },
      { spec: { type: 'enum', map: { Highest: 'high', Low: 'low' } }, input: 'Medium', rejects: 'ROW_INVALID_ENUM' },
    ],
  },
  {
    type: 'map',
    summary: 'A table of values. Unlike `enum`, which refuses a value it does not list, an unlisted value passes through unchanged (or becomes `default`); it never rejects. A value mapped to `""` is missing. Lists are mapped element by element.',
    options: ['`values` — source value → new value (required)', '`default` — the value for anything unlisted (none: pass through)', '`caseSensitive` — match case (false; keys are always trimmed)'],
    examples: [
      { spec: { type: 'map', values: { 'To Do': 'Open', Done: 'Closed' } }, input: 'to do', output: 'Open' },
      { spec: { type: 'map', values: { 'To Do': 'Open', Done: 'Closed' } }, input: 'In Review', output: 'In Review', note: 'unlisted: unchanged' },
      { spec: { type: 'map', values: { 'To Do': 'Open' }, default: 'Open' }, input: 'Backlog', output: 'Open' },
    ],
  },
  {
    type: 'trim',
    summary: 'Trims the ends. Line breaks inside the text are kept, so a multi-line description stays multi-line. Lists are trimmed element by element. Also a bare name: `trim`.',
    options: ['`collapse` — also turn every inner run of whitespace, line breaks included, into one space: the text becomes one line (false)'],
    examples: [
      { spec: 'trim', input: '  Steps:\n1. log in  ', output: 'Steps:\n1. log in', note: 'the line break stays' },
      { spec: { type: 'trim', collapse: true }, input: '  Steps:\n1. log   in ', output: 'Steps: 1. log in' },
    ],
  },
  {
    type: 'lower',
    summary: 'Lower-cases text (each element of a list). Also a bare name: `lower`.',
    options: [],
    examples: [
      { spec: 'lower', input: 'Jonas.Muller@Example.COM', output: 'jonas.muller@example.com' },
      { spec: 'lower', input: ['OPS', 'Backend'], output: ['ops', 'backend'] },
    ],
  },
  {
    type: 'upper',
    summary: 'Upper-cases text (each element of a list). Also a bare name: `upper`.',
    options: [],
    examples: [
      { spec: 'upper', input: 'ops-12', output: 'OPS-12' },
      { spec: { type: 'upper' }, input: 'straße', output: 'STRASSE', note: 'ß has no one-letter capital' },
    ],
  },
  {
    type: 'split',
    summary: "Cuts the text at every `separator` and keeps one part. A part that does not exist gives an empty value, which counts as missing (the field's `default` or `required` applies).",
    options: ['`separator` — the text between parts, taken literally (required)', '`index` — 0 is the first part, -1 the last (required)', '`trim` — trim the part taken (true)'],
    examples: [
      { spec: { type: 'split', separator: ' ', index: 0 }, input: 'Jonas Müller', output: 'Jonas' },
      { spec: { type: 'split', separator: ',', index: -1 }, input: 'Berlin, Germany', output: 'Germany' },
      { spec: { type: 'split', separator: ' ', index: 1 }, input: 'Cher', output: '', note: 'no second part: missing' },
    ],
  },
  {
    type: 'replace',
    summary: 'Regular-expression replace (JavaScript syntax), compiled once. Without the `g` flag only the first match is replaced. The schema refuses a pattern that does not compile, giving the error, and a `$n` the pattern has no group for.',
    options: [
      '`pattern` — the regular expression, without slashes (required)',
      '`with` — the replacement: `$1` … a group, `$<name>` a named group, `$$` a dollar sign (required)',
      '`flags` — any of `g` (every match), `i` (ignore case), `m`, `s`, `u` (none)',
    ],
    examples: [
      { spec: { type: 'replace', pattern: '^([^,]+), (.+)$', with: '$2 $1' }, input: 'Müller, Jonas', output: 'Jonas Müller' },
      { spec: { type: 'replace', pattern: '\\s+', with: '-', flags: 'g' }, input: 'release  2 notes', output: 'release-2-notes' },
      { spec: { type: 'replace', pattern: '^JIRA-', with: '', flags: 'i' }, input: 'jira-OPS', output: 'OPS' },
    ],
  },
  {
    type: 'email',
    summary:
      'Checks an e-mail address and gives it in the one form the toolkit compares and sends: trimmed, lower-cased, Unicode NFC, the domain as IDNA A-labels (`xn--…`). ' +
      'Internationalised addresses are accepted: a domain with Unicode labels or their A-labels, a local part with non-ASCII characters (RFC 6531/6532). ' +
      'Refused with ROW_INVALID_EMAIL and the reason: no `@` or several, nothing before or after it, white space or control characters, a quoted local part, an address literal (`[192.0.2.1]`), ' +
      'a dot at an end or two in a row, a domain without a dot, a label that starts or ends with a hyphen or holds other characters than letters, digits and hyphens, a numeric top-level domain, ' +
      'a local part over 64 bytes or an address over 254 (UTF-8). Whether Zoho takes a non-ASCII local part is unconfirmed (docs/zoho-api-notes.md, "E-mail addresses"); Zoho refusing one is the row\'s ROW_REJECTED_BY_ZOHO. ' +
      'Every `email` field is checked by the same rule, with or without this converter. Also a bare name: `email`.',
    options: [],
    examples: [
      { spec: 'email', input: ' Jonas.Muller@Example.com ', output: 'jonas.muller@example.com' },
      { spec: 'email', input: 'Anna@Bücher.de', output: 'anna@xn--bcher-kva.de', note: 'an IDN domain: the same person as anna@xn--bcher-kva.de' },
      { spec: 'email', input: 'Δοκιμή@παράδειγμα.δοκιμή', output: 'δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp', note: 'a UTF-8 local part stays Unicode' },
      { spec: 'email', input: 'anna@bücher', rejects: 'ROW_INVALID_EMAIL', note: 'the domain "bücher" has no dot' },
    ],
  },
  {
    type: 'html',
    summary: 'HTML to plain text: tags dropped, `<br>` and the ends of paragraphs, list items and rows become line breaks, entities decoded. Plain text passes through (trimmed). Also a bare name: `html`.',
    options: [],
    examples: [
      { spec: 'html', input: '<p>Fix &amp; ship</p><ul><li>one</li><li>two</li></ul>', output: 'Fix & ship\n- one\n- two' },
      { spec: 'html', input: ' plain text ', output: 'plain text' },
    ],
  },
  {
    type: 'number',
    summary: 'A number, read with the stated separators. Also a bare name: `number`.',
    options: ['`decimalSeparator` — `.` or `,` (`.`)', "`thousandsSeparator` — `,` `.` space or `'` (none)", '`integer` — whole numbers only (false)', '`min`, `max` — bounds, inclusive (none)'],
    examples: [
      { spec: { type: 'number', decimalSeparator: ',', thousandsSeparator: '.' }, input: '1.234,5', output: 1234.5 },
      { spec: { type: 'number', integer: true, max: 100 }, input: '40', output: 40 },
      { spec: { type: 'number', integer: true, max: 100 }, input: '140', rejects: 'ROW_INVALID_NUMBER' },
    ],
  },
  {
    type: 'boolean',
    summary: 'true or false from word lists, matched trimmed and case-insensitively. Also a bare name: `boolean`.',
    options: ['`true` — words for true (`yes`, `true`, `1`, `y`)', '`false` — words for false (`no`, `false`, `0`, `n`)'],
    examples: [
      { spec: 'boolean', input: 'Yes', output: true },
      { spec: { type: 'boolean', true: ['billable'], false: ['non-billable'] }, input: 'Non-Billable', output: false },
      { spec: 'boolean', input: 'maybe', rejects: 'ROW_INVALID_BOOLEAN' },
    ],
  },
  {
    type: 'list',
    summary: 'Splits text into a list (a JSON array passes through); a lookup on the field runs per element. Also a bare name: `list`.',
    options: ['`separator` — between elements (`,`)', '`trim` — trim each element (true)', '`dropEmpty` — drop empty elements (true)'],
    examples: [
      { spec: 'list', input: 'a@x.com, b@x.com,', output: ['a@x.com', 'b@x.com'] },
      { spec: { type: 'list', separator: ';' }, input: 'ops; backend', output: ['ops', 'backend'] },
    ],
  },
];

/** A field source in the reference; its examples' `spec` is the field as written, `input` a source row, `output` the field's value. */
export interface FieldSourceDoc {
  /** The source's key in a field: `from`, `template`, `coalesce` or `collect`. */
  source: string;
  /** What it does (Markdown). */
  summary: string;
  examples: readonly ConverterExample[];
}

/** Every field source, in the order the reference lists them. A field gives at most one (none = `from` its own name). */
export const FIELD_SOURCE_DOCS: readonly FieldSourceDoc[] = [
  {
    source: 'from',
    summary: "One column, by its header name (default: the field's own name). A repeated header's later columns are read as `Name_2`, `Name_3` ….",
    examples: [{ spec: { from: 'Summary' }, input: { Summary: 'Fix login', 'Issue key': 'OPS-12' }, output: 'Fix login' }],
  },
  {
    source: 'template',
    summary: 'Text joining columns: `{Column name}` inserts a column, `{{` and `}}` are literal braces. An empty column inserts nothing; when every column the template names is empty, the value is missing.',
    examples: [
      { spec: { template: '{Summary} ({Issue key})' }, input: { Summary: 'Fix login', 'Issue key': 'OPS-12' }, output: 'Fix login (OPS-12)' },
      { spec: { template: '{{{Issue key}}}' }, input: { 'Issue key': 'OPS-12' }, output: '{OPS-12}' },
      { spec: { template: '{Summary} ({Issue key})', required: true }, input: { Summary: '', 'Issue key': ' ' }, rejects: 'ROW_REQUIRED', note: 'every column empty: missing' },
    ],
  },
  {
    source: 'coalesce',
    summary: 'Columns tried in order: the value of the first that is not empty (missing when all are).',
    examples: [
      { spec: { coalesce: ['Assignee', 'Reporter'] }, input: { Assignee: '', Reporter: 'Ana Lima' }, output: 'Ana Lima' },
      { spec: { coalesce: ['Assignee', 'Reporter'], required: true }, input: { Assignee: '', Reporter: '' }, rejects: 'ROW_REQUIRED' },
    ],
  },
  {
    source: 'collect',
    summary:
      'A repeated column (Jira exports one `Labels` column per label) into a list: `Labels`, `Labels_2`, `Labels_3` … as long as the row has them, empty cells dropped. A JSON array value is taken as it is. Converters then apply to each element, and a lookup runs per element.',
    examples: [
      { spec: { collect: 'Labels' }, input: { Labels: 'ops', Labels_2: '', Labels_3: 'backend' }, output: ['ops', 'backend'] },
      { spec: { collect: 'Labels', converter: 'upper' }, input: { Labels: ['ops', 'qa'] }, output: ['OPS', 'QA'] },
      { spec: { collect: 'Labels', required: true }, input: { Labels: '', Labels_2: '' }, rejects: 'ROW_REQUIRED' },
    ],
  },
];
