/**
 * A field's source compiled once per mapping: how to read its raw value from a record. `from` needs
 * no reader (the mapper reads `data[from]` inline: the common case costs nothing extra); templates,
 * coalesce and collect get a small closure over what was worked out at compile time.
 */
import { repeatedColumnKey } from '../core/repeated-column.js';
import { parseTemplate, type FieldSpec } from './field-spec.js';

/** Reads a field's raw value from a record's data; undefined = missing. */
export type FieldReader = (data: Readonly<Record<string, unknown>>) => unknown;

export interface CompiledSource {
  /** The column a plain `from` field reads (also the name used when no reader is set). */
  from: string;
  /** Set for template, coalesce and collect; undefined for a plain column. */
  read: FieldReader | undefined;
  /** How a message names the source: `column "Start"`, `template "{A} {B}"`, `columns "A", "B"`. */
  label: string;
}

/** Absent, null, blank text or an empty list: the mapper's one rule for "missing". */
export const isMissing = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'string' && (v.length === 0 || v.trim().length === 0)) || (Array.isArray(v) && v.length === 0);

/** A value as template text: lists joined with ", ", objects as JSON. */
const asText = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/** Compiles the source of the field `target` (the schema has already checked the spec). */
export function compileFieldSource(spec: FieldSpec, target: string): CompiledSource {
  const from = spec.from ?? target;
  if (spec.template !== undefined) return { from, read: templateReader(spec.template), label: `template "${spec.template}"` };
  if (spec.coalesce !== undefined) return { from, read: coalesceReader(spec.coalesce), label: `columns ${quoted(spec.coalesce)}` };
  if (spec.collect !== undefined) return { from, read: collectReader(spec.collect), label: `columns "${spec.collect}", "${repeatedColumnKey(spec.collect, 2)}" …` };
  return { from, read: undefined, label: `column "${from}"` };
}

function templateReader(template: string): FieldReader {
  const r = parseTemplate(template);
  if ('problem' in r) throw new Error(`template "${template}": ${r.problem}`);
  const parts = r.parts;
  return (data) => {
    let out = '';
    let any = false;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (typeof p === 'string') out += p;
      else {
        const v = data[p.column];
        if (!isMissing(v)) {
          any = true;
          out += asText(v);
        }
      }
    }
    return any ? out : undefined;
  };
}

function coalesceReader(columns: readonly string[]): FieldReader {
  return (data) => {
    for (let i = 0; i < columns.length; i++) {
      const v = data[columns[i]!];
      if (!isMissing(v)) return v;
    }
    return undefined;
  };
}

/**
 * `name`, then `name_2`, `name_3` … while the record has them (the extractor numbers repeats without
 * gaps). An array value (JSON) contributes its elements as they are; empty values are dropped.
 */
function collectReader(name: string): FieldReader {
  const keys = [name];
  return (data) => {
    const out: unknown[] = [];
    for (let i = 0; ; i++) {
      if (i === keys.length) keys.push(repeatedColumnKey(name, i + 1));
      const v = data[keys[i]!];
      if (v === undefined && i > 0) break;
      if (Array.isArray(v)) {
        for (const e of v) if (!isMissing(e)) out.push(e);
      } else if (!isMissing(v)) out.push(v);
    }
    return out;
  };
}
