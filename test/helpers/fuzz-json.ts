/**
 * JSON and NDJSON inputs for the extractor fuzz tests: a valid array of objects (odd keys, control
 * characters, line breaks between and inside elements) and NDJSON lines (objects, other JSON values,
 * garbage, blank lines, bytes that are not UTF-8), each maybe cut at a random byte. For each the
 * expected items are worked out from the text, independently of the extractors.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { CONTROL_CHARACTER_POLICIES } from '../../src/core/control-chars.js';
import { findControlCharInValue } from '../../src/extract/json-control-chars.js';

const KEYS = ['id', '__proto__', 'name', 'notes', 'a', 'é', '日本', 'constructor', 'toString', '', 'x y', '"q"', '\\', 'tab\there'];
const UNITS = ['a', 'Z', '0', ' ', 'é', '日', '😀', '"', '\\', '/', '\n', '\t', '\u2028', '\u0000', '\u001f', '\u0085', '\u007f'];
const text = fc.string({ unit: fc.constantFrom(...UNITS), maxLength: 8 });
const key = fc.oneof(fc.constantFrom(...KEYS), text);
const primitive = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.oneof({ weight: 4, arbitrary: primitive }, { weight: 1, arbitrary: fc.array(primitive, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.dictionary(key, primitive, { maxKeys: 3 }) });
/** A JSON object, as JSON would hold it (a `__proto__` key is an own property). */
export const jsonObject = fc.array(fc.tuple(key, value), { maxLength: 5 }).map((pairs) => JSON.parse(`{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`) as Record<string, unknown>);

/** What an element or line must give: a record holding `data`, or a reject with one of `codes`. */
export interface ExpectedItem {
  line: number;
  byteOffset?: number;
  /** The record's data, serialised (key order kept); undefined when it must be a reject. */
  json: string | undefined;
  /** Codes it may be rejected with (empty: it must be a record). */
  codes: string[];
}

const expectValue = (v: unknown): Pick<ExpectedItem, 'json' | 'codes'> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { json: undefined, codes: ['SOURCE_PARSE'] };
  return { json: JSON.stringify(v), codes: findControlCharInValue(v) ? ['SOURCE_CONTROL_CHARACTER'] : [] };
};

const SEPS = ['', ' ', '\n', '\r\n', '\n  ', '\t'];

export interface JsonCase {
  controlCharacters: (typeof CONTROL_CHARACTER_POLICIES)[number];
  full: Buffer;
  bytes: Buffer;
  /** The expected items of the whole file, and the byte where each element ends. */
  items: (ExpectedItem & { endByte: number })[];
  /** Whether bytes after the cut held more than white space (the file is truncated). */
  truncated: boolean;
}

/** A JSON array of objects (and a few other values), whole or cut at a random byte. */
export const jsonCase = (cut: boolean): fc.Arbitrary<JsonCase> => fc
  .record({
    elements: fc.array(fc.tuple(fc.oneof({ weight: 8, arbitrary: jsonObject }, { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, 'text', [1, 2]) }), fc.boolean(), fc.constantFrom(...SEPS), fc.constantFrom(...SEPS)), { maxLength: 8 }),
    open: fc.constantFrom(...SEPS),
    close: fc.constantFrom(...SEPS),
    trailing: fc.constantFrom('', '\n', '  \n'),
    cut: cut ? fc.nat() : fc.constant(undefined),
    controlCharacters: fc.constantFrom(...CONTROL_CHARACTER_POLICIES),
  })
  .map((o) => {
    let out = `${o.open}[`;
    const items: JsonCase['items'] = [];
    o.elements.forEach(([v, pretty, before, after], i) => {
      out += before;
      const start = out;
      out += pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v);
      items.push({ line: start.split('\n').length, byteOffset: Buffer.byteLength(start), endByte: Buffer.byteLength(out), ...expectValue(v) });
      out += after;
      if (i < o.elements.length - 1) out += ',';
    });
    out += `${o.close}]${o.trailing}`;
    const full = Buffer.from(out, 'utf8');
    const cut = o.cut === undefined ? full.length : o.cut % (full.length + 1);
    const bytes = full.subarray(0, cut);
    return { controlCharacters: o.controlCharacters, full, bytes, items, truncated: full.subarray(cut).toString('utf8').trim() !== '' };
  });

