/**
 * The keys a pipeline schema object accepts at a path of the input, read from the zod schema itself
 * (so a "did you mean" for an unknown key can never drift from what the schema takes). Unions take
 * the branches the value could be (those whose literal `type` matches the value's, when they have one).
 */
import type { z } from 'zod';
import type { PathPart } from './config-path.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  values?: unknown[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas `schema` can be for `value` (through optional, default, pipe, lazy and union). */
function objectsOf(schema: z.ZodType, value: unknown, depth = 0): Def[] {
  if (depth > 20) return [];
  const d = defOf(schema);
  switch (d.type) {
    case 'object': {
      const t = d.shape?.['type'];
      const literal = t === undefined ? undefined : defOf(t);
      const given = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['type'] : undefined;
      return literal?.type === 'literal' && given !== undefined && !literal.values!.includes(given) ? [] : [d];
    }
    case 'union':
      return d.options!.flatMap((o) => objectsOf(o, value, depth + 1));
    case 'lazy':
      return objectsOf(d.getter!(), value, depth + 1);
    case 'pipe':
      return objectsOf(d.in!, value, depth + 1);
    default:
      return d.innerType !== undefined ? objectsOf(d.innerType, value, depth + 1) : [];
  }
}

/** The schema(s) one path step below `schema` for `value`. */
function childSchemas(schema: z.ZodType, part: PathPart, value: unknown, depth = 0): z.ZodType[] {
  if (depth > 20) return [];
  const d = defOf(schema);
  switch (d.type) {
    case 'object': {
      const s = typeof part === 'string' ? d.shape?.[part] : undefined;
      return s === undefined ? [] : [s];
    }
    case 'array':
      return typeof part === 'number' ? [d.element!] : [];
    case 'record':
      return [d.valueType!];
    case 'union':
      return objectsOf(schema, value).length > 0 || typeof part === 'number'
        ? d.options!.flatMap((o) => childSchemas(o, part, value, depth + 1))
        : [];
    case 'lazy':
      return childSchemas(d.getter!(), part, value, depth + 1);
    case 'pipe':
      return childSchemas(d.in!, part, value, depth + 1);
    default:
      return d.innerType !== undefined ? childSchemas(d.innerType, part, value, depth + 1) : [];
  }
}

/** Every key the object(s) at `path` accept, given the input (empty when the path leads to no object). */
export function keysAt(root: z.ZodType, input: unknown, path: readonly PathPart[]): string[] {
  let schemas = [root];
  let value = input;
  for (const part of path) {
    schemas = schemas.flatMap((s) => childSchemas(s, part, value));
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[part] : undefined;
  }
  return [...new Set(schemas.flatMap((s) => objectsOf(s, value)).flatMap((d) => Object.keys(d.shape ?? {})))];
}
