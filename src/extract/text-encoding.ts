/**
 * The text encodings a tabular source may be read in: the one list of names and aliases (the schema's
 * `encoding:` option and its description come from here), and how each is decoded.
 *
 * How a file is parsed, by encoding (csv-parse and the position tracker count bytes, so every mode keeps
 * file byte offsets intact):
 * - `utf8`: csv-parse decodes UTF-8; chunks are validated whole (csv-chunks.ts) and only records that
 *   overlap a chunk that failed are checked field by field;
 * - `utf16le`: csv-parse decodes UTF-16LE; `utf16be` is byte-swapped to UTF-16LE as it is read (the same
 *   length, so offsets hold);
 * - every other encoding is ASCII-compatible: its bytes below 0x80 are ASCII, and no byte of a multi-byte
 *   character equals `,` `;` tab `"` CR or LF (Shift_JIS, GBK, Big5 and EUC-KR trail bytes are 0x40 and
 *   up, so a `quote:` character must stay below 0x40 for them, as `"` and `'` are). Such a file is
 *   parsed as latin1 (one byte, one char) and each field is decoded afterwards: a
 *   single-byte code page through a 256-entry table, a multi-byte one through `TextDecoder` (fatal).
 *
 * Decoders are WHATWG's (`TextDecoder`, Node's ICU) with two exceptions, both because WHATWG gives the
 * names another meaning: `latin1` is ISO-8859-1 proper (byte = code point; WHATWG reads `latin1` and
 * `iso-8859-1` as windows-1252), and windows-1252's 0x80–0x9F block is written out below, because Node
 * 20–22's `TextDecoder('windows-1252')` decodes it as ISO-8859-1 (0x93 → U+0093, not “).
 */
import { isUtf8 } from 'node:buffer';

/** Encodings by canonical name, each with the other spellings accepted for it (compared lower-cased). */
export const ENCODING_ALIASES = {
  auto: [],
  utf8: ['utf-8'],
  utf16le: ['utf-16le', 'utf16-le', 'utf-16', 'utf16', 'ucs-2'],
  utf16be: ['utf-16be', 'utf16-be'],
  'windows-1252': ['cp1252', 'windows1252', 'win1252'],
  latin1: ['latin-1', 'iso-8859-1', 'iso8859-1', 'l1'],
  'iso-8859-15': ['iso8859-15', 'latin9', 'latin-9'],
  'iso-8859-2': ['iso8859-2', 'latin2', 'latin-2'],
  'windows-1250': ['cp1250', 'windows1250'],
  'windows-1251': ['cp1251', 'windows1251'],
  'windows-1253': ['cp1253', 'windows1253'],
  'windows-1254': ['cp1254', 'windows1254'],
  'windows-1257': ['cp1257', 'windows1257'],
  macintosh: ['mac', 'macroman', 'mac-roman', 'x-mac-roman'],
  'koi8-r': ['koi8r'],
  'koi8-u': ['koi8u'],
  shift_jis: ['shift-jis', 'sjis', 'cp932', 'windows-31j'],
  gbk: ['cp936', 'gb2312'],
  big5: ['big-5', 'cp950'],
  'euc-kr': ['euckr', 'cp949'],
} as const satisfies Record<string, readonly string[]>;

/** An encoding by its canonical name (what a parsed source definition holds). */
export type SourceEncoding = keyof typeof ENCODING_ALIASES;
/** The canonical names. */
export const ENCODINGS = Object.keys(ENCODING_ALIASES) as SourceEncoding[];
/** The default: a BOM, a UTF-16 pattern or UTF-8, falling back to windows-1252 (csv-encoding.ts). */
export const DEFAULT_ENCODING: SourceEncoding = 'auto';
/** The code page `auto` falls back to when the file's head is not UTF-8. */
export const FALLBACK_ENCODING: SourceEncoding = 'windows-1252';

/** Every spelling accepted for `encoding:` (canonical names first). */
export const ENCODING_LABELS: readonly string[] = [...ENCODINGS, ...ENCODINGS.flatMap((e) => ENCODING_ALIASES[e])];

const CANONICAL = new Map<string, SourceEncoding>();
for (const e of ENCODINGS) {
  CANONICAL.set(e, e);
  for (const a of ENCODING_ALIASES[e]) CANONICAL.set(a, e);
}

/** The canonical name for a spelling (case-insensitive), or undefined when it is none we read. */
export const canonicalEncoding = (label: string): SourceEncoding | undefined => CANONICAL.get(label.trim().toLowerCase());

/** The list for the option's description: "`utf8` (utf-8), `windows-1252` (cp1252, …)". */
export function describeEncodings(): string {
  return ENCODINGS.filter((e) => e !== 'auto')
    .map((e) => {
      const aliases: readonly string[] = ENCODING_ALIASES[e];
      return aliases.length === 0 ? `\`${e}\`` : `\`${e}\` (${aliases.join(', ')})`;
    })
    .join(', ');
}