export interface NdjsonCase {
  controlCharacters: (typeof CONTROL_CHARACTER_POLICIES)[number];
  bytes: Buffer;
  items: ExpectedItem[];
}

const INVALID = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80]];
const lineArb = fc.oneof(
  { weight: 6, arbitrary: jsonObject.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.constantFrom('1', '"s"', 'null', '[1]', 'true', '{"a":1}{"b":2}', '  {"a":1}', '{"a":1}  ') },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('x', '{', '}', '[', '"', '1', '#'), fc.string({ unit: fc.constantFrom(...UNITS, '{', '}', ':', ','), maxLength: 10 })).map(([a, b]) => a + b.replace(/\n/g, '')) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '  ') },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID).map((b) => Buffer.concat([Buffer.from('{"a":"x'), Buffer.from(b), Buffer.from('"}')])) },
);

/** NDJSON lines, maybe cut at a random byte. */
export const ndjsonCase: fc.Arbitrary<NdjsonCase> = fc
  .record({
    lines: fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n')), { maxLength: 10 }),
    finalBreak: fc.boolean(),
    cut: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
    controlCharacters: fc.constantFrom(...CONTROL_CHARACTER_POLICIES),
  })
  .map((o) => {
    const parts = o.lines.flatMap(([l, end], i) => [typeof l === 'string' ? Buffer.from(l, 'utf8') : l, ...(i < o.lines.length - 1 || o.finalBreak ? [Buffer.from(end)] : [])]);
    const full = Buffer.concat(parts);
    const bytes = full.subarray(0, o.cut === undefined ? full.length : o.cut % (full.length + 1));
    return { controlCharacters: o.controlCharacters, bytes, items: expectNdjson(bytes, o.controlCharacters) };
  });

/**
 * The items of an NDJSON file: one per line that is not blank (spaces and tabs), by JSON.parse. Under
 * `strip`, a line that parses only once its raw control characters are removed is a record of that.
 */
function expectNdjson(bytes: Buffer, policy: string): ExpectedItem[] {
  const out: ExpectedItem[] = [];
  let start = 0;
  let line = 1;
  while (start < bytes.length) {
    const nl = bytes.indexOf(10, start);
    const end = nl === -1 ? bytes.length : nl;
    let piece = bytes.subarray(start, end);
    if (piece.length > 0 && piece[piece.length - 1] === 13) piece = piece.subarray(0, piece.length - 1);
    if (!piece.every((b) => b === 32 || b === 9)) {
      const text = piece.toString('utf8');
      // eslint-disable-next-line no-control-regex
      const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(text) ? ['SOURCE_CONTROL_CHARACTER'] : [];
      const at = { line, byteOffset: start };
      if (!isUtf8(piece)) out.push({ ...at, json: undefined, codes: ['SOURCE_INVALID_ENCODING', ...control] });
      else {
        let v: unknown;
        let parsed = true;
        try {
          v = JSON.parse(text);
        } catch {
          parsed = false;
        }
        let stripped: unknown;
        if (!parsed && policy === 'strip' && control.length > 0) {
          try {
            stripped = JSON.parse(text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, ''));
          } catch {
            stripped = undefined;
          }
        }
        if (stripped !== undefined) out.push({ ...at, ...expectValue(stripped) });
        else if (!parsed) out.push({ ...at, json: undefined, codes: ['SOURCE_PARSE', ...control] });
        else {
          const e = expectValue(v);
          out.push({ ...at, ...e, codes: [...e.codes, ...(e.json === undefined ? control : [])] });
        }
      }
    }
    line++;
    start = end + 1;
  }
  return out;
}
