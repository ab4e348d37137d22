/** Reading a record's target values (field names and their aliases) and building request bodies from them. */
import { ZpetlError } from '../core/errors.js';

/** The first present, non-empty value among `names` (target field names and their accepted aliases). */
export function pick(values: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) {
    const v = values[n];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** A string value (ids stay strings: never through Number). */
export function pickString(values: Record<string, unknown>, ...names: string[]): string | undefined {
  // pick's loop inline (no second spread of `names`): requests are built once per row, and again by the dry run.
  let v: unknown;
  for (const n of names) {
    v = values[n];
    if (v !== undefined && v !== null && v !== '') break;
    v = undefined;
  }
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A list of strings from an array or a comma-separated string. */
export function pickList(values: Record<string, unknown>, ...names: string[]): string[] {
  const v = pick(values, ...names);
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : String(v).split(',');
  return arr.map((x) => String(x).trim()).filter((x) => x !== '');
}

/** Copies `cf_*` custom fields through unchanged. */
export function customFields(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (k.startsWith('cf_') && v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}

/**
 * Drops undefined members so bodies carry only what the source gave: a copy without them, in the same
 * key order (`delete` would turn every body into a slow dictionary-mode object). Use the result.
 */
export function compact<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  // for…in over a body literal (own keys only: its prototype has no enumerable members), no key array.
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

/** A value that must be present: missing is a programming/mapping error surfaced as a row reject. */
export function required(values: Record<string, unknown>, field: string, ...aliases: string[]): string {
  const v = pickString(values, field, ...aliases);
  if (v === undefined) {
    throw new ZpetlError('ROW_REQUIRED', `${field} is required`, { disposition: 'reject-row', field });
  }
  return v;
}
