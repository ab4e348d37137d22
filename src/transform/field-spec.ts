/**
 * Field mapping as written in a pipeline file: `fields: { <target field>: FieldSpec }`.
 * `from` names the source column (default: the target field's own name).
 */
import { z } from 'zod';
import { ConverterSpecSchema } from './converters/spec.js';
import { LookupSpecSchema } from './lookup-spec.js';

export const FieldSpecSchema = z.strictObject({
  /** Source column; default = the target field name. */
  from: z.string().min(1).optional(),
  /** One converter or a chain applied left to right. */
  converter: z.union([ConverterSpecSchema, z.array(ConverterSpecSchema).min(1)]).optional(),
  lookup: LookupSpecSchema.optional(),
  /** Used when the source value is missing or empty (after converters). Converters do not run on it. */
  default: z.unknown().optional(),
  /** A missing/empty value (after converters and default) rejects the row with ROW_REQUIRED. */
  required: z.boolean().default(false),
});

export type FieldSpec = z.output<typeof FieldSpecSchema>;
export type FieldSpecInput = z.input<typeof FieldSpecSchema>;

export const FieldsSchema = z.record(z.string().min(1), FieldSpecSchema);
export type Fields = z.output<typeof FieldsSchema>;
