/**
 * Field mapping as written in a pipeline file: `fields: { <target field>: FieldSpec }`.
 *
 * A field takes its value from one source (at most one of these; none = `from` the target's name):
 * - `from: Column`: one column.
 * - `template: "{Summary} ({Issue key})"`: columns joined into text; `{{` and `}}` are literal braces.
 * - `coalesce: [Column A, Column B]`: the first column that is not empty.
 * - `collect: Labels`: every column `Labels`, `Labels_2`, `Labels_3` … into a list (see
 *   core/repeated-column.ts), empties dropped.
 * The reference (converters/converter-docs.ts, FIELD_SOURCE_DOCS) has worked examples of each.
 */
import { z } from 'zod';
import { API_USER } from '../core/api-user.js';
import { repeatedColumnKey } from '../core/repeated-column.js';
import { ConverterSpecSchema } from './converters/spec.js';
import { LookupSpecSchema } from './lookup-spec.js';

/** A template compiled: literal text and column references, in order. */
export type TemplatePart = string | { readonly column: string };

/** Splits a template into literals and `{column}` references, or says why it cannot be read. */
export function parseTemplate(template: string): { parts: TemplatePart[] } | { problem: string } {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if ((ch === '{' || ch === '}') && template[i + 1] === ch) {
      text += ch;
      i += 2;
    } else if (ch === '}') {
      return { problem: `a "}" at position ${i + 1} closes nothing: write "}}" for a literal brace` };
    } else if (ch === '{') {
      const end = template.indexOf('}', i + 1);
      const column = end < 0 ? '' : template.slice(i + 1, end);
      if (end < 0 || column.includes('{')) return { problem: `the "{" at position ${i + 1} is not closed: write {Column name}, or "{{" for a literal brace` };
      if (column.trim() === '') return { problem: `"{}" at position ${i + 1} names no column` };
      if (text !== '') parts.push(text);
      text = '';
      parts.push({ column });
      i = end + 1;
    } else {
      text += ch;
      i += 1;
    }
  }
  if (text !== '') parts.push(text);
  if (!parts.some((p) => typeof p !== 'string')) return { problem: 'the template names no column: write {Column name} (for a fixed value, use default:)' };
  return { parts };
}

/** The field sources, of which a field gives at most one. */
export const FIELD_SOURCES = ['from', 'template', 'coalesce', 'collect'] as const;

export const FieldSpecSchema = z
  .strictObject({
    /** Source column; default = the target field name. */
    from: z.string().min(1).optional().describe('The source column (default: the target field\'s name)'),
    template: z
      .string()
      .superRefine((t, ctx) => {
        const r = parseTemplate(t);
        if ('problem' in r) ctx.addIssue({ code: 'custom', message: r.problem });
      })
      .optional()
      .describe('Text joining columns: "{Summary} ({Issue key})". {{ and }} are literal braces. Empty columns become empty text; when every column it names is empty, the value is missing'),
    coalesce: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Columns tried in order: the value of the first that is not empty (missing when all are)'),
    collect: z
      .string()
      .min(1)
      .optional()
      .describe('A repeated column: Labels, Labels_2, Labels_3 … (the names the extractor gives a repeated header) into a list, empty cells dropped. A JSON array value is taken as it is'),
    /** One converter or a chain applied left to right. */
    converter: z
      .union([ConverterSpecSchema, z.array(ConverterSpecSchema).min(1)])
      .optional()
      .describe('One converter, or a list applied left to right, turning the source text into the field\'s type'),
    lookup: LookupSpecSchema.optional().describe('Turns the value (a name, e-mail or source key) into a Zoho id; runs after the converters and the default'),
    /** Used when the source value is missing or empty (after converters). Converters do not run on it. */
    default: z
      .unknown()
      .optional()
      .describe(
        `The value used when the source value is missing or empty. It is not converted (write it in the field's type, e.g. minutes as a number), but a lookup does look it up. \`default: ${API_USER}\` works on a time log's \`user\` only: it credits the API user`,
      ),
    /** A missing/empty value (after converters and default) rejects the row with ROW_REQUIRED. */
    required: z.boolean().default(false).describe('A row whose value is missing or empty (after converters and default) is rejected with ROW_REQUIRED'),
  })
  .superRefine((spec, ctx) => {
    const given = FIELD_SOURCES.filter((k) => spec[k] !== undefined);
    if (given.length > 1) {
      ctx.addIssue({ code: 'custom', path: [given[1]!], message: `a field takes its value from one source: give one of from, template, coalesce or collect (given: ${given.join(', ')})` });
    }
  });

export type FieldSpec = z.output<typeof FieldSpecSchema>;
export type FieldSpecInput = z.input<typeof FieldSpecSchema>;

export const FieldsSchema = z.record(z.string().min(1), FieldSpecSchema);
export type Fields = z.output<typeof FieldsSchema>;

/**
 * The source columns a field reads, for a check against the source's header: the `from` column
 * (default the target's name), the columns a template names, the coalesce columns, or for `collect`
 * the base name (its repeats `Name_2` … are optional). Pass the header's record keys to get, for
 * `collect`, the repeats present too (the same contiguous run the mapper reads).
 */
export function fieldColumns(spec: FieldSpec, target: string, headerKeys?: readonly string[]): string[] {
  if (spec.template !== undefined) {
    const r = parseTemplate(spec.template);
    if ('problem' in r) return [];
    return [...new Set(r.parts.flatMap((p) => (typeof p === 'string' ? [] : [p.column])))];
  }
  if (spec.coalesce !== undefined) return [...spec.coalesce];
  if (spec.collect !== undefined) return headerKeys === undefined ? [spec.collect] : collectKeysIn(spec.collect, new Set(headerKeys));
  return [spec.from ?? target];
}

function collectKeysIn(name: string, keys: ReadonlySet<string>): string[] {
  const out = [name];
  for (let n = 2; keys.has(repeatedColumnKey(name, n)); n++) out.push(repeatedColumnKey(name, n));
  return out;
}
