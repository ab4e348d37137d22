// Runs a converter as a pipeline file gives it: schema-parsed, compiled once, applied to one value.
import type { Outcome } from '../../src/core/record.js';
import { compileConverter } from '../../src/transform/converters/compile.js';
import { ConverterObjectSchema, ConverterSpecSchema, type ConverterSpec } from '../../src/transform/converters/spec.js';

export const convPos = { source: 'f.csv', line: 7, index: 5 };

/** The converter's outcome for `value` (throws when the schema refuses the spec). */
export const conv = (spec: unknown, value: unknown): Outcome<unknown> => compileConverter(ConverterSpecSchema.parse(spec) as ConverterSpec)(value, convPos, 'fld');

/** The converted value; throws with the row error when the converter refuses. */
export const val = (spec: unknown, value: unknown): unknown => {
  const r = conv(spec, value);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

/** 'ok' or the reject code. */
export const code = (spec: unknown, value: unknown): string => {
  const r = conv(spec, value);
  return r.ok ? 'ok' : r.error.code;
};

/** The schema's messages for a spec it refuses ('' when it accepts it); objects go to the object schema, whose messages name the option. */
export const schemaProblem = (spec: unknown): string => {
  const r = (typeof spec === 'string' ? ConverterSpecSchema : ConverterObjectSchema).safeParse(spec);
  return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};
