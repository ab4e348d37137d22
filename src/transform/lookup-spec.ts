/** A field's `lookup:` as written in a pipeline file: which kind of record the value names, and its scope. */
import { z } from 'zod';

export const LOOKUP_KINDS = [
  'user-by-email',
  'user-by-name',
  'project-by-name',
  'tasklist-by-name',
  'milestone-by-name',
  'task-by-name',
  'task-by-key',
  // The portal's role and profile listings, by name (docs/zoho-api-notes.md#users).
  'role-by-name',
  'profile-by-name',
] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];

/** Lookup kinds that must be scoped by a project field (`within`): their records live inside a project. */
const NEEDS_WITHIN: ReadonlySet<LookupKind> = new Set(['tasklist-by-name', 'milestone-by-name', 'task-by-name']);

const STEP_NAME = z.string().min(1);

/**
 * What a lookup does when the value names no record. An ambiguous name (several records) is no
 * missing value: it is a ROW_AMBIGUOUS_REFERENCE reject naming the candidates under every policy.
 */
export const OnMissingSchema = z
  .union([
    z.literal('reject').describe('reject the row (the default)'),
    z.literal('warn').describe('load the row with the field left empty (a list field drops the element) and report a warning'),
    z
      .strictObject({
        default: z.string().min(1).describe('the value looked up instead (the same kind and scope); when it is not found either, the row is rejected naming both'),
      })
      .describe('look this value up instead'),
  ], { error: 'expected one of reject | warn | { default: VALUE }' })
  .describe('What to do when the value names no record: reject (default) | warn | { default: VALUE }. An ambiguous name (several records) is always rejected, naming the candidates.');

export type OnMissing = z.output<typeof OnMissingSchema>;

/**
 * Resolves the field's value to a Zoho id.
 * - `step`: for `task-by-key`, the earlier step (or steps, in order: the first holding the key wins)
 *   whose records are looked up by their key.
 * - `within`: the target field (of this same mapping) whose value scopes the lookup, e.g. a tasklist
 *   name is looked up within the row's `project`. When that field is itself a lookup, its resolved id
 *   is used.
 * - `tasklist`: for `task-by-name`, the target field holding the task list that narrows the match
 *   (its resolved id); empty in a row = the whole project.
 * - `onMissing`: `reject` (absent = reject), `warn` or `{ default: VALUE }`, for a value naming no
 *   record; a name naming several is rejected as ambiguous whatever the policy.
 */
export const LookupSpecSchema = z
  .strictObject({
    kind: z.enum(LOOKUP_KINDS).describe(`what the value names: ${LOOKUP_KINDS.join(', ')}`),
    step: z
      .union([STEP_NAME, z.array(STEP_NAME).min(1)])
      .optional()
      .describe('task-by-key: the earlier task or subtask step whose source keys are looked up, or a list of them (the first step holding the key wins)'),
    within: z.string().min(1).optional().describe('the target field of this mapping whose value (its resolved id, when it is a lookup) scopes the lookup, e.g. project'),
    tasklist: z.string().min(1).optional().describe('task-by-name: the target field holding the task list that narrows the match (empty in a row = the whole project)'),
    onMissing: OnMissingSchema.optional(),
  })
  .superRefine((l, ctx) => {
    if (l.kind === 'task-by-key' && l.step === undefined) {
      ctx.addIssue({ code: 'custom', path: ['step'], message: 'task-by-key needs `step`: the earlier step (or list of steps) whose keys it looks up' });
    }
    if (l.kind !== 'task-by-key' && l.step !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['step'], message: `\`step\` applies to task-by-key only, not ${l.kind}` });
    }
    if (NEEDS_WITHIN.has(l.kind) && l.within === undefined) {
      ctx.addIssue({ code: 'custom', path: ['within'], message: `${l.kind} needs \`within\`: the field holding the project` });
    }
    if (l.tasklist !== undefined && l.kind !== 'task-by-name') {
      ctx.addIssue({ code: 'custom', path: ['tasklist'], message: `\`tasklist\` applies to task-by-name only, not ${l.kind}` });
    }
  });

export type LookupSpec = z.output<typeof LookupSpecSchema>;

/** The steps a `task-by-key` lookup reads, in order ([] for other kinds). */
export function lookupSteps(spec: Pick<LookupSpec, 'step'>): readonly string[] {
  const s = spec.step;
  return s === undefined ? [] : typeof s === 'string' ? [s] : s;
}

/** The other fields of the mapping a lookup needs resolved first: its `within` and `tasklist` fields. */
export function lookupDependsOn(spec: Pick<LookupSpec, 'within' | 'tasklist'>): readonly string[] {
  return spec.within === undefined ? (spec.tasklist === undefined ? [] : [spec.tasklist]) : spec.tasklist === undefined ? [spec.within] : [spec.within, spec.tasklist];
}
