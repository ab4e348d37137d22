/**
 * Does a file's head look like something other than text? Known signatures first (the files people
 * export by mistake: a spreadsheet, an archive, a PDF, an image), then NUL bytes, which no text
 * encoding we read holds outside UTF-16 (the caller rules UTF-16 out first: by BOM, or by its
 * every-other-byte NUL pattern).
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

/** Why `head` (a file's first bytes, any BOM included) looks binary, or undefined when it may be text. */
export function binaryKind(head: Buffer): { what: string; hint: string } | undefined {
  for (const s of SIGNATURES) {
    if (head.length >= s.bytes.length && s.bytes.every((b, i) => head[i] === b)) return { what: s.what, hint: s.hint };
  }
  const sample = head.subarray(0, 8192);
  const nul = sample.indexOf(0);
  if (nul !== -1) {
    return { what: `not a text file (a NUL byte at offset ${nul})`, hint: 'check that `path` names the exported data file; a UTF-16 file needs its byte-order mark or `encoding: utf16le`/`utf16be`' };
  }
  return undefined;
}
