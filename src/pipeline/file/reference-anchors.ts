/**
 * The pipeline reference's stable anchors (docs/pipelines.md#entity-task …), declared once: the
 * generator (reference-doc.ts) writes them and validate's hints link to them (`referenceLink`), so a
 * hint can never point at a section that is not there. The file's top lists them for readers.
 */
import { FIELD_SOURCES } from '../../transform/field-spec.js';
import { ENTITY_KINDS, type EntityKind } from '../../core/entity-kind.js';
import { SourceSchema } from '../../extract/source-schema.js';
import { ConverterObjectSchema, BARE_CONVERTERS } from '../../transform/converters/spec.js';
import { LOOKUP_KINDS } from '../../transform/lookup-spec.js';
import { ENTITY_FIELDS, isCustomField } from '../../transform/entity-fields.js';
import type { PathPart } from './config-path.js';
import { LoadStepSchema } from './schema.js';

/** Where the reference lives in the repository (and in the package). */
export const REFERENCE_DOC = 'docs/pipelines.md';

/** Sections with one anchor each. */
export const SECTIONS = {
  topLevel: 'top-level',
  steps: 'steps',
  fields: 'fields',
  fieldSources: 'field-sources',
  entities: 'entities',
  customFields: 'custom-fields',
  converters: 'converters',
  lookups: 'lookups',
  sources: 'sources',
  where: 'where',
  modes: 'modes',
  options: 'options',
  window: 'window',
  rejectLimit: 'reject-limit',
  exportSteps: 'export-steps',
  payroll: 'payroll',
  placeholders: 'change-me',
} as const;

export const entityAnchor = (kind: string): string => `entity-${kind}`;
export const converterAnchor = (type: string): string => `converter-${type}`;
export const lookupAnchor = (kind: string): string => `lookup-${kind}`;
export const sourceAnchor = (type: string): string => `source-${type}`;
export const fieldSourceAnchor = (key: string): string => `field-source-${key}`;

/** Step keys with a section of their own (no anchor in the steps table: the section has it). */
export const STEP_KEYS_WITH_SECTIONS: Readonly<Record<string, string>> = { source: SECTIONS.sources, where: SECTIONS.where, mode: SECTIONS.modes, fields: SECTIONS.fields };

/** The anchor of a step key's row in the steps table (`dependsOn` → `depends-on`), or undefined. */
export function stepKeyAnchor(key: string): string | undefined {
  if (!(key in LoadStepSchema.shape) || key in STEP_KEYS_WITH_SECTIONS || key === 'name' || key === 'entity') return undefined;
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const SOURCE_TYPES: readonly string[] = SourceSchema.options.map((o) => o.shape.type.value);
const CONVERTER_TYPES: readonly string[] = [...new Set<string>([...ConverterObjectSchema.options.map((o) => o.shape.type.value), ...BARE_CONVERTERS])];


function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function converterSection(spec: Record<string, unknown> | undefined, index: PathPart | undefined, types: readonly string[]): string {
  const conv = spec?.['converter'];
  const one = Array.isArray(conv) ? (typeof index === 'number' ? conv[index] : undefined) : conv;
  const type = typeof one === 'string' ? one : record(one)?.['type'];
  return typeof type === 'string' && types.includes(type) ? converterAnchor(type) : SECTIONS.converters;
}

function fieldSection(step: Record<string, unknown>, rest: readonly PathPart[]): string {
  const entity = step['entity'];
  const known = typeof entity === 'string' && (ENTITY_KINDS as readonly string[]).includes(entity) ? (entity as EntityKind) : undefined;
  const [field, sub, index] = rest;
  if (field === undefined) return known ? entityAnchor(known) : SECTIONS.entities;
  if (known && isCustomField(known, String(field))) return SECTIONS.customFields;
  const spec = record(record(step['fields'])?.[String(field)]);
  if (sub === 'converter') return converterSection(spec, index, CONVERTER_TYPES);
  if (sub === 'lookup') {
    const kind = record(spec?.['lookup'])?.['kind'];
    return typeof kind === 'string' && (LOOKUP_KINDS as readonly string[]).includes(kind) ? lookupAnchor(kind) : SECTIONS.lookups;
  }
  if (typeof sub === 'string' && (FIELD_SOURCES as readonly string[]).includes(sub)) return SECTIONS.fieldSources;
  if (sub !== undefined) return SECTIONS.fields;
  // The field itself: unknown to its entity (its table lists the names), or a known field whose spec is wrong.
  if (!known) return SECTIONS.entities;
  const def = ENTITY_FIELDS[known][String(field)];
  // A refused field (a user's firstName): its entity's table says why Zoho cannot take it.
  if (def === undefined || def.refused !== undefined) return entityAnchor(known);
  if (known === 'user' && SCOPED_USER_FIELDS.has(String(field)) && portalScope(step)) return stepKeyAnchor('scope') ?? SECTIONS.steps;
  return SECTIONS.fields;
}

/** The user fields a portal-scope step refuses (schema.ts): the `scope` row explains why. */
const SCOPED_USER_FIELDS: ReadonlySet<string> = new Set(['project', 'projects', 'role', 'profile']);

/** Whether a user step checks portal users only, as schema.ts decides it: `scope: portal`, or no project field. */
function portalScope(step: Record<string, unknown>): boolean {
  const fields = record(step['fields']) ?? {};
  return step['scope'] === 'portal' || (!('project' in fields) && !('projects' in fields));
}

/**
 * The reference section that explains the place `path` of a pipeline file (`input` is the file's
 * content, read to tell a task's fields from a user's, a date converter from an enum). Unknown or
 * mistyped names fall back to their list (`#converters`, `#lookups`, `#entities`).
 */
export function referenceSection(path: readonly PathPart[], input: unknown): string {
  const [top, i, key, ...rest] = path;
  if (top === 'options') return path[1] === 'window' ? SECTIONS.window : path[1] === 'rejectLimit' ? SECTIONS.rejectLimit : SECTIONS.options;
  if (top === 'payroll') return SECTIONS.payroll;
  if (top !== 'steps') return SECTIONS.topLevel;
  const steps = record(input)?.['steps'];
  const step = Array.isArray(steps) ? record(steps[Number(i)]) : undefined;
  if (step === undefined || key === undefined) return SECTIONS.steps;
  const sourceType = record(step['source'])?.['type'];
  if (sourceType === 'zoho-timelogs') return SECTIONS.exportSteps;
  if (key === 'source') return typeof sourceType === 'string' && SOURCE_TYPES.includes(sourceType) ? sourceAnchor(sourceType) : SECTIONS.sources;
  if (key === 'fields') return fieldSection(step, rest);
  if (key === 'entity') return SECTIONS.entities;
  if (key === 'scope') return entityAnchor('user');
  const own = STEP_KEYS_WITH_SECTIONS[String(key)];
  if (own) return own;
  return stepKeyAnchor(String(key)) ?? SECTIONS.steps;
}

/** `docs/pipelines.md#entity-task` for a place in a pipeline file. */
export function referenceLink(path: readonly PathPart[], input: unknown): string {
  return `${REFERENCE_DOC}#${referenceSection(path, input)}`;
}
