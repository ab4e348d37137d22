/** Value converters: duration, enum, map table, number, boolean, list split. */
import { clip, fail, ok, type Outcome } from '../../core/record.js';
import type { SourcePosition } from '../../core/errors.js';
import { parseDuration } from '../../core/parse/duration.js';
import type { ConverterOptions } from './spec.js';
import { eachText } from './text.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** Duration → whole minutes in the stated format (see core/parse/duration.ts). Numbers pass as minutes only for `decimal` (hours). */
export function convertDuration(value: unknown, options: Pick<ConverterOptions<'duration'>, 'format'>, pos: SourcePosition, field: string): Outcome<unknown> {
  const r = parseDuration(str(value), options.format);
  if (r.ok) return ok(r.minutes);
  return fail({ code: 'ROW_INVALID_DURATION', message: `${r.problem} (format ${options.format})`, field, value: clip(value), pos });
}

/** Compiles an enum map. Keys are matched trimmed and (by default) case-insensitively. */
export function createEnumConverter(options: Pick<ConverterOptions<'enum'>, 'map' | 'default' | 'caseSensitive'>) {
  const norm = options.caseSensitive ? (s: string) => s.trim() : (s: string) => s.trim().toLowerCase();
  const table = new Map<string, string>();
  for (const [k, v] of Object.entries(options.map)) table.set(norm(k), v);
  const accepted = Object.keys(options.map);
  return (value: unknown, pos: SourcePosition, field: string): Outcome<unknown> => {
    const hit = table.get(norm(str(value)));
    if (hit !== undefined) return ok(hit);
    if (options.default !== undefined) return ok(options.default);
    return fail({
      code: 'ROW_INVALID_ENUM',
      message: `"${clip(str(value), 80)}" is not one of ${accepted.slice(0, 12).join(', ')}${accepted.length > 12 ? ', …' : ''}`,
      field,
      value: clip(value),
      pos,
    });
  };
}

/**
 * Compiles a map table. Keys are matched trimmed and (by default) case-insensitively, as `enum`
 * matches them; an unmapped value passes through unchanged, or becomes `default` when given (where
 * `enum` refuses it). A list is mapped element by element; a value mapped to `''` is missing.
 */
export function createMapConverter(options: Pick<ConverterOptions<'map'>, 'values' | 'default' | 'caseSensitive'>) {
  const norm = options.caseSensitive ? (s: string) => s.trim() : (s: string) => s.trim().toLowerCase();
  const table = new Map<string, string>();
  for (const [k, v] of Object.entries(options.values)) table.set(norm(k), v);
  const fallback = options.default;
  const one = (s: string): string => table.get(norm(s)) ?? fallback ?? s;
  return (value: unknown): Outcome<unknown> => {
    if (typeof value === 'string' || Array.isArray(value)) return ok(eachText(value, one));
    // A JSON number or boolean keeps its type unless the table maps it.
    return ok(table.get(norm(String(value))) ?? fallback ?? value);
  };
}

export function convertEnum(value: unknown, options: Pick<ConverterOptions<'enum'>, 'map' | 'default' | 'caseSensitive'>, pos: SourcePosition, field: string): Outcome<unknown> {
  return createEnumConverter(options)(value, pos, field);
}

/** Numbers with a stated decimal (and optional thousands) separator; `integer`, `min`, `max` checked. */
export function convertNumber(
  value: unknown,
  options: Pick<ConverterOptions<'number'>, 'decimalSeparator' | 'thousandsSeparator' | 'integer' | 'min' | 'max'>,
  pos: SourcePosition,
  field: string,
): Outcome<unknown> {
  const bad = (why: string) => fail({ code: 'ROW_INVALID_NUMBER', message: `"${clip(str(value), 80)}" ${why}`, field, value: clip(value), pos });
  let n: number;
  if (typeof value === 'number') n = value;
  else {
    let s = str(value).trim();
    if (options.thousandsSeparator !== undefined) s = s.split(options.thousandsSeparator).join('');
    if (options.decimalSeparator === ',') {
      if (s.includes('.')) return bad('is not a number (the decimal separator is ",")');
      s = s.replace(',', '.');
    }
    if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return bad(`is not a number (decimal separator "${options.decimalSeparator}")`);
    n = Number(s);
  }
  if (!Number.isFinite(n)) return bad('is not a finite number');
  if (options.integer && !Number.isInteger(n)) return bad('is not a whole number');
  if (options.min !== undefined && n < options.min) return bad(`is below the minimum ${options.min}`);
  if (options.max !== undefined && n > options.max) return bad(`is above the maximum ${options.max}`);
  return ok(n);
}

/** Booleans from word lists (case-insensitive, trimmed). */
export function createBooleanConverter(options: Pick<ConverterOptions<'boolean'>, 'true' | 'false'>) {
  const yes = new Set(options.true.map((s) => s.trim().toLowerCase()));
  const no = new Set(options.false.map((s) => s.trim().toLowerCase()));
  return (value: unknown, pos: SourcePosition, field: string): Outcome<unknown> => {
    if (typeof value === 'boolean') return ok(value);
    const s = str(value).trim().toLowerCase();
    if (yes.has(s)) return ok(true);
    if (no.has(s)) return ok(false);
    return fail({ code: 'ROW_INVALID_BOOLEAN', message: `"${clip(str(value), 80)}" is not one of ${[...options.true, ...options.false].join(', ')}`, field, value: clip(value), pos });
  };
}

export function convertBoolean(value: unknown, options: Pick<ConverterOptions<'boolean'>, 'true' | 'false'>, pos: SourcePosition, field: string): Outcome<unknown> {
  return createBooleanConverter(options)(value, pos, field);
}

/** Splits a string into a list; arrays pass through (each element stringified). */
export function convertList(value: unknown, options: Pick<ConverterOptions<'list'>, 'separator' | 'trim' | 'dropEmpty'>, _pos?: SourcePosition, _field?: string): Outcome<unknown> {
  let parts = Array.isArray(value) ? value.map(str) : str(value).split(options.separator);
  if (options.trim) parts = parts.map((p) => p.trim());
  if (options.dropEmpty) parts = parts.filter((p) => p !== '');
  return ok(parts);
}
