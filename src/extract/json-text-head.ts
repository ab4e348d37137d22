/**
 * The first bytes of a JSON or NDJSON file: JSON text is UTF-8 (RFC 8259 §8.1), so a UTF-8 byte-order
 * mark is skipped, a UTF-16 or UTF-32 file (by its mark, or by the NUL bytes its ASCII characters are
 * padded with) is refused with what it is and how to fix it, and a file that looks binary says so
 * (text-sniff.ts, which also finds the marks and the UTF-16 pattern). UTF-16 is refused rather than decoded: every position we report and resume from
 * is a byte offset into the file as it is, and the tools that write UTF-16 JSON also save UTF-8.
 */
import { ZpetlError } from '../core/errors.js';
import { binaryKind, binaryMessage, sniffBom, SNIFF_BYTES, utf16Pattern } from './text-sniff.js';

/** Bytes of the head to read before the first parse (what the sniffs look at). */
export const TEXT_HEAD_BYTES = SNIFF_BYTES;

const NAMES = { utf16le: 'UTF-16LE', utf16be: 'UTF-16BE', utf32le: 'UTF-32LE', utf32be: 'UTF-32BE' } as const;

/** A wide encoding by byte-order mark, by NUL padding of the (ASCII) JSON syntax at the start (UTF-32), or by the UTF-16 pattern. */
function wideEncoding(head: Buffer): string | undefined {
  const bom = sniffBom(head);
  if (bom !== undefined && bom.encoding !== 'utf8') return NAMES[bom.encoding];
  // No mark: JSON starts with ASCII ('[', '{', whitespace), which UTF-32 pads with three NULs.
  if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] === 0 && head[3] === 0) return 'UTF-32LE';
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 0 && head[3] !== 0) return 'UTF-32BE';
  const utf16 = utf16Pattern(head);
  return utf16 === undefined ? undefined : NAMES[utf16];
}

/**
 * How many bytes of byte-order mark to skip at the start of `head` (a file's first bytes, up to
 * TEXT_HEAD_BYTES). Throws SOURCE_INVALID_ENCODING for UTF-16/UTF-32 and SOURCE_BINARY for a file that
 * is not text.
 */
export function jsonTextStart(head: Buffer, source: string, kind: 'JSON' | 'NDJSON'): number {
  const bom = sniffBom(head);
  if (bom?.encoding === 'utf8') return bom.bomBytes;
  const wide = wideEncoding(head);
  if (wide !== undefined) {
    throw new ZpetlError('SOURCE_INVALID_ENCODING', `${source}: ${kind} files must be UTF-8; this one is ${wide}: re-save it as UTF-8`, {
      details: { encoding: wide },
      hint: 'in the editor or tool that wrote it, save or export as "UTF-8" (e.g. PowerShell: Set-Content -Encoding utf8; iconv -f UTF-16 -t UTF-8)',
    });
  }
  const binary = binaryKind(head);
  if (binary) {
    throw new ZpetlError('SOURCE_BINARY', binaryMessage(source, binary, `a ${kind} file`), { details: { what: binary.what }, hint: binary.hint });
  }
  return 0;
}
