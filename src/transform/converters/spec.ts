/**
 * Converter specs as written in a pipeline file: a bare name (`trim`, `email`, `html`, `number`,
 * `boolean`, `list`, `date`) or an object `{type, ...options}`. A field may chain several.
 */
import { z } from 'zod';
import { dateFormatProblem } from '../../core/parse/date-format.js';
import { DURATION_FORMATS } from '../../core/parse/duration.js';
import { isValidTimeZone } from '../../core/local-date.js';

const dateFormat = (dateOnly: boolean) =>
  z.string().superRefine((f, ctx) => {
    const problem = dateFormatProblem(f, dateOnly);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** `{type:'date', formats}`: first matching format wins; output `YYYY-MM-DD`. Default formats: `['YYYY-MM-DD']`. */
export const DateConverterSchema = z.strictObject({
  type: z.literal('date'),
  formats: z.array(dateFormat(true)).min(1).default(['YYYY-MM-DD']),
});

/**
 * `{type:'datetime', zone, formats?}`: wall-clock values are read in `zone` (IANA, required), values
 * with an offset (`Z`, `+05:30`) keep it. Output: ISO instant `YYYY-MM-DDTHH:mm:ss.sssZ`.
 */
export const DatetimeConverterSchema = z.strictObject({
  type: z.literal('datetime'),
  zone: z.string().refine(isValidTimeZone, { message: 'expected an IANA time zone such as Europe/Berlin or UTC' }),
  formats: z.array(dateFormat(false)).min(1).optional(),
});

/** `{type:'duration', format}` → whole minutes. Format is required: 1.30 means different things. */
export const DurationConverterSchema = z.strictObject({
  type: z.literal('duration'),
  format: z.enum(DURATION_FORMATS),
});

/** `{type:'enum', map, default?, caseSensitive?}`: keys matched trimmed and case-insensitively by default. */
export const EnumConverterSchema = z.strictObject({
  type: z.literal('enum'),
  map: z.record(z.string(), z.string()).refine((m) => Object.keys(m).length > 0, { message: 'expected at least one mapping' }),
  default: z.string().optional(),
  caseSensitive: z.boolean().default(false),
});

/** `{type:'trim', collapse?}`: trims; `collapse` also squeezes inner runs of whitespace to one space. */
export const TrimConverterSchema = z.strictObject({ type: z.literal('trim'), collapse: z.boolean().default(false) });

/** `{type:'email'}`: trims, lower-cases, checks the shape `local@domain.tld`. */
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

export const ConverterObjectSchema = z.discriminatedUnion('type', [
  DateConverterSchema,
  DatetimeConverterSchema,
  DurationConverterSchema,
  EnumConverterSchema,
  TrimConverterSchema,
  EmailConverterSchema,
  HtmlConverterSchema,
  NumberConverterSchema,
  BooleanConverterSchema,
  ListConverterSchema,
]);

/** Converters that need no options and may be written as a bare name. */
export const BARE_CONVERTERS = ['date', 'trim', 'email', 'html', 'number', 'boolean', 'list'] as const;

export const ConverterSpecSchema = z.union([z.enum(BARE_CONVERTERS), ConverterObjectSchema]);

export type ConverterObject = z.output<typeof ConverterObjectSchema>;
export type ConverterSpec = z.output<typeof ConverterSpecSchema>;
export type ConverterType = ConverterObject['type'];
export type ConverterOptions<T extends ConverterType> = Extract<ConverterObject, { type: T }>;
