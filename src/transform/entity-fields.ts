/**
 * Target fields per entity kind: what a step's `fields` may name, with type, length limit and whether
 * a row needs it. The pipeline schema checks field names against this table; `validateRow()` checks
 * values against it; loaders turn these camelCase values into Zoho bodies.
 *
 * Length limits: task name 10 000 and description 80 000 characters are Zoho's documented V3 limits
 * (docs/zoho-api-notes.md#field-and-size-limits). The other limits are ours, marked `limitSource:
 * 'assumed'`: no Zoho page states them, so we pick conservative values (a name rejected here is a row
 * in rejects.csv; one rejected by Zoho mid-run costs a call and a half-done migration).
 * Custom fields (`cf_<api_name>`) are allowed on projects and tasks and are not checked here.
 */
import { API_USER } from '../core/api-user.js';
import type { EntityKind } from '../core/entity-kind.js';
import type { LookupKind } from './lookup-spec.js';

/**
 * - string/text/html: strings (html may hold markup; Zoho stores descriptions and notes as HTML)
 * - email: a lower-case address (use the `email` converter)
 * - date: `YYYY-MM-DD` (use the `date` converter) · time: `HH:MM` 24-hour
 * - minutes: an integer number of minutes (use the `duration` converter)
 * - integer/number/boolean: JS values (converters `number`, `boolean`)
 * - enum: one of `values`, exactly (use the `enum` converter to map source spellings)
 * - ref: an id after lookup (a Zoho id, or a placeholder in a dry run) · refs: a list of them
 */
export type TargetFieldType = 'string' | 'text' | 'html' | 'email' | 'date' | 'time' | 'minutes' | 'integer' | 'number' | 'boolean' | 'enum' | 'ref' | 'refs';

export interface TargetField {
  type: TargetFieldType;
  required?: boolean;
  /** Maximum length in characters for string-like fields. */
  maxChars?: number;
  /** 'zoho-docs' when Zoho documents the limit, 'assumed' when we chose it. */
  limitSource?: 'zoho-docs' | 'assumed';
  /** Allowed values for enums. */
  values?: readonly string[];
  /** Inclusive numeric range for integer/number/minutes. */
  min?: number;
  max?: number;
  /** The lookup that usually fills a ref field. */
  lookup?: LookupKind;
  /**
   * Set when validate refuses the field: why Zoho cannot take it, and what to do instead. A field
   * accepted and never sent is a silent loss, so it is named here with its reason rather than dropped.
   */
  refused?: string;
  /** What validate says when a required field is missing: why it is required and how to satisfy it (default: the description). */
  missingHint?: string;
  description: string;
}

/** Names of Zoho projects, milestones and task lists: assumed limit (no Zoho source states one). */
export const ASSUMED_NAME_MAX_CHARS = 255;
/** Time-log notes: assumed limit. */
export const ASSUMED_NOTES_MAX_CHARS = 30_000;
/** Zoho V3 task name limit (docs/zoho-api-notes.md#field-and-size-limits, [ONION] citing the V3 docs). */
export const TASK_NAME_MAX_CHARS = 10_000;
/** Zoho V3 task description limit (same source). */
export const TASK_DESCRIPTION_MAX_CHARS = 80_000;
/** One time log: more than 0 and at most 24 hours. */
export const LOG_MAX_MINUTES = 24 * 60;
/** The reason validate refuses names on a user step (docs/zoho-api-notes.md#users). */
const NAMES_REFUSED =
  "Zoho's project-user add takes only email_id, role_id and profile_id (docs/zoho-api-notes.md#users): a person's name comes from their Zoho account and cannot be set here. Remove the field; to match people by display name in other steps, use `lookup: { kind: user-by-name }`";

const name = (what: string): TargetField => ({
  type: 'string',
  required: true,
  maxChars: ASSUMED_NAME_MAX_CHARS,
  limitSource: 'assumed',
  description: `${what} name`,
});
const projectRef: TargetField = { type: 'ref', required: true, lookup: 'project-by-name', description: 'the project (Zoho id after lookup)' };
const userRef = (what: string): TargetField => ({ type: 'ref', lookup: 'user-by-email', description: what });
const startDate: TargetField = { type: 'date', description: 'start date; must not be after endDate' };
const endDate: TargetField = { type: 'date', description: 'end date' };
const flag: TargetField = { type: 'enum', values: ['internal', 'external'], description: 'visibility flag' };

