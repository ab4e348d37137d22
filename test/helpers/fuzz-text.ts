/**
 * Text for the extractor fuzz tests: how a declared `encoding` (any name in the source schema's
 * ENCODINGS, including ones added later) writes text, which characters it can write exactly, and the
 * byte-order marks. Unknown names are taken as ASCII-compatible, and only ASCII is written in them.
 */

export const BOMS = {
  utf8: Buffer.from([0xef, 0xbb, 0xbf]),
  utf16le: Buffer.from([0xff, 0xfe]),
  utf16be: Buffer.from([0xfe, 0xff]),
} as const;

/** How a file in one encoding is written. */
export interface TextProfile {
  /** The encoding the bytes are in (a concrete one, also for `auto`). */
  kind: 'utf8' | 'latin1' | 'utf16le' | 'utf16be' | 'ascii';
  encode(text: string): Buffer;
  /** Whether `ch` is written exactly and read back as itself (decoders that differ on it are avoided). */
  canWrite(ch: string): boolean;
  /** The BOM this file may start with (undefined: none is written). */
  bom: Buffer | undefined;
  /** Whether the file must start with its BOM for the declared encoding to read it. */
  bomRequired: boolean;
}

const utf16be = (text: string): Buffer => {
  const b = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < b.length; i += 2) {
    const t = b[i]!;
    b[i] = b[i + 1]!;
    b[i + 1] = t;
  }
  return b;
};

const isAscii = (ch: string) => ch.charCodeAt(0) < 0x80 && ch.length === 1;
// 0x80–0x9F differ between ISO-8859-1 (C1 controls) and windows-1252 (“ ” – …): neither is written.
const isLatin1Safe = (ch: string) => ch.length === 1 && (ch.charCodeAt(0) < 0x80 || (ch.charCodeAt(0) >= 0xa0 && ch.charCodeAt(0) <= 0xff));

export const PROFILES: Record<TextProfile['kind'], TextProfile> = {
  utf8: { kind: 'utf8', encode: (t) => Buffer.from(t, 'utf8'), canWrite: () => true, bom: BOMS.utf8, bomRequired: false },
  latin1: { kind: 'latin1', encode: (t) => Buffer.from(t, 'latin1'), canWrite: isLatin1Safe, bom: undefined, bomRequired: false },
  utf16le: { kind: 'utf16le', encode: (t) => Buffer.from(t, 'utf16le'), canWrite: () => true, bom: BOMS.utf16le, bomRequired: false },
  utf16be: { kind: 'utf16be', encode: utf16be, canWrite: () => true, bom: BOMS.utf16be, bomRequired: false },
  ascii: { kind: 'ascii', encode: (t) => Buffer.from(t, 'latin1'), canWrite: isAscii, bom: undefined, bomRequired: false },
};

const norm = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The files a declared encoding reads exactly. `auto` reads a UTF-8 file (BOM or not) and a UTF-16
 * file with its BOM; a single-byte code page reads its ASCII and (for latin1 and windows-1252) the
 * characters U+00A0–U+00FF.
 */
export function profilesFor(encoding: string): TextProfile[] {
  const n = norm(encoding);
  if (n === 'auto') return [PROFILES.utf8, { ...PROFILES.utf16le, bomRequired: true }, { ...PROFILES.utf16be, bomRequired: true }];
  if (n === 'utf8') return [PROFILES.utf8];
  if (n === 'utf16le') return [PROFILES.utf16le];
  if (n === 'utf16be') return [PROFILES.utf16be];
  if (n === 'latin1' || n === 'iso88591' || n === 'windows1252' || n === 'cp1252') return [PROFILES.latin1];
  return [PROFILES.ascii];
}

/** Whether `s` holds a character the control-character rule (src/core/control-chars.ts) covers. */
// eslint-disable-next-line no-control-regex
export const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Physical lines of `text` before `end`: CRLF, LF and a lone CR each end one (the CSV reader's rule). */
export function lineAt(text: string, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '\r' && text[i + 1] !== '\n') line++;
  }
  return line;
}
