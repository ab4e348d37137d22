/**
 * Per-row validation against ENTITY_FIELDS: required fields, types, Zoho length limits, ranges,
 * start ≤ end, and 0 < minutes ≤ 24 h for one log. Pure; returns every problem found (the report
 * counts the first, rejects.csv can show all). Rules across rows (duplicate keys, 24 h per user per
 * day) need state and live in the pipeline.
 */
import type { SourcePosition } from '../core/errors.js';
import { emailAddressProblem } from '../core/email-address.js';
import { isLocalDate } from '../core/local-date.js';
import { clip, type RowError } from '../core/record.js';
import type { EntityKind } from '../core/entity-kind.js';
import { ENTITY_FIELDS, LOG_MAX_MINUTES, type TargetField } from './entity-fields.js';

const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

const missing = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

const fieldError = (code: RowError['code'], message: string, name: string, v: unknown, pos: SourcePosition): RowError => ({ code, message, field: name, value: clip(v), pos });

/** `, got "02/11/2026"`: the offending value in the message, clipped (a long cell must not swamp it). */
const got = (v: unknown): string => `, got ${typeof v === 'string' ? JSON.stringify(clip(v, 80)) : (JSON.stringify(v) ?? String(v)).slice(0, 80)}`;

function checkField(name: string, def: TargetField, v: unknown, pos: SourcePosition): RowError | undefined {
  // Called for every field of every row: no closure per call; an error is built only on failure.
  switch (def.type) {
    case 'string':
    case 'text':
    case 'html':
    case 'email': {
      if (typeof v !== 'string') return fieldError('ROW_INVALID_VALUE', `"${name}" must be text${got(v)} (${Array.isArray(v) ? 'a list' : typeof v})`, name, v, pos);
      if (def.maxChars !== undefined && v.length > def.maxChars) {
        return fieldError('ROW_TOO_LONG', `"${name}" has ${v.length} characters; the limit is ${def.maxChars}${def.limitSource === 'zoho-docs' ? " (Zoho's)" : ''}`, name, v, pos);
      }
      if (def.type !== 'email') return undefined;
      // The address rule (docs/zoho-api-notes.md#e-mail-addresses): internationalised addresses are accepted.
      const why = emailAddressProblem(v);
      return why === undefined ? undefined : fieldError('ROW_INVALID_EMAIL', `"${name}" is not an e-mail address: ${why}${got(v)}`, name, v, pos);
    }
    case 'date':
      return typeof v === 'string' && isLocalDate(v) ? undefined : fieldError('ROW_INVALID_DATE', `"${name}" must be a date YYYY-MM-DD${got(v)} (use a date converter with the source's format)`, name, v, pos);
    case 'time':
      return typeof v === 'string' && TIME.test(v) ? undefined : fieldError('ROW_INVALID_DATETIME', `"${name}" must be a time HH:MM (24-hour)${got(v)}`, name, v, pos);
    case 'minutes': {
      if (typeof v !== 'number' || !Number.isInteger(v)) return fieldError('ROW_INVALID_DURATION', `"${name}" must be whole minutes${got(v)} (use a duration converter)`, name, v, pos);
      if ((def.min !== undefined && v < def.min) || (def.max !== undefined && v > def.max)) {
        return fieldError('ROW_INVALID_DURATION', `"${name}" is ${v} minutes; a time log must be more than 0 and at most ${LOG_MAX_MINUTES / 60} hours`, name, v, pos);
      }
      return undefined;
    }
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v) || (def.type === 'integer' && !Number.isInteger(v))) {
        return fieldError('ROW_INVALID_NUMBER', `"${name}" must be ${def.type === 'integer' ? 'a whole number' : 'a number'}${got(v)} (use a number converter)`, name, v, pos);
      }
      if ((def.min !== undefined && v < def.min) || (def.max !== undefined && v > def.max)) {
        return fieldError('ROW_INVALID_NUMBER', `"${name}" is ${v}; allowed ${def.min ?? '-∞'}–${def.max ?? '∞'}`, name, v, pos);
      }
      return undefined;
    }
    case 'boolean':
      return typeof v === 'boolean' ? undefined : fieldError('ROW_INVALID_BOOLEAN', `"${name}" must be true or false${got(v)} (use a boolean converter)`, name, v, pos);
    case 'enum':
      return typeof v === 'string' && def.values!.includes(v) ? undefined : fieldError('ROW_INVALID_ENUM', `"${name}" must be one of ${def.values!.join(', ')}${got(v)} (use an enum converter to map the source's values)`, name, v, pos);
    case 'ref':
      return typeof v === 'string' && v !== '' ? undefined : fieldError('ROW_INVALID_VALUE', `"${name}" must be an id or a lookup key${got(v)}`, name, v, pos);
    case 'refs':
      return Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '') ? undefined : fieldError('ROW_INVALID_VALUE', `"${name}" must be a list of ids${got(v)} (use a list converter)`, name, v, pos);
  }
}

/** Each entity's target fields as an array, made once: validateRow walks it for every row. */
const FIELD_LISTS = new Map<EntityKind, readonly (readonly [string, TargetField])[]>();
const fieldList = (entity: EntityKind): readonly (readonly [string, TargetField])[] => {
  let list = FIELD_LISTS.get(entity);
  if (list === undefined) FIELD_LISTS.set(entity, (list = Object.entries(ENTITY_FIELDS[entity])));
  return list;
};

/** The answer for a valid row, shared (no array per row). Frozen: read only. */
const VALID: readonly RowError[] = Object.freeze([]);

/** Every problem of one row's target values for `entity`; empty when valid. Unknown and `cf_*` fields are not checked. */
export function validateRow(entity: EntityKind, values: Readonly<Record<string, unknown>>, pos: SourcePosition): readonly RowError[] {
  const defs = fieldList(entity);
  let errors: RowError[] | undefined;
  for (let i = 0; i < defs.length; i++) {
    const [name, def] = defs[i]!;
    const v = values[name];
    if (missing(v)) {
      if (def.required) (errors ??= []).push({ code: 'ROW_REQUIRED', message: `required field "${name}" is empty`, field: name, pos });
      continue;
    }
    const e = checkField(name, def, v, pos);
    if (e) (errors ??= []).push(e);
  }
  const { startDate, endDate, startTime, endTime } = values as Record<string, unknown>;
  if (typeof startDate === 'string' && typeof endDate === 'string' && isLocalDate(startDate) && isLocalDate(endDate) && startDate > endDate) {
    (errors ??= []).push({ code: 'ROW_DATE_RANGE', message: `startDate ${startDate} is after endDate ${endDate}`, field: 'endDate', value: endDate, pos });
  }
  if (entity === 'timelog') {
    if (typeof startTime === 'string' && typeof endTime === 'string' && TIME.test(startTime) && TIME.test(endTime) && startTime > endTime) {
      (errors ??= []).push({ code: 'ROW_DATE_RANGE', message: `startTime ${startTime} is after endTime ${endTime}`, field: 'endTime', value: endTime, pos });
    }
    if (missing(values.task) && missing(values.logName)) {
      (errors ??= []).push({ code: 'ROW_REQUIRED', message: 'a time log without "task" is a general log and needs "logName"', field: 'logName', pos });
    }
  }
  return errors ?? VALID;
}
