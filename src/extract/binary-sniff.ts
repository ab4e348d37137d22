/**
 * Does a file's head look like something other than text? Known signatures first (the files people
 * export by mistake: a spreadsheet, an archive, a PDF, an image), then NUL bytes, which no text
 * encoding we read holds outside UTF-16 (the caller rules UTF-16 out first: by BOM, or by its
 * every-other-byte NUL pattern). A caller with a declared encoding asks for signatures only
 * (signatureKind): NULs in a file declared as text are data for the control-character rule.
 */

const SIGNATURES: readonly { bytes: readonly number[]; what: string; hint: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an .xlsx or .ods spreadsheet is one)', hint: 'export the sheet as CSV (File → Save as → CSV UTF-8) and point `path` at that file' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an old Office file (.xls)', hint: 'export the sheet as CSV (File → Save as → CSV UTF-8) and point `path` at that file' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', hint: 'export the data as CSV, JSON or NDJSON' },
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file', hint: 'decompress it first (gunzip)' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', hint: 'point `path` at the data file' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', hint: 'point `path` at the data file' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], what: 'a SQLite database (a checkpoint file?)', hint: 'point `path` at the data file' },
];

/** A file that is not text: by a known signature (`what` names it), or by a NUL byte (`nulAt`). */
export interface BinaryKind {
  what: string;
  hint: string;
  /** Offset of the first NUL byte when no signature matched. */
  nulAt?: number;
}

/** The known signature `head` (a file's first bytes, any BOM included) starts with, if any. */
export function signatureKind(head: Buffer): BinaryKind | undefined {
  const s = SIGNATURES.find((x) => head.length >= x.bytes.length && x.bytes.every((b, i) => head[i] === b));
  return s === undefined ? undefined : { what: s.what, hint: s.hint };
}

/** Why `head` (a file's first bytes, any BOM included) looks binary, or undefined when it may be text. */
export function binaryKind(head: Buffer): BinaryKind | undefined {
  const sig = signatureKind(head);
  if (sig !== undefined) return sig;
  const sample = head.subarray(0, 8192);
  const nul = sample.indexOf(0);
  if (nul !== -1) {
    return { what: `a NUL byte at offset ${nul}`, nulAt: nul, hint: 'check that `path` names the exported data file; a UTF-16 file needs its byte-order mark or `encoding: utf16le`/`utf16be`' };
  }
  return undefined;
}

/**
 * The SOURCE_BINARY message: "<source> is not a text file: it looks like a PDF document" for a
 * signature (`kind`: "a JSON file" adds ", not a JSON file"), "<source> does not look like a text
 * file (a NUL byte at offset 28)" for NULs.
 */
export function binaryMessage(source: string, b: BinaryKind, kind?: string): string {
  if (b.nulAt !== undefined) return `${source} does not look like a text file (${b.what})`;
  return kind === undefined ? `${source} is not a text file: it looks like ${b.what}` : `${source} is ${b.what}, not ${kind}`;
}
