/**
 * Validate's checks of what a load step's fields will hold, made only where the answer is certain
 * (a value that may be right on some rows is left to the per-row checks, validate-row.ts and the
 * loaders' requireRefIds):
 *  - a constant `default:` against the target field's type and values (a default is not converted:
 *    `minutes: { default: "60" }` would reject every row that takes it);
 *  - a converter chain whose output can never fit the field (a datetime on a date field, a list on a
 *    scalar field);
 *  - a `ref`/`refs` field without a lookup whose values certainly are no Zoho ids (an e-mail
 *    converter, a non-digit default): sent as they are, Zoho refuses them on every row;
 *  - `api-user`, which only a time log's `user` may hold.
 */
import type { z } from 'zod';
import { API_USER, API_USER_FIELD } from '../../core/api-user.js';
import { isLocalDate } from '../../core/local-date.js';
import { isZohoId } from '../../core/ids.js';
import type { EntityKind } from '../../core/entity-kind.js';
import { normalizeConverterSpec } from '../../transform/converters/compile.js';
import type { ConverterObject } from '../../transform/converters/spec.js';
import { ENTITY_FIELDS, type TargetField, type TargetFieldType } from '../../transform/entity-fields.js';
import type { FieldSpec } from '../../transform/field-spec.js';

/** What a converter's output certainly is. */
type Output = 'text' | 'email' | 'date' | 'datetime' | 'time' | 'minutes' | 'number' | 'boolean' | 'list';

const OUTPUT: Partial<Record<ConverterObject['type'], Output>> = {
  date: 'date',
  datetime: 'datetime',
  time: 'time',
  duration: 'minutes',
  number: 'number',
  boolean: 'boolean',
  list: 'list',
  email: 'email',
};

/** The outputs each field type can take (validate-row.ts's rules: text must be a string, minutes a number…). */
const FITS: Record<TargetFieldType, readonly Output[]> = {
  string: ['text', 'email', 'date', 'datetime', 'time'],
  text: ['text', 'email', 'date', 'datetime', 'time'],
  html: ['text', 'email', 'date', 'datetime', 'time'],
  email: ['text', 'email'],
  date: ['text', 'date'],
  time: ['text', 'time'],
  minutes: ['minutes', 'number'],
  integer: ['number', 'minutes'],
  number: ['number', 'minutes'],
  boolean: ['boolean'],
  enum: ['text'],
  ref: ['text', 'email'],
  refs: ['list'],
};

const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

/** The output of a chain, when certain: undefined without converters, or when a list is converted further. */
function chainOutput(spec: FieldSpec): Output | undefined {
  if (spec.converter === undefined) return undefined;
  const chain = (Array.isArray(spec.converter) ? spec.converter : [spec.converter]).map(normalizeConverterSpec);
  if (chain.slice(0, -1).some((c) => c.type === 'list')) return undefined;
  return OUTPUT[chain[chain.length - 1]!.type] ?? 'text';
}

/** Why a constant default cannot be this field's value (it is not converted), or undefined. */
function defaultProblem(def: TargetField, v: unknown): string | undefined {
  const shown = JSON.stringify(v);
  switch (def.type) {
    case 'string':
    case 'text':
    case 'html':
    case 'email':
      return typeof v === 'string' ? undefined : `is ${shown}, not text`;
    case 'date':
      return typeof v === 'string' && isLocalDate(v) ? undefined : `${shown} is no date YYYY-MM-DD (a default is not converted)`;
    case 'time':
      return typeof v === 'string' && TIME.test(v) ? undefined : `${shown} is no time HH:MM (24-hour; a default is not converted)`;
    case 'minutes':
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return `${shown} is not a whole number${def.type === 'minutes' ? ' of minutes' : ''} (a default is not converted: write it as a number, e.g. 60)`;
      return (def.min !== undefined && v < def.min) || (def.max !== undefined && v > def.max) ? `${v} is outside ${def.min ?? '-∞'}–${def.max ?? '∞'}` : undefined;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : `${shown} is not a number (a default is not converted)`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `${shown} is not true or false (a default is not converted)`;
    case 'enum':
      return typeof v === 'string' && def.values!.includes(v) ? undefined : `${shown} is not one of ${def.values!.join(', ')} (a default is not converted)`;
    case 'ref':
      return typeof v === 'string' ? undefined : `${shown} is not an id`;
    case 'refs':
      return Array.isArray(v) || typeof v === 'string' ? undefined : `${shown} is not a list of ids`;
  }
}

/** The issues of one load step's fields (called from the step schema's refinement). */
export function refineFieldValues(entity: EntityKind, fields: Readonly<Record<string, FieldSpec>>, ctx: z.RefinementCtx): void {
  const known = ENTITY_FIELDS[entity];
  for (const [field, spec] of Object.entries(fields)) {
    const def = known[field];
    if (def === undefined || def.refused !== undefined) continue;
    const at = (...rest: string[]) => ['fields', field, ...rest];
    const apiUserHere = entity === 'timelog' && field === API_USER_FIELD;
    const onMissing = spec.lookup?.onMissing;
    for (const [v, path] of [[spec.default, at('default')], [typeof onMissing === 'object' ? onMissing.default : undefined, at('lookup', 'onMissing', 'default')]] as const) {
      if (v === API_USER && !apiUserHere) {
        ctx.addIssue({ code: 'custom', path: [...path], message: `${API_USER} credits the API user on a time log's "user" only; ${entity} field "${field}" needs a user, e.g. \`lookup: { kind: user-by-email }\` with an e-mail` });
      }
    }
    const out = chainOutput(spec);
    if (out !== undefined && spec.collect === undefined && !FITS[def.type].includes(out)) {
      ctx.addIssue({ code: 'custom', path: at('converter'), message: `the converter gives ${out === 'list' ? 'a list' : `a ${out}`} but ${entity} field "${field}" is ${def.type === 'refs' ? 'a list (end the chain with `list`)' : `a ${def.type}`}: every row would be rejected` });
    }
    if (spec.default !== undefined && spec.lookup === undefined && !(spec.default === API_USER && apiUserHere)) {
      const p = defaultProblem(def, spec.default);
      if (p !== undefined) ctx.addIssue({ code: 'custom', path: at('default'), message: `default for ${entity} field "${field}": ${p}` });
      else if ((def.type === 'ref' || def.type === 'refs') && typeof spec.default === 'string' && !isZohoId(spec.default)) {
        ctx.addIssue({ code: 'custom', path: at('default'), message: `default for ${entity} field "${field}": ${JSON.stringify(spec.default)} is no Zoho id (digits); add a lookup (e.g. \`lookup: { kind: ${def.lookup ?? 'user-by-email'} }\`)` });
      }
    }
    if (def.type === 'ref' && spec.lookup === undefined && out === 'email') {
      ctx.addIssue({
        code: 'custom',
        path: at('lookup'),
        message: `${entity} field "${field}" holds Zoho ids, and an e-mail is none: add a lookup (e.g. \`lookup: { kind: user-by-email }\`)`,
      });
    }
  }
}
