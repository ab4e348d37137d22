/** A field's `lookup:` as written in a pipeline file: which kind of record the value names, and its scope. */
import { z } from 'zod';

export const LOOKUP_KINDS = [
  'user-by-email',
  'project-by-name',
  'tasklist-by-name',
  'milestone-by-name',
  'task-by-key',
  // The portal's role and profile listings, by name (docs/zoho-api-notes.md#users).
  'role-by-name',
  'profile-by-name',
] as const;
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
