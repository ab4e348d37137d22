/**
 * Field mapping as written in a pipeline file: `fields: { <target field>: FieldSpec }`.
 * `from` names the source column (default: the target field's own name).
 */
import { z } from 'zod';
import { ConverterSpecSchema } from './converters/spec.js';

export const LOOKUP_KINDS = ['user-by-email', 'project-by-name', 'tasklist-by-name', 'milestone-by-name', 'task-by-key'] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];

/**
 * Resolves the field's value to a Zoho id.
 * - `step`: for `task-by-key`, the earlier step whose records are looked up by their key.
 * - `within`: the target field (of this same mapping) whose value scopes the lookup, e.g. a tasklist
 *   name is looked up within the row's `project`. When that field is itself a lookup, its resolved id
 *   is used.
 */
export const LookupSpecSchema = z
  .strictObject({
    kind: z.enum(LOOKUP_KINDS),
    step: z.string().min(1).optional(),
    within: z.string().min(1).optional(),
  })
  .superRefine((l, ctx) => {
    if (l.kind === 'task-by-key' && l.step === undefined) {
      ctx.addIssue({ code: 'custom', path: ['step'], message: 'task-by-key needs `step`: the earlier step whose keys it looks up' });
    }
    if ((l.kind === 'tasklist-by-name' || l.kind === 'milestone-by-name') && l.within === undefined) {
      ctx.addIssue({ code: 'custom', path: ['within'], message: `${l.kind} needs \`within\`: the field holding the project` });
    }
  });

export type LookupSpec = z.output<typeof LookupSpecSchema>;

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
