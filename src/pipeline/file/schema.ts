/**
 * The pipeline file (`pipelines/*.yaml`, `version: 1`), validated strictly with zod before anything
 * runs: an unknown key anywhere is an error, because a misspelt option silently ignored is a
 * migration that does something else than its author thinks.
 *
 * A step is one of two kinds, told apart by `source.type`:
 *  - a load step (`entity:` + a file source of src/extract + `key` + `fields`): rows → Zoho;
 *  - an export step (`source.type: zoho-timelogs`, src/payroll): approved time logs → a payroll CSV.
 * New step kinds join `StepSchema` the same way: a strict object whose `source.type` literal is its own.
 *
 * Keys are camelCase. JSON Schema for editors: schema/pipeline.schema.json (`npm run` not needed:
 * `node --import tsx src/pipeline/file/json-schema.ts --write`; a test fails when the file is stale).
 */
import { z } from 'zod';
import { DEFAULT_LOAD_MODE, LOAD_MODES } from '../../core/load-mode.js';
import { SourceSchema } from '../../extract/source-schema.js';
import { FieldSpecSchema } from '../../transform/field-spec.js';
import { lookupDependsOn, lookupSteps } from '../../transform/lookup-spec.js';
import { WhereSchema } from '../../transform/row-filter.js';
import { ENTITY_KINDS } from '../../core/entity-kind.js';
import { ENTITY_FIELDS, isCustomField } from '../../transform/entity-fields.js';
import { refineFieldValues } from './field-value-checks.js';
import { PAYROLL_SCHEMA, ZOHO_TIMELOGS_SOURCE_SCHEMA } from '../../payroll/config-schema.js';
import { DEFAULT_HEADROOM } from '../../zoho/rate-limit.js';
import { isPortalScope } from '../../load/loaders/users.js';

/** Step names: used in report files, the checkpoint DB and `dependsOn`. */
const STEP_NAME = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a step name of letters, digits, _ . - (e.g. tasks, time-logs)');

/** `HH:MM` 24-hour. */
const HH_MM = z.string().regex(/^([01]?\d|2[0-4]):[0-5]\d$/, 'expected a time HH:MM (24-hour), e.g. 22:00');

export const WindowSchema = z
  .strictObject({
    start: HH_MM.describe('Opening wall-clock time, `HH:MM` (24-hour) in `tz`.'),
    end: HH_MM.describe('Closing wall-clock time; not after `start` = the window spans midnight (22:00–06:00).'),
    tz: z.string().min(1, 'expected an IANA time zone, e.g. Europe/Berlin').describe('IANA time zone of the window (the portal\'s zone, usually), e.g. Europe/Berlin.'),
  })
  .describe('Off-peak window: no batch starts outside it, and none starts that cannot finish before it closes. Outside it `zpetl run` exits 4, or waits with `--wait`.');

export const RejectLimitSchema = z
  .strictObject({
    count: z.number().int().min(0).optional().describe('Stop (exit 3) once more than this many rows are rejected across all steps.'),
    ratio: z.number().min(0).max(1).optional().describe('Stop once rejected / read exceeds this fraction (0–1), checked after the first 100 rows.'),
  })
  .refine((l) => l.count !== undefined || l.ratio !== undefined, { message: 'expected count and/or ratio' })
  .describe('When to stop a run that rejects too much: `count` and/or `ratio` (either one reached stops it).');

export const OptionsSchema = z
  .strictObject({
    batchSize: z.number().int().min(1).max(200).default(50).describe('Valid records per checkpointed batch; for users also the bulk-add size.'),
    concurrency: z.number().int().min(1).max(16).default(4).describe('Requests in flight per endpoint; the rate budget still paces them.'),
    window: WindowSchema.optional(),
    rejectLimit: RejectLimitSchema.optional(),
    headroom: z
      .number()
      .min(0)
      .max(0.9)
      .default(DEFAULT_HEADROOM)
      .describe("Fraction of each endpoint's rate limit (src/zoho/rate-limit.ts) left for the people using the portal."),
  })
  .describe('Run options shared by every step.');

