/** Reading a record's target values (field names and their aliases) and building request bodies from them. */
import { ZpetlError } from '../core/errors.js';
import { isZohoId } from '../core/ids.js';

/** The first present, non-empty value among `names` (target field names and their accepted aliases). */
export function pick(values: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) {
    const v = values[n];
    if (given(v)) return v;
  }
  return undefined;
}

/** A string value (ids stay strings: never through Number). */
export function pickString(values: Record<string, unknown>, ...names: string[]): string | undefined {
  return pickStringIn(values, names);
}

/** Whether a target value counts as given: pick's rule (not undefined, null or ''). */
export const given = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** `a` when given, else `b`: pick over two values already read (a loader's fixed names, read as `values.name`). */
export const either = (a: unknown, b: unknown): unknown => (given(a) ? a : b);

/**
 * A picked value as pickString returns it: a string, a number, bigint or boolean as its text, anything
 * else (or nothing) undefined. With either(), a loader reads its fixed names as `values.name`
 * (one property load each, cheap on the per-row path) instead of a loop over a names array.
 */
export function textOf(v: unknown): string | undefined {
  if (!given(v)) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** pickString over a names array the caller keeps (no rest array per call). */
function pickStringIn(values: Record<string, unknown>, names: readonly string[]): string | undefined {
  // pick's loop inline (no second spread of `names`): requests are built once per row, and again by the dry run.
  for (const n of names) {
    const v = values[n];
    if (given(v)) return textOf(v);
  }
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

/** A target field a loader sends as a Zoho id (a `ref`), or a list of them (`refs`). */
export interface RefField {
  field: string;
  /** The raw Zoho names the loader also reads (`owner_zpuid`…). */
  aliases?: readonly string[];
  /** The lookup that turns a source value into the id, named in the reject (e.g. `user-by-email`). */
  lookup: string;
  /** A `refs` field: a list (or a comma-separated string), read as pickList reads it. A `ref` is one value: a placeholder may hold commas. */
  list?: boolean;
  /** Other values the loader sends as they are (a task owner's e-mail, a time log's `api-user`). */
  accepts?: (v: string) => boolean;
  /** A `ref`'s reader over its fixed names (textOf/either), for a loader's per-row path; else the names are looped over. */
  read?: (values: Record<string, unknown>) => string | undefined;
}

/**
 * The first ref field of `values` holding something that is not a Zoho id, as a ROW_INVALID_VALUE reject
 * naming the field, the value and the lookup to add; undefined when every one holds ids. A value
 * is sent as an id: a name or an e-mail there is refused by Zoho, or worse, silently dropped.
 * `isPlaceholder` accepts the dry run's stand-ins for ids it would create (load never knows their form).
 */
export function nonIdRef(
  values: Record<string, unknown>,
  refs: readonly RefField[],
  isPlaceholder?: (v: string) => boolean,
): ZpetlError | undefined {
  for (const ref of refs) {
    const names = refNames(ref);
    if (ref.list === true) {
      for (const v of pickList(values, ...names)) if (!refOk(ref, v, isPlaceholder)) return nonIdReject(ref, v);
      continue;
    }
    // A `ref` (one value) without the per-row arrays of the list case: this runs for every row the run
    // or the dry run builds a request for (with them, nonIdRef and requireRefIds were ~1.4% of a 300k-row dry run by self time, plus their garbage).
    const one = ref.read !== undefined ? ref.read(values) : pickStringIn(values, names);
    if (one !== undefined && !refOk(ref, one, isPlaceholder)) return nonIdReject(ref, one);
  }
  return undefined;
}

/** Each ref field's names (field, then aliases), built once: REFS tables are module constants. */
const refNamesOf = new WeakMap<RefField, readonly string[]>();
function refNames(ref: RefField): readonly string[] {
  let names = refNamesOf.get(ref);
  if (names === undefined) refNamesOf.set(ref, (names = [ref.field, ...(ref.aliases ?? [])]));
  return names;
}

const refOk = (ref: RefField, v: string, isPlaceholder?: (v: string) => boolean): boolean => isZohoId(v) || ref.accepts?.(v) === true || isPlaceholder?.(v) === true;

function nonIdReject(ref: RefField, v: string): ZpetlError {
  return new ZpetlError(
    'ROW_INVALID_VALUE',
    `"${ref.field}" must hold Zoho ids (digits), got ${JSON.stringify(v)}; add a lookup (e.g. \`lookup: { kind: ${ref.lookup} }\`) to the field`,
    { disposition: 'reject-row', field: ref.field, value: v },
  );
}

/** Throws nonIdRef's reject: buildRequest's check, so the run (at send) and the dry run (which calls buildRequest) agree. */
export function requireRefIds(values: Record<string, unknown>, refs: readonly RefField[], isPlaceholder?: (v: string) => boolean): void {
  const e = nonIdRef(values, refs, isPlaceholder);
  if (e) throw e;
}
