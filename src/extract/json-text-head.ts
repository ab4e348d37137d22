/**
 * The first bytes of a JSON or NDJSON file: JSON text is UTF-8 (RFC 8259 §8.1), so a UTF-8 byte-order
 * mark is skipped, a UTF-16 or UTF-32 file (by its mark, or by the NUL bytes its ASCII characters are
 * padded with) is refused with what it is and how to fix it, and a file that looks binary says so
 * (binary-sniff.ts). UTF-16 is refused rather than decoded: every position we report and resume from
 * is a byte offset into the file as it is, and the tools that write UTF-16 JSON also save UTF-8.
 */
import { ZpetlError } from '../core/errors.js';
import { binaryKind, binaryMessage } from './binary-sniff.js';

/** Bytes of the head to read before the first parse (what binaryKind samples). */
export const TEXT_HEAD_BYTES = 8192;

const UTF8_BOM = [0xef, 0xbb, 0xbf];

const startsWith = (head: Buffer, bytes: readonly number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** A wide encoding by byte-order mark, or by NUL padding of the (ASCII) JSON syntax at the start. */
function wideEncoding(head: Buffer): string | undefined {
  if (startsWith(head, [0xff, 0xfe, 0, 0]) || (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] === 0 && head[3] === 0)) return 'UTF-32LE';
  if (startsWith(head, [0, 0, 0xfe, 0xff]) || (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 0 && head[3] !== 0)) return 'UTF-32BE';
  if (startsWith(head, [0xff, 0xfe])) return 'UTF-16LE';
  if (startsWith(head, [0xfe, 0xff])) return 'UTF-16BE';
  // No mark: JSON starts with ASCII ('[', '{', whitespace), which UTF-16 pads with a NUL on one side.
  const pairs = Math.min(head.length >> 1, 256);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) even++;
    if (head[2 * i + 1] === 0) odd++;
  }
  if (pairs === 0) return undefined;
  if (head[0] !== 0 && head[1] === 0 && odd * 2 >= pairs && even === 0) return 'UTF-16LE';
  if (head[0] === 0 && head[1] !== 0 && even * 2 >= pairs && odd === 0) return 'UTF-16BE';
  return undefined;
}

/**
 * How many bytes of byte-order mark to skip at the start of `head` (a file's first bytes, up to
 * TEXT_HEAD_BYTES). Throws SOURCE_INVALID_ENCODING for UTF-16/UTF-32 and SOURCE_BINARY for a file that
 * is not text.
 */
export function jsonTextStart(head: Buffer, source: string, kind: 'JSON' | 'NDJSON'): number {
  if (startsWith(head, UTF8_BOM)) return UTF8_BOM.length;
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