const taskFields: Record<string, TargetField> = {
  project: projectRef,
  tasklist: { type: 'ref', lookup: 'tasklist-by-name', description: 'task list (default: the project general list)' },
  name: { type: 'string', required: true, maxChars: TASK_NAME_MAX_CHARS, limitSource: 'zoho-docs', description: 'task name' },
  description: { type: 'html', maxChars: TASK_DESCRIPTION_MAX_CHARS, limitSource: 'zoho-docs', description: 'task description (HTML allowed)' },
  startDate,
  endDate,
  priority: { type: 'enum', values: ['none', 'low', 'medium', 'high'], description: 'priority' },
  owners: { type: 'refs', lookup: 'user-by-email', description: 'owners (user ids after lookup)' },
  completionPercentage: { type: 'integer', min: 0, max: 100, description: 'percent complete' },
  billingType: { type: 'enum', values: ['none', 'billable', 'non_billable'], description: 'billing type' },
};

export const ENTITY_FIELDS: Readonly<Record<EntityKind, Readonly<Record<string, TargetField>>>> = {
  user: {
    email: { type: 'email', required: true, maxChars: 254, limitSource: 'assumed', description: 'the user e-mail (the natural key)' },
    firstName: { type: 'string', refused: NAMES_REFUSED, description: 'first name: refused (Zoho cannot set it)' },
    lastName: { type: 'string', refused: NAMES_REFUSED, description: 'last name: refused (Zoho cannot set it)' },
    role: { type: 'ref', lookup: 'role-by-name', description: "the user's role in the project: a role id, or a name through `lookup: { kind: role-by-name }`" },
    profile: { type: 'ref', lookup: 'profile-by-name', description: "the user's portal profile: a profile id, or a name through `lookup: { kind: profile-by-name }`" },
    project: { type: 'ref', lookup: 'project-by-name', description: 'when set, the user is added to this project (else the portal is checked)' },
    projects: {
      type: 'refs',
      lookup: 'project-by-name',
      description: 'several projects at once (a list, e.g. `{ from: Projects, converter: list, lookup: { kind: project-by-name } }`); combined with `project` when both are set',
    },
  },
  project: {
    name: name('project'),
    description: { type: 'html', maxChars: TASK_DESCRIPTION_MAX_CHARS, limitSource: 'assumed', description: 'project description (HTML allowed)' },
    startDate,
    endDate,
    owner: userRef('project owner'),
    isPublic: { type: 'boolean', description: 'public project' },
  },
  milestone: {
    project: projectRef,
    name: name('milestone'),
    startDate: { ...startDate, required: true },
    endDate: { ...endDate, required: true },
    owner: userRef('milestone owner'),
    flag,
  },
  tasklist: {
    project: projectRef,
    name: name('task list'),
    milestone: { type: 'ref', lookup: 'milestone-by-name', description: 'milestone the list belongs to' },
    flag,
  },
  task: taskFields,
  subtask: {
    ...taskFields,
    parent: { type: 'ref', required: true, lookup: 'task-by-key', description: 'the parent task (by its source key in an earlier step)' },
  },
  timelog: {
    project: projectRef,
    task: { type: 'ref', lookup: 'task-by-key', description: 'the task logged against; without it the log is a general log and needs logName' },
    logName: { type: 'string', maxChars: ASSUMED_NAME_MAX_CHARS, limitSource: 'assumed', description: 'general log name (required without task)' },
    user: {
      ...userRef(`whose time it is; \`user: { default: ${API_USER} }\` credits the API user`),
      required: true,
      missingHint: `a log without an owner is credited to the API user, a payroll trap; map the owner (e.g. \`user: { from: Author, lookup: { kind: user-by-email } }\`) or credit the API user explicitly with \`user: { default: ${API_USER} }\``,
    },
    date: { type: 'date', required: true, description: 'the day worked' },
    minutes: { type: 'minutes', required: true, min: 1, max: LOG_MAX_MINUTES, description: 'time logged, 1–1440 minutes' },
    billing: { type: 'enum', required: true, values: ['Billable', 'Non Billable'], description: 'billing status' },
    approval: { type: 'enum', values: ['Approved', 'Unapproved', 'Rejected'], description: 'approval status' },
    notes: { type: 'html', maxChars: ASSUMED_NOTES_MAX_CHARS, limitSource: 'assumed', description: 'notes (HTML allowed)' },
    startTime: { type: 'time', description: 'start time HH:MM (24-hour); must not be after endTime' },
    endTime: { type: 'time', description: 'end time HH:MM (24-hour)' },
  },
};

/** True for custom-field names that projects and tasks accept (`cf_<api_name>`). */
export function isCustomField(entity: EntityKind, field: string): boolean {
  return (entity === 'project' || entity === 'task' || entity === 'subtask') && /^cf_[a-z0-9_]+$/i.test(field);
}