export const ENTITY_KIND_SCHEMA = z.enum(ENTITY_KINDS);
const LoadStepBase = z.strictObject({
  name: STEP_NAME.describe('The step name: used in reports, the checkpoint, `dependsOn` and `lookup.step`. Letters, digits, `_ . -`.'),
  entity: ENTITY_KIND_SCHEMA.describe('What the step creates in Zoho; its fields are listed per entity.'),
  scope: z
    .enum(['portal', 'project'])
    .optional()
    .describe(
      "Users only. `project` (the default when the step maps a `project` or `projects` field) adds each row's person to the project(s) those fields name, with its `role` and `profile`; `portal` (the default otherwise) adds no one: it only checks that each e-mail is a portal user (the API cannot invite people to the portal).",
    ),
  source: SourceSchema,
  where: WhereSchema.optional(),
  key: z
    .array(z.string().min(1))
    .min(1, 'expected at least one key column')
    .describe('Source columns whose values identify a record across runs (the idempotency key): a rerun skips keys already loaded, and lookups of later steps (`task-by-key`) find records by it.'),
  /**
   * Derive one record per distinct key (e.g. one project per distinct `Project` column of an issues
   * file): a row whose key was already seen in this step is folded into the first row with it, counted
   * as skipped (`folded`), never rejected. The first row's values are loaded; a folded row whose mapped
   * values differ from them is reported as a ROW_FOLDED_DIFFERS warning. Default false: a repeated key is
   * a ROW_DUPLICATE_KEY reject.
   */
  distinct: z
    .boolean()
    .optional()
    .describe(
      'true: one record per distinct key. Later rows with a key already seen in this step are folded into the first (counted as skipped, folded), not rejected; the first row wins, and a folded row whose mapped fields differ gets a ROW_FOLDED_DIFFERS warning. Default false: repeats are ROW_DUPLICATE_KEY rejects.',
    ),
  fields: z.record(z.string().min(1), FieldSpecSchema).describe('Target field → how to fill it. The fields each entity takes are listed per entity.'),
  mode: z
    .enum(LOAD_MODES)
    .default(DEFAULT_LOAD_MODE)
    .describe('What a step does with a record that may already exist: `create` skips keys already loaded · `skip-existing` also skips what Zoho holds under the record\'s natural key · `upsert` updates (PATCH) what exists and creates the rest.'),
  dependsOn: z.array(STEP_NAME).optional().describe('Steps that must finish before this one, in addition to the entity order (users → projects → milestones → task lists → tasks → subtasks → time logs).'),
  externalIdField: z
    .string()
    .regex(/^cf_[A-Za-z0-9_]+$/, 'expected a custom field api name cf_…')
    .optional()
    .describe('Api name of a custom field (`cf_…`) that receives the source key, for projects and tasks: the record then carries where it came from.'),
});

/** A step that loads rows of a file into Zoho. */
export const LoadStepSchema = LoadStepBase.superRefine((step, ctx) => {
  const known = ENTITY_FIELDS[step.entity];
  for (const field of Object.keys(step.fields)) {
    if (!(field in known) && !isCustomField(step.entity, field)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fields', field],
        message: `unknown ${step.entity} field "${field}"; expected one of ${Object.keys(known).join(', ')}${step.entity === 'project' || step.entity === 'task' || step.entity === 'subtask' ? ' or a custom field cf_<api_name>' : ''}`,
      });
    } else if (known[field]?.refused !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['fields', field], message: `${step.entity} field "${field}" is not accepted: ${known[field].refused}` });
    }
  }
  for (const [field, def] of Object.entries(known)) {
    if (def.required && !(field in step.fields)) {
      ctx.addIssue({ code: 'custom', path: ['fields'], message: `${step.entity} needs field "${field}": ${def.missingHint ?? def.description}` });
    }
  }
  if (step.scope !== undefined && step.entity !== 'user') {
    ctx.addIssue({ code: 'custom', path: ['scope'], message: `scope applies to user steps only, not ${step.entity}` });
  }
  if (step.entity === 'user' && step.scope === 'project' && !('project' in step.fields) && !('projects' in step.fields)) {
    ctx.addIssue({ code: 'custom', path: ['fields'], message: 'a user step with scope: project needs field "project" or "projects"' });
  }
  if (step.entity === 'user' && isPortalScope(step.scope, 'project' in step.fields || 'projects' in step.fields)) {
    // A portal-scope step only checks that each person is a portal user (the V3 API has no portal
    // invitation call, docs/zoho-api-notes.md#users): nothing else of the row would be sent.
    for (const field of ['project', 'projects', 'role', 'profile']) {
      if (field in step.fields) {
        ctx.addIssue({ code: 'custom', path: ['fields', field], message: `a portal-scope user step sends nothing but checks e-mails, so "${field}" would be ignored; use scope: project with a "project" or "projects" field to add people to projects with a role and profile` });
      }
    }
  }
  refineFieldValues(step.entity, step.fields, ctx);
  if (step.externalIdField !== undefined && step.entity !== 'project' && step.entity !== 'task' && step.entity !== 'subtask') {
    ctx.addIssue({ code: 'custom', path: ['externalIdField'], message: `externalIdField is supported for projects and tasks only, not ${step.entity}` });
  }
});

/** A step that exports approved time logs from Zoho (the payroll engineer's; see src/payroll). */
export const ExportStepSchema = z
  .strictObject({
    name: STEP_NAME.describe('The step name.'),
    source: ZOHO_TIMELOGS_SOURCE_SCHEMA,
    dependsOn: z.array(STEP_NAME).optional().describe('Steps that must finish first.'),
  })
  .describe('An export step (`source.type: zoho-timelogs`): approved time logs from Zoho → a payroll CSV, with the `payroll:` section\'s rules.');

