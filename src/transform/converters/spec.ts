/**
 * Converter specs as written in a pipeline file: a bare name (`trim`, `lower`, `upper`, `email`,
 * `html`, `number`, `boolean`, `list`, `date`, `time`) or an object `{type, ...options}`. A field may
 * chain several. The reference (converter-docs.ts) has every converter with worked examples.
 */
import { z } from 'zod';
import { DEFAULT_YEAR_PIVOT, dateFormatProblem, timeFormatProblem } from '../../core/parse/date-format.js';
import { DURATION_FORMATS } from '../../core/parse/duration.js';
import { isValidTimeZone } from '../../core/local-date.js';
import { replacementProblem } from './replace-check.js';

const dateFormat = (dateOnly: boolean) =>
  z.string().superRefine((f, ctx) => {
    const problem = dateFormatProblem(f, dateOnly);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const timeFormat = z.string().superRefine((f, ctx) => {
  const problem = timeFormatProblem(f);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const zone = z.string().refine(isValidTimeZone, { message: 'expected an IANA time zone such as Europe/Berlin or UTC' });

const pivot = z
  .number()
  .int()
  .min(0)
  .max(100)
  .optional()
  .describe(`Two-digit years (YY) below the pivot are 20yy, the others 19yy (default ${DEFAULT_YEAR_PIVOT}: ${DEFAULT_YEAR_PIVOT}–99 → 19${DEFAULT_YEAR_PIVOT}–1999, 00–${DEFAULT_YEAR_PIVOT - 1} → 2000–20${DEFAULT_YEAR_PIVOT - 1}, as POSIX strptime)`);

/**
 * `{type:'date', formats, zone?, pivot?}`: first matching format wins; output `YYYY-MM-DD`. Default
 * formats: `['YYYY-MM-DD']`. A format may have time tokens: the date part is kept, and with `zone` a
 * value carrying an offset (`Z`, `+05:30`) becomes that zone's calendar date.
 */
export const DateConverterSchema = z.strictObject({
  type: z.literal('date'),
  formats: z.array(dateFormat(false)).min(1).default(['YYYY-MM-DD']),
  zone: zone.optional().describe('IANA zone: a value with an offset is converted to this zone\'s calendar date. Without it, the date is taken as written'),
  pivot,
});

/**
 * `{type:'datetime', zone, formats?, pivot?}`: wall-clock values are read in `zone` (IANA, required),
 * values with an offset (`Z`, `+05:30`) keep it. Output: ISO instant `YYYY-MM-DDTHH:mm:ss.sssZ`.
 */
export const DatetimeConverterSchema = z.strictObject({
  type: z.literal('datetime'),
  zone,
  formats: z.array(dateFormat(false)).min(1).optional(),
  pivot,
});

/**
 * `{type:'time', formats?, zone?, pivot?}` → `HH:MM` (24-hour). Formats are times (`h:mm A`) or
 * date-times whose time is taken (`DD/MMM/YY h:mm A`); without `formats`, plain times (`14:20`,
 * `2:20 PM`) and ISO date-times are read. With `zone`, a value with an offset is converted to it.
 */
export const TimeConverterSchema = z.strictObject({
  type: z.literal('time'),
  formats: z.array(timeFormat).min(1).optional().describe('Time or date-time formats, first match wins (default: 14:20, 14:20:00, 2:20 PM and the ISO date-times of datetime)'),
  zone: zone.optional().describe('IANA zone: a value with an offset is converted to this zone\'s wall clock. Without it, the time is taken as written'),
  pivot,
});

/** `{type:'duration', format}` → whole minutes. Format is required: 1.30 means different things. */
export const DurationConverterSchema = z.strictObject({
  type: z.literal('duration'),
  format: z.enum(DURATION_FORMATS),
});

/**
 * `{type:'enum', map, default?, caseSensitive?}`: keys matched trimmed and case-insensitively by
 * default; a value the map does not list is refused (ROW_INVALID_ENUM) unless `default` is given.
 */
export const EnumConverterSchema = z.strictObject({
  type: z.literal('enum'),
  map: z.record(z.string(), z.string()).refine((m) => Object.keys(m).length > 0, { message: 'expected at least one mapping' }),
  default: z.string().optional(),
  caseSensitive: z.boolean().default(false),
});

/**
 * `{type:'trim', collapse?}`: trims the ends; inner line breaks are kept. `collapse` also squeezes
 * every inner run of whitespace, line breaks included, to one space (the text becomes one line).
 */
export const TrimConverterSchema = z.strictObject({ type: z.literal('trim'), collapse: z.boolean().default(false) });

/** `{type:'email'}`: checks the address rule (core/email-address.ts) and gives its match form (core/norm-email.ts). */
export const EmailConverterSchema = z.strictObject({ type: z.literal('email') });

/** `{type:'html'}`: HTML → plain text (tags dropped, block ends become line breaks, entities decoded). */
export const HtmlConverterSchema = z.strictObject({ type: z.literal('html') });

/** `{type:'number', decimalSeparator?, thousandsSeparator?, integer?, min?, max?}`. */
export const NumberConverterSchema = z.strictObject({
  type: z.literal('number'),
  decimalSeparator: z.enum(['.', ',']).default('.'),
  thousandsSeparator: z.enum([',', '.', ' ', "'"]).optional(),
  integer: z.boolean().default(false),
  min: z.number().optional(),
  max: z.number().optional(),
});

/** `{type:'boolean', true?, false?}`: case-insensitive word lists; defaults yes/true/1/y and no/false/0/n. */
export const BooleanConverterSchema = z.strictObject({
  type: z.literal('boolean'),
  true: z.array(z.string()).min(1).default(['yes', 'true', '1', 'y']),
  false: z.array(z.string()).min(1).default(['no', 'false', '0', 'n']),
});

/** `{type:'list', separator?, trim?, dropEmpty?}` → string[]. Defaults: `,`, true, true. */
export const ListConverterSchema = z.strictObject({
  type: z.literal('list'),
  separator: z.string().min(1).default(','),
  trim: z.boolean().default(true),
  dropEmpty: z.boolean().default(true),
});

/** `{type:'lower'}` (bare `lower`): lower-cases text (each element of a list). */
export const LowerConverterSchema = z.strictObject({ type: z.literal('lower') });

/** `{type:'upper'}` (bare `upper`): upper-cases text (each element of a list). */
export const UpperConverterSchema = z.strictObject({ type: z.literal('upper') });

/** `{type:'split', separator, index, trim?}`: one part of the text; an index past the end gives an empty value (= missing). */
export const SplitConverterSchema = z.strictObject({
  type: z.literal('split'),
  separator: z.string().min(1).describe('The text between parts, taken literally (not a pattern)'),
  index: z.number().int().describe('Which part: 0 is the first, -1 the last; a part that does not exist gives an empty value (missing)'),
  trim: z.boolean().default(true).describe('Trim the part taken (default true)'),
});

/** RegExp flags a replace may use: each of g, i, m, s, u at most once (no sticky `y`, no `d`/`v`). */
const REPLACE_FLAGS = /^(?!.*(.).*\1)[gimsu]*$/;

/**
 * `{type:'replace', pattern, with, flags?}`: a JavaScript regular expression, compiled once; `with`
 * may use `$1`… and `$<name>`. Without the `g` flag only the first match is replaced.
 */
export const ReplaceConverterSchema = z
  .strictObject({
    type: z.literal('replace'),
    pattern: z.string().min(1).describe('A JavaScript regular expression (without slashes)'),
    with: z.string().describe('The replacement: $1, $2 … insert groups, $<name> a named group, $$ a dollar sign'),
    flags: z
      .string()
      .regex(REPLACE_FLAGS, 'expected flags from g, i, m, s, u, each at most once')
      .default('')
      .describe('RegExp flags from g (every match, not only the first), i (ignore case), m, s, u; default none'),
  })
  .superRefine((s, ctx) => {
    // A wrong option is already reported on its own.
    if (typeof s.pattern !== 'string' || typeof s.with !== 'string' || typeof s.flags !== 'string' || !REPLACE_FLAGS.test(s.flags)) return;
    const problem = replacementProblem(s.pattern, s.flags, s.with);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.option] });
  });

/**
 * `{type:'map', values, default?, caseSensitive?}`: a lookup table. Unlike `enum`, which refuses a
 * value it does not list, an unmapped value passes through unchanged (or becomes `default`).
 */
export const MapConverterSchema = z.strictObject({
  type: z.literal('map'),
  values: z
    .record(z.string(), z.string())
    .refine((m) => Object.keys(m).length > 0, { message: 'expected at least one mapping' })
    .describe('From → to. Keys are matched trimmed (and case-insensitively unless caseSensitive); mapping to "" makes the value missing'),
  default: z.string().optional().describe('The value for anything the table does not list (default: the value passes through unchanged)'),
  caseSensitive: z.boolean().default(false).describe('Match keys case-sensitively (default false)'),
});

export const ConverterObjectSchema = z.discriminatedUnion('type', [
  DateConverterSchema,
  DatetimeConverterSchema,
  TimeConverterSchema,
  DurationConverterSchema,
  EnumConverterSchema,
  TrimConverterSchema,
  EmailConverterSchema,
  HtmlConverterSchema,
  NumberConverterSchema,
  BooleanConverterSchema,
  ListConverterSchema,
  LowerConverterSchema,
  UpperConverterSchema,
  SplitConverterSchema,
  ReplaceConverterSchema,
  MapConverterSchema,
]);

/** Converters that need no options and may be written as a bare name. */
export const BARE_CONVERTERS = ['date', 'time', 'trim', 'lower', 'upper', 'email', 'html', 'number', 'boolean', 'list'] as const;

export const ConverterSpecSchema = z.union([z.enum(BARE_CONVERTERS), ConverterObjectSchema]);

export type ConverterObject = z.output<typeof ConverterObjectSchema>;
export type ConverterSpec = z.output<typeof ConverterSpecSchema>;
export type ConverterType = ConverterObject['type'];
export type ConverterOptions<T extends ConverterType> = Extract<ConverterObject, { type: T }>;
