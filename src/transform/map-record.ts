/**
 * Field mapping: source record → target values, pure and synchronous. A row problem is a value
 * (Outcome), never an exception. Lookups are only collected here; `resolveLookups` performs them.
 *
 * Per target field: read its source (`data[from ?? field]`, or the template, coalesce or collect
 * reader of field-source.ts); a missing value (absent, null, a string that is empty after trimming,
 * or an empty list) skips the converters; otherwise the converter chain runs, and an empty result
 * counts as missing too. Text is passed as it is: a multi-line cell keeps its line breaks. A missing value takes `default` when given (lookups still
 * apply to it, except to `api-user` on a time log's `user`, which names the API user), else
 * rejects the row with ROW_REQUIRED when `required`, else the field is left out.
 */
import { isApiUserCredit } from '../core/api-user.js';
import type { SourcePosition } from '../core/errors.js';
import { fail, ok, type Outcome, type SourceRecord } from '../core/record.js';
import { compileConverterChain } from './converters/compile.js';
import type { ConvertFn } from './converters/types.js';
import { compileFieldSource, isMissing, type FieldReader } from './field-source.js';
import type { FieldSpec } from './field-spec.js';
import type { PendingLookup } from './lookup-types.js';

export interface MappedRecord {
  values: Record<string, unknown>;
  lookups: readonly PendingLookup[];
}

export type RecordMapper = (record: SourceRecord) => Outcome<MappedRecord>;

interface CompiledField {
  target: string;
  from: string;
  /** Undefined for a plain column: read inline as `data[from]`, the hot path. */
  read: FieldReader | undefined;
  label: string;
  convert: ConvertFn | undefined;
  spec: FieldSpec;
}

/** Shared by every row without lookups (most rows of most steps): no array per row. Frozen: read only. */
const NO_LOOKUPS: readonly PendingLookup[] = Object.freeze([]);

/** Compiles a mapping once (converters, formats, regexes) for use on every record. */
export function compileMapping(fields: Readonly<Record<string, FieldSpec>>): RecordMapper {
  const compiled: CompiledField[] = Object.entries(fields).map(([target, spec]) => ({
    target,
    ...compileFieldSource(spec, target),
    convert: compileConverterChain(spec.converter),
    spec,
  }));
  return (record) => {
    const values: Record<string, unknown> = {};
    let lookups: PendingLookup[] | undefined;
    const data = record.data;
    const pos: SourcePosition = record.pos;
    for (let i = 0; i < compiled.length; i++) {
      const f = compiled[i]!;
      let value = f.read === undefined ? data[f.from] : f.read(data);
      // Asked again only after a converter ran (once per field otherwise: this runs for every field of every row).
      let missing = isMissing(value);
      if (!missing && f.convert !== undefined) {
        const r = f.convert(value, pos, f.target);
        if (!r.ok) return r;
        value = r.value;
        missing = isMissing(value);
      }
      if (missing) {
        if (f.spec.default !== undefined) value = f.spec.default;
        else if (f.spec.required) {
          return fail({
            code: 'ROW_REQUIRED',
            message: f.read === undefined && f.from === f.target ? `required field "${f.target}" is empty` : `required field "${f.target}" (${f.label}) is empty`,
            field: f.target,
            pos,
          });
        } else continue;
      }
      values[f.target] = value;
      const lookup = f.spec.lookup;
      // `api-user` on a time log's user names the API user itself, never a record to look up.
      if (lookup !== undefined && !isApiUserCredit(f.target, value)) {
        lookups ??= [];
        if (Array.isArray(value)) value.forEach((v, item) => lookups!.push({ field: f.target, spec: lookup, value: String(v), item }));
        else lookups.push({ field: f.target, spec: lookup, value: String(value) });
      }
    }
    return ok({ values, lookups: lookups ?? NO_LOOKUPS });
  };
}

const cache = new WeakMap<object, RecordMapper>();

/** Maps one record; the compiled mapping is cached per `fields` object, so call it with the same object. */
export function mapRecord(fields: Readonly<Record<string, FieldSpec>>, record: SourceRecord): Outcome<MappedRecord> {
  let mapper = cache.get(fields);
  if (!mapper) {
    mapper = compileMapping(fields);
    cache.set(fields, mapper);
  }
  return mapper(record);
}