/** Every kind of step. Errors are reported against the kind its `source.type` names (see load-pipeline.ts). */
export const StepSchema = z.union([LoadStepSchema, ExportStepSchema]);

export const PipelineSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe('The file format version. Only 1 exists; omitted = 1.'),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, _ . - (it names files)')
      .describe('Names the checkpoint file (`.zpetl/<name>.db`) and the report folder. Letters, digits, `_ . -`.'),
    portal: z.string().regex(/^\d+$/, 'expected a portal id (digits)').optional().describe('Zoho portal id (digits); default: ZOHO_PORTAL_ID from the environment.'),
    options: OptionsSchema.default(OptionsSchema.parse({})),
    steps: z.array(StepSchema).min(1, 'expected at least one step').describe('The steps, run in entity and `dependsOn` order (independent steps side by side).'),
    payroll: PAYROLL_SCHEMA.optional().describe('Payroll export settings for export steps: pay periods, overtime, rounding, employee ids, layouts (src/payroll/README.md).'),
  })
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.steps.forEach((s, i) => {
      const first = seen.get(s.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['steps', i, 'name'], message: `duplicate step name "${s.name}" (also steps[${first}])` });
      else seen.set(s.name, i);
    });
    p.steps.forEach((s, i) => {
      (s.dependsOn ?? []).forEach((d, j) => {
        if (!seen.has(d)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'dependsOn', j], message: `unknown step "${d}"; expected one of ${[...seen.keys()].join(', ')}` });
        else if (d === s.name) ctx.addIssue({ code: 'custom', path: ['steps', i, 'dependsOn', j], message: 'a step cannot depend on itself' });
      });
      if (isLoadStep(s)) refineLookups(p.steps, s, i, ctx);
    });
  });

/** True when the lookup of `field` waits, through `within`/`tasklist` fields that are lookups too, on `field` itself. */
function waitsOnItself(fields: LoadStepConfig['fields'], field: string): boolean {
  const seen = new Set<string>();
  const next = (f: string): readonly string[] => {
    const l = fields[f]?.lookup;
    return l === undefined ? [] : lookupDependsOn(l).filter((d) => d !== f);
  };
  const todo = [...next(field)];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (f === field) return true;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...next(f));
  }
  return false;
}

/** The lookups of step `i` against the rest of the file: the steps they read, the fields they name, `onMissing` on required fields. */
function refineLookups(steps: readonly z.output<typeof StepSchema>[], s: LoadStepConfig, i: number, ctx: z.RefinementCtx): void {
  for (const [field, spec] of Object.entries(s.fields)) {
    const l = spec.lookup;
    if (l === undefined) continue;
    const at = (...rest: (string | number)[]) => ['steps', i, 'fields', field, 'lookup', ...rest];
    lookupSteps(l).forEach((ref, j) => {
      const path = at('step', ...(typeof l.step === 'string' ? [] : [j]));
      const target = steps.find((t) => t.name === ref);
      if (target === undefined) ctx.addIssue({ code: 'custom', path, message: `unknown step "${ref}"` });
      else if (!isLoadStep(target) || (target.entity !== 'task' && target.entity !== 'subtask')) ctx.addIssue({ code: 'custom', path, message: `step "${ref}" does not load tasks` });
    });
    for (const option of ['within', 'tasklist'] as const) {
      const other = l[option];
      if (other !== undefined && (other === field || !(other in s.fields))) {
        ctx.addIssue({ code: 'custom', path: at(option), message: `${option}: "${other}" must name another field of this step; expected one of ${Object.keys(s.fields).filter((f) => f !== field).join(', ')}` });
      }
    }
    if (waitsOnItself(s.fields, field)) ctx.addIssue({ code: 'custom', path: at('within'), message: `field "${field}" is looked up within fields that are looked up within it: a circle` });
    // validate runs before the lookups: a field warn may empty must be one the row can do without.
    if (l.onMissing === 'warn' && (spec.required || ENTITY_FIELDS[s.entity][field]?.required === true)) {
      ctx.addIssue({ code: 'custom', path: at('onMissing'), message: `${s.entity} field "${field}" is required: onMissing: warn would leave it empty; use reject or { default: VALUE }` });
    }
  }
}

export type PipelineConfig = z.output<typeof PipelineSchema>;
export type PipelineInput = z.input<typeof PipelineSchema>;
export type PipelineOptions = z.output<typeof OptionsSchema>;
export type WindowConfig = z.output<typeof WindowSchema>;
export type RejectLimit = z.output<typeof RejectLimitSchema>;
export type StepConfig = z.output<typeof StepSchema>;
export type LoadStepConfig = z.output<typeof LoadStepSchema>;
export type ExportStepConfig = z.output<typeof ExportStepSchema>;

/** True for steps that load rows into Zoho (as opposed to export steps). */
export function isLoadStep(step: StepConfig): step is LoadStepConfig {
  return 'entity' in step;
}
