/** Turns a ConverterSpec (or a chain of them) into one ConvertFn, compiled once per field. */
import { ok } from '../../core/record.js';
import { createDateConverter, createDatetimeConverter, createTimeConverter } from './date.js';
import { createReplaceConverter } from './replace.js';
import { ConverterObjectSchema, type ConverterObject, type ConverterSpec } from './spec.js';
import { convertHtml, createEmailConverter, convertLower, convertTrim, convertUpper, createSplitConverter } from './text.js';
import type { ConvertFn } from './types.js';
import { convertDuration, convertList, convertNumber, createBooleanConverter, createEnumConverter, createMapConverter } from './values.js';

/** A bare name (`'trim'`) becomes its object form with defaults applied. */
export function normalizeConverterSpec(spec: ConverterSpec): ConverterObject {
  return typeof spec === 'string' ? ConverterObjectSchema.parse({ type: spec }) : spec;
}

/** Compiles one converter once (formats, regexes, tables); the function it returns runs per value. */
export function compileConverter(spec: ConverterSpec): ConvertFn {
  const s = normalizeConverterSpec(spec);
  switch (s.type) {
    case 'date':
      return createDateConverter(s);
    case 'datetime':
      return createDatetimeConverter(s);
    case 'time':
      return createTimeConverter(s);
    case 'duration':
      return (v, pos, field) => convertDuration(v, s, pos, field);
    case 'enum':
      return createEnumConverter(s);
    case 'trim':
      return (v) => convertTrim(v, s);
    case 'email':
      return createEmailConverter();
    case 'html':
      return (v) => convertHtml(v);
    case 'number':
      return (v, pos, field) => convertNumber(v, s, pos, field);
    case 'boolean':
      return createBooleanConverter(s);
    case 'list':
      return (v) => convertList(v, s);
    case 'lower':
      return convertLower;
    case 'upper':
      return convertUpper;
    case 'split':
      return createSplitConverter(s);
    case 'replace':
      return createReplaceConverter(s);
    case 'map':
      return createMapConverter(s);
  }
}

/** A chain applied left to right; stops at the first error. An empty result ('' or undefined) ends the chain. */
export function compileConverterChain(specs: ConverterSpec | readonly ConverterSpec[] | undefined): ConvertFn | undefined {
  if (specs === undefined) return undefined;
  const list = (Array.isArray(specs) ? specs : [specs]) as ConverterSpec[];
  const fns = list.map(compileConverter);
  if (fns.length === 1) return fns[0]!;
  return (value, pos, field) => {
    let v = value;
    for (const fn of fns) {
      if (v === undefined || v === '') return ok(v);
      const r = fn(v, pos, field);
      if (!r.ok) return r;
      v = r.value;
    }
    return ok(v);
  };
}
