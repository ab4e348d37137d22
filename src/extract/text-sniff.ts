/**
 * What a file's head says about its text, for every extractor (CSV: csv-encoding.ts; JSON and NDJSON:
 * json-text-head.ts): its byte-order mark (sniffBom), UTF-16 without one by the NUL pattern
 * (utf16Pattern), and whether it is something other than text (binaryKind). Binary: known signatures
 * first (the files people export by mistake: a spreadsheet, an archive, a PDF, an image), then NUL
 * bytes, which no text encoding we read holds outside UTF-16 (the caller rules UTF-16 out first). A
 * caller with a declared encoding asks for signatures only (signatureKind): NULs in a file declared
 * as text are data for the control-character rule.
 */

/** Bytes of a file's head the sniffs look at (and JSON reads before its first parse). */
export const SNIFF_BYTES = 8192;

/** A byte-order mark: the encoding it announces and its length. UTF-32 marks are checked first (FF FE 00 00 starts like UTF-16LE's). */
export type Bom = { encoding: 'utf8' | 'utf16le' | 'utf16be' | 'utf32le' | 'utf32be'; bomBytes: number };

const BOMS: readonly { bytes: readonly number[]; encoding: Bom['encoding'] }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf8' },
  { bytes: [0xff, 0xfe, 0, 0], encoding: 'utf32le' },
  { bytes: [0, 0, 0xfe, 0xff], encoding: 'utf32be' },
  { bytes: [0xff, 0xfe], encoding: 'utf16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf16be' },
];

const startsWith = (head: Buffer, bytes: readonly number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** The byte-order mark `head` starts with, if any. */
export function sniffBom(head: Buffer): Bom | undefined {
  const b = BOMS.find((x) => startsWith(head, x.bytes));
  return b === undefined ? undefined : { encoding: b.encoding, bomBytes: b.bytes.length };
}

/** Code units looked at for the UTF-16 pattern. */
const UTF16_SAMPLE_UNITS = 2048;

/**
 * UTF-16 without a mark, by its NUL pattern: text that is mostly Latin script (and JSON syntax) has a
 * zero high byte in most code units (at odd offsets in LE, even ones in BE: at least 30%) and almost
 * never a zero low byte (at most 2%).
 */
export function utf16Pattern(head: Buffer): 'utf16le' | 'utf16be' | undefined {
  const units = Math.min(UTF16_SAMPLE_UNITS, head.length >> 1);
  if (units < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < units; i++) {
    if (head[2 * i] === 0) evenNul++;
    if (head[2 * i + 1] === 0) oddNul++;
  }
  if (oddNul >= units * 0.3 && evenNul <= units * 0.02) return 'utf16le';
  if (evenNul >= units * 0.3 && oddNul <= units * 0.02) return 'utf16be';
  return undefined;
}

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
  const s = SIGNATURES.find((x) => startsWith(head, x.bytes));
  return s === undefined ? undefined : { what: s.what, hint: s.hint };
}

/** Why `head` (a file's first bytes, any BOM included) looks binary, or undefined when it may be text. */
export function binaryKind(head: Buffer): BinaryKind | undefined {
  const sig = signatureKind(head);
  if (sig !== undefined) return sig;
  const sample = head.subarray(0, SNIFF_BYTES);
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