const MULTI_BYTE: ReadonlySet<SourceEncoding> = new Set(['shift_jis', 'gbk', 'big5', 'euc-kr']);

/** windows-1252 0x80–0x9F (WHATWG Encoding Standard, index-windows-1252); the five undefined bytes map to C1 controls, as WHATWG does. */
const CP1252_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

/** How a file in this encoding is parsed: by csv-parse's own decoder, or as latin1 bytes decoded per field. */
export type ParseMode = 'utf8' | 'utf16le' | 'utf16be' | 'bytes';

export function parseModeOf(e: SourceEncoding): ParseMode {
  if (e === 'utf8' || e === 'auto') return 'utf8';
  if (e === 'utf16le' || e === 'utf16be') return e;
  return 'bytes';
}

/** A field's text in a `bytes`-mode encoding: the decoded text, or where the first invalid byte is. */
export type FieldDecode = { ok: true; text: string } | { ok: false; at: number };

/** Decodes a `bytes`-mode encoding: fields parsed as latin1, and raw byte runs (a reject's text). */
export interface ByteCodec {
  readonly encoding: SourceEncoding;
  /** A field parsed as latin1 (one char per byte), decoded. ASCII-only fields come back as they are. */
  field(latin1: string): FieldDecode;
  /** Raw bytes decoded, with U+FFFD for bytes that are not valid. */
  bytes(buf: Buffer): string;
}

const NON_ASCII = /[\u0080-\u00ff]/;
const tables = new Map<SourceEncoding, Int32Array>();

/** Byte → code point for a single-byte code page (-1: the byte is not defined in it). Built once. */
function tableOf(e: SourceEncoding): Int32Array {
  let t = tables.get(e);
  if (t !== undefined) return t;
  t = new Int32Array(256);
  const decoder = e === 'latin1' || e === 'windows-1252' ? undefined : new TextDecoder(e, { fatal: true });
  for (let b = 0; b < 256; b++) {
    if (decoder === undefined) t[b] = e === 'windows-1252' && b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b;
    else {
      try {
        t[b] = decoder.decode(Uint8Array.of(b)).codePointAt(0)!;
      } catch {
        t[b] = -1;
      }
    }
  }
  tables.set(e, t);
  return t;
}

function singleByteCodec(e: SourceEncoding): ByteCodec {
  const table = tableOf(e);
  const map = (s: string, lenient: boolean): FieldDecode => {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const cp = table[s.charCodeAt(i) & 0xff]!;
      if (cp < 0) {
        if (!lenient) return { ok: false, at: i };
        out += '\uFFFD';
      } else out += String.fromCharCode(cp);
    }
    return { ok: true, text: out };
  };
  return {
    encoding: e,
    field: (s) => (NON_ASCII.test(s) ? map(s, false) : { ok: true, text: s }),
    bytes: (buf) => (map(buf.toString('latin1'), true) as { text: string }).text,
  };
}

function multiByteCodec(e: SourceEncoding): ByteCodec {
  const fatal = new TextDecoder(e, { fatal: true });
  const lenient = new TextDecoder(e);
  return {
    encoding: e,
    field(s) {
      if (!NON_ASCII.test(s)) return { ok: true, text: s };
      const buf = Buffer.from(s, 'latin1');
      try {
        return { ok: true, text: fatal.decode(buf) };
      } catch {
        return { ok: false, at: Math.max(0, lenient.decode(buf).indexOf('\uFFFD')) };
      }
    },
    bytes: (buf) => lenient.decode(buf),
  };
}

/** The field decoder of a `bytes`-mode encoding. */
export function byteCodec(e: SourceEncoding): ByteCodec {
  return MULTI_BYTE.has(e) ? multiByteCodec(e) : singleByteCodec(e);
}

/** Swaps the bytes of each 16-bit unit in place (UTF-16BE ↔ UTF-16LE); an odd last byte stays. */
export function swap16InPlace(buf: Buffer): Buffer {
  const even = buf.length & ~1;
  if (even > 0) buf.subarray(0, even).swap16();
  return buf;
}

/**
 * The encoding bytes that failed `notThis` are likely in, for a hint: UTF-8 when they are valid UTF-8
 * with some non-ASCII, else windows-1252 (the usual Windows export; it decodes any byte).
 */
export function likelyEncoding(bytes: Buffer, notThis: SourceEncoding): SourceEncoding | undefined {
  if (notThis !== 'utf8' && NON_ASCII_BYTE(bytes) && isUtf8(bytes)) return 'utf8';
  return notThis === FALLBACK_ENCODING ? undefined : FALLBACK_ENCODING;
}

const NON_ASCII_BYTE = (bytes: Buffer): boolean => bytes.some((b) => b >= 0x80);
