/**
 * The control-character rule (core/control-chars.ts) applied to one JSON record, an array element or an
 * NDJSON line: a string value or property name holding a control character (JSON's `\u0000` escapes
 * decode to one too) makes the record a SOURCE_CONTROL_CHARACTER reject naming its path (`notes`,
 * `tags[2]`, `owner.name`); under `controlCharacters: strip` they are removed and the record carries a
 * SOURCE_CONTROL_STRIPPED warning per top-level property cleaned. Callers run it only when the record's
 * bytes may hold one (a quick check of the raw text), so a clean record costs nothing.
 */
import type { SourcePosition } from '../core/errors.js';
import { setOwn } from '../core/own-property.js';
import { clip, type ExtractItem, type RowError } from '../core/record.js';
import { controlCharIndex, describeControlChar, hasControlChar, removedControlChars, stripControlChars, type ControlCharacterPolicy } from '../core/control-chars.js';

/** Where the first control character of `text` is, for a message: `NUL (U+0000) at character 12`. */
export function where(text: string): string {
  const i = controlCharIndex(text);
  return `${describeControlChar(text[i]!)} at character ${i + 1}`;
}

/**
 * The first string inside a JSON value (the value itself, an element, a property value or a property
 * name, depth first) that holds a control character: its path from the record (`notes`, `tags[2]`,
 * `owner.name`) and the string. Undefined when there is none.
 */
export function findControlCharInValue(value: unknown, path = ''): { path: string; text: string } | undefined {
  if (typeof value === 'string') return hasControlChar(value) ? { path, text: value } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findControlCharInValue(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = path === '' ? k : `${path}.${k}`;
    if (hasControlChar(k)) return { path: at, text: k };
    const hit = findControlCharInValue(v, at);
    if (hit) return hit;
  }
  return undefined;
}

/** A JSON value with the control characters removed from every string in it (property names too), how many were removed and which. */
export function stripControlCharsInValue(value: unknown): { value: unknown; removed: number; found: string[] } {
  let removed = 0;
  const found: string[] = [];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const r = stripControlChars(v);
      removed += r.removed;
      for (const ch of r.found) if (!found.includes(ch)) found.push(ch);
      return r.text;
    }
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, walk(k) as string, walk(x));
    return out;
  };
  const out = walk(value);
  return { value: out, removed, found };
}

/** The record as an item: as it is, rejected, or (strip) cleaned with warnings. `raw` is kept on a reject. */
export function jsonRecordItem(value: Record<string, unknown>, pos: SourcePosition, policy: ControlCharacterPolicy, raw?: string): ExtractItem {
  const hit = findControlCharInValue(value);
  if (hit === undefined) return { kind: 'record', record: { data: value, pos } };
  if (policy === 'reject') {
    return {
      kind: 'reject',
      reject: {
        error: { code: 'SOURCE_CONTROL_CHARACTER', message: `field "${hit.path}" holds ${where(hit.text)}`, field: hit.path, value: clip(hit.text), pos },
        data: value,
        ...(raw === undefined ? {} : { raw }),
      },
    };
  }
  const data: Record<string, unknown> = {};
  const warnings: RowError[] = [];
  for (const [k, v] of Object.entries(value)) {
    const first = hasControlChar(k) ? { path: k, text: k } : findControlCharInValue(v, k);
    if (first === undefined) {
      setOwn(data, k, v);
      continue;
    }
    const key = stripControlChars(k);
    const cleaned = stripControlCharsInValue(v);
    setOwn(data, key.text, cleaned.value);
    const found = [...key.found, ...cleaned.found.filter((ch) => !key.found.includes(ch))];
    const what = removedControlChars(key.removed + cleaned.removed, found);
    const at = first.path === k ? where(first.text) : `${describeControlChar(first.text[controlCharIndex(first.text)]!)} in ${first.path}`;
    warnings.push({ code: 'SOURCE_CONTROL_STRIPPED', message: `removed ${what} from field "${k}" (the first: ${at})`, field: first.path, pos });
  }
  return { kind: 'record', record: { data, pos, warnings } };
}

const ESCAPE_U00 = Buffer.from('\\u00');

/**
 * Whether the UTF-8 bytes of a JSON text may decode to a control character: a `\u00` escape, DEL, or a
 * C1 control (0xC2 0x80–0x9F). Raw C0 bytes are not looked for: JSON allows none in a string, so a text
 * holding one fails to parse. Native searches only: a clean line costs three `indexOf`s.
 */
export function bytesMayHoldControl(bytes: Buffer): boolean {
  if (bytes.indexOf(ESCAPE_U00) !== -1 || bytes.indexOf(0x7f) !== -1) return true;
  for (let i = bytes.indexOf(0xc2); i !== -1; i = bytes.indexOf(0xc2, i + 1)) {
    const next = bytes[i + 1];
    if (next !== undefined && next >= 0x80 && next <= 0x9f) return true;
  }
  return false;
}
