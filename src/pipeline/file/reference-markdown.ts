/**
 * Markdown and JSON Schema helpers of the pipeline reference (reference-doc.ts): a schema's members
 * are read through `z.toJSONSchema` (input side: what a file may write), so their types, ranges,
 * defaults and `.describe()` texts are rendered, never restated.
 */
import { stringify as yamlString } from 'yaml';
import { z } from 'zod';

/** A JSON Schema node as z.toJSONSchema writes it (the parts the reference reads). */
export interface JsonNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  items?: JsonNode;
  anyOf?: JsonNode[];
  oneOf?: JsonNode[];
  properties?: Record<string, JsonNode>;
  additionalProperties?: JsonNode | boolean;
  required?: string[];
}

/** The input-side JSON Schema of a zod schema. */
export function jsonOf(schema: z.ZodType): JsonNode {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonNode;
}

/** One table cell: pipes escaped, line breaks as `<br>`. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${text}${fence === '``' ? ' ' : ''}${fence}`;
}

/** A Markdown table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** A value as YAML flow text (`{ type: split, separator: " ", index: 0 }`), as a pipeline file would write it. */
export function yamlFlow(value: unknown): string {
  return yamlString(value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
}

/** A value as a reader sees it in an example: strings quoted, the rest as JSON. */
export function shown(value: unknown): string {
  return value === undefined ? '(nothing)' : JSON.stringify(value);
}

/** An HTML anchor a link can target (`#entity-task`), stable whatever the heading says. */
export function anchorTag(id: string): string {
  return `<a id="${id}"></a>`;
}

/** `rejectLimit` → `reject-limit`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The type of a JSON Schema node in words: `integer 1–200`, `` `csv` ``, `list of string`, `a \| b`. */
export function typeText(n: JsonNode): string {
  if (n.const !== undefined) return code(String(n.const));
  if (n.enum) return n.enum.map((v) => code(/[\s"]/.test(String(v)) ? JSON.stringify(v) : String(v))).join(' | ');
  const alts = n.anyOf ?? n.oneOf;
  if (alts) return [...new Set(alts.map(typeText))].join(' or ');
  const type = Array.isArray(n.type) ? n.type.join(' or ') : (n.type ?? 'any');
  if (type === 'array') return `list of ${n.items ? typeText(n.items) : 'any'}${n.minItems ? ` (at least ${n.minItems})` : ''}`;
  if (type === 'integer' || type === 'number') {
    const min = n.minimum ?? (n.exclusiveMinimum !== undefined ? `>${n.exclusiveMinimum}` : undefined);
    // zod writes an int's implicit bounds (±2^53-1): they are no limit a reader needs.
    const max = n.maximum !== undefined && n.maximum < Number.MAX_SAFE_INTEGER ? n.maximum : undefined;
    const low = typeof min === 'number' && min <= Number.MIN_SAFE_INTEGER ? undefined : min;
    if (low !== undefined && max !== undefined) return `${type} ${low}–${max}`;
    if (low !== undefined) return `${type} ≥ ${low}`;
    if (max !== undefined) return `${type} ≤ ${max}`;
    return type;
  }
  if (type === 'string' && n.minLength !== undefined && n.minLength === n.maxLength) return `${n.minLength} character${n.minLength === 1 ? '' : 's'}`;
  return type;
}

/** A node's `.describe()` text, or ''. */
export function descriptionOf(n: JsonNode | undefined): string {
  return n?.description ?? '';
}

/**
 * The table of an object schema's keys: key, type, default, required, description. `anchorFor`
 * puts an anchor on the rows that have one (`#depends-on` in the steps table); `link` turns a key's
 * type into a link to its own section.
 */
export function propertyTable(
  n: JsonNode,
  o: { skip?: readonly string[]; anchorFor?: (key: string) => string | undefined; link?: (key: string) => string | undefined; typeOf?: Readonly<Record<string, string>> } = {},
): string[] {
  const required = new Set(n.required ?? []);
  const rows = Object.entries(n.properties ?? {})
    .filter(([k]) => !(o.skip ?? []).includes(k))
    .map(([k, p]) => {
      const id = o.anchorFor?.(k);
      const to = o.link?.(k);
      const type = o.typeOf?.[k] ?? typeText(p);
      return [
        `${id ? anchorTag(id) : ''}${code(k)}`,
        to ? `[${type.replace(/[[\]]/g, '')}](#${to})` : type,
        p.default === undefined ? '' : code(JSON.stringify(p.default)),
        required.has(k) ? 'yes' : '',
        descriptionOf(p),
      ];
    });
  // A schema whose members carry no `.describe()` text gets no empty column.
  if (rows.every((r) => r[4] === '')) return table(['key', 'type', 'default', 'required'], rows.map((r) => r.slice(0, 4)));
  return table(['key', 'type', 'default', 'required', 'description'], rows);
}
