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
import { WhereSchema } from '../../transform/row-filter.js';
import { ENTITY_KINDS } from '../../core/entity-kind.js';
import { ENTITY_FIELDS, isCustomField } from '../../transform/entity-fields.js';
import { PAYROLL_SCHEMA, ZOHO_TIMELOGS_SOURCE_SCHEMA } from '../../payroll/config-schema.js';
import { DEFAULT_HEADROOM } from '../../zoho/rate-limit.js';

/** Step names: used in report files, the checkpoint DB and `dependsOn`. */
const STEP_NAME = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a step name of letters, digits, _ . - (e.g. tasks, time-logs)');

/** `HH:MM` 24-hour. */
const HH_MM = z.string().regex(/^([01]?\d|2[0-4]):[0-5]\d$/, 'expected a time HH:MM (24-hour), e.g. 22:00');

export const WindowSchema = z.strictObject({
  /** Opening wall-clock time, `HH:MM` in `tz`. */
  start: HH_MM,
  /** Closing wall-clock time; not after `start` = the window spans midnight. */
  end: HH_MM,
  /** IANA time zone of the window (the portal's zone, usually), e.g. Europe/Berlin. */
  tz: z.string().min(1, 'expected an IANA time zone, e.g. Europe/Berlin'),
});

export const RejectLimitSchema = z
  .strictObject({
    /** Stop (exit 3) once more than this many rows are rejected across all steps. */
    count: z.number().int().min(0).optional(),
    /** Stop once rejected / read exceeds this fraction (0–1), checked after the first 100 rows. */
    ratio: z.number().min(0).max(1).optional(),
  })
  .refine((l) => l.count !== undefined || l.ratio !== undefined, { message: 'expected count and/or ratio' });

export const OptionsSchema = z.strictObject({
  /** Valid records per checkpointed batch; for users also the bulk-add size (1–200, default 50). */
  batchSize: z.number().int().min(1).max(200).default(50),
  /** Requests in flight per endpoint (1–16, default 4); the rate budget still paces them. */
  concurrency: z.number().int().min(1).max(16).default(4),
  /** Off-peak window: no batch starts outside it and none starts that cannot finish before it closes. */
  window: WindowSchema.optional(),
  rejectLimit: RejectLimitSchema.optional(),
  /** Fraction of each endpoint's limit (src/zoho/rate-limit.ts) left for people using the portal, [0, 0.9] (default DEFAULT_HEADROOM). */
  headroom: z.number().min(0).max(0.9).default(DEFAULT_HEADROOM),
});

export const ENTITY_KIND_SCHEMA = z.enum(ENTITY_KINDS);
const LoadStepBase = z.strictObject({
  name: STEP_NAME,
  entity: ENTITY_KIND_SCHEMA,
  /** Users only: `portal` (default) adds portal users, `project` adds them to the row's `project`. */
  scope: z.enum(['portal', 'project']).optional(),
  source: SourceSchema,
  /**
   * Row filter: only rows matching it are loaded; the others are counted as skipped (filtered).
   * `{ column, equals | in | empty: true | notEmpty: true }` or a list that must all hold (src/transform/row-filter.ts).
   */
  where: WhereSchema.optional(),
  /** Source columns whose values identify a record across runs (idempotency key). */
  key: z.array(z.string().min(1)).min(1, 'expected at least one key column'),
  /** Target field → how to fill it (see src/transform/entity-fields.ts for the fields per entity). */
  fields: z.record(z.string().min(1), FieldSpecSchema),
  /** create (default): skip keys already loaded · skip-existing: also look Zoho up by natural key · upsert: PATCH what exists. */
  mode: z.enum(LOAD_MODES).default(DEFAULT_LOAD_MODE),
  /** Steps that must finish first (in addition to the entity order). */
  dependsOn: z.array(STEP_NAME).optional(),
  /** Api name of a custom field (`cf_…`) to hold the source key, for projects and tasks. */
  externalIdField: z.string().regex(/^cf_[A-Za-z0-9_]+$/, 'expected a custom field api name cf_…').optional(),
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
  if (step.entity === 'user' && (step.scope === 'portal' || (!('project' in step.fields) && !('projects' in step.fields)))) {
    // A portal-scope step only checks that each person is a portal user (the V3 API has no portal
    // invitation call, docs/zoho-api-notes.md#users): nothing else of the row would be sent.
    for (const field of ['project', 'projects', 'role', 'profile']) {
      if (field in step.fields) {
        ctx.addIssue({ code: 'custom', path: ['fields', field], message: `a portal-scope user step sends nothing but checks e-mails, so "${field}" would be ignored; use scope: project with a "project" or "projects" field to add people to projects with a role and profile` });
      }
    }
  }
  if (step.externalIdField !== undefined && step.entity !== 'project' && step.entity !== 'task' && step.entity !== 'subtask') {
    ctx.addIssue({ code: 'custom', path: ['externalIdField'], message: `externalIdField is supported for projects and tasks only, not ${step.entity}` });
  }
});

/** A step that exports approved time logs from Zoho (the payroll engineer's; see src/payroll). */
export const ExportStepSchema = z.strictObject({
  name: STEP_NAME,
  source: ZOHO_TIMELOGS_SOURCE_SCHEMA,
  dependsOn: z.array(STEP_NAME).optional(),
});

/** Every kind of step. Errors are reported against the kind its `source.type` names (see load-pipeline.ts). */
export const StepSchema = z.union([LoadStepSchema, ExportStepSchema]);

export const PipelineSchema = z
  .strictObject({
    /** The file format version. Only 1 exists; omitted = 1. */
    version: z.literal(1).default(1),
    /** Names the checkpoint file (`.zpetl/<name>.db`) and the report folder. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, _ . - (it names files)'),
    /** Zoho portal id; default: ZOHO_PORTAL_ID from the environment. */
    portal: z.string().regex(/^\d+$/, 'expected a portal id (digits)').optional(),
    options: OptionsSchema.default(OptionsSchema.parse({})),
    steps: z.array(StepSchema).min(1, 'expected at least one step'),
    /** Payroll export settings (src/payroll/config-schema.ts). */
    payroll: PAYROLL_SCHEMA.optional(),
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
      if (!isLoadStep(s)) return;
      for (const [field, spec] of Object.entries(s.fields)) {
        const ref = spec.lookup?.step;
        if (ref === undefined) continue;
        const target = p.steps.find((t) => t.name === ref);
        if (target === undefined) ctx.addIssue({ code: 'custom', path: ['steps', i, 'fields', field, 'lookup', 'step'], message: `unknown step "${ref}"` });
        else if (!isLoadStep(target) || (target.entity !== 'task' && target.entity !== 'subtask')) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'fields', field, 'lookup', 'step'], message: `step "${ref}" does not load tasks` });
        }
      }
    });
  });

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
