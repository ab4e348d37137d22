/**
 * Which encoding a tabular file is read in, from its head (the first chunk) and the declared
 * `encoding:`. The rules, in order:
 * 1. A byte-order mark decides (UTF-8, UTF-16LE, UTF-16BE; the mark is not part of the first line;
 *    extract/text-sniff.ts). A UTF-32 mark is refused (SOURCE_INVALID_ENCODING): we do not read UTF-32.
 *    It also wins over a declared encoding it contradicts, with a SOURCE_ENCODING_FALLBACK warning:
 *    a mark is written by the program that saved the file, a declaration is a guess about it.
 * 2. A declared encoding other than `auto` is used as declared: only a file signature (ZIP, PDF, …;
 *    extract/text-sniff.ts) makes it SOURCE_BINARY, unless it is declared UTF-16; NUL bytes are
 *    data for the control-character rule (rejected, or stripped).
 * 3. `auto` with no mark: the head's every-other-byte NUL pattern means UTF-16 (LE or BE); else a
 *    head that looks binary is a fatal SOURCE_BINARY (extract/text-sniff.ts); else UTF-8, unless
 *    the head holds bytes that are not UTF-8 and too few valid multi-byte sequences to outweigh them
 *    (readsAsUtf8): then windows-1252 (FALLBACK_ENCODING) with a SOURCE_ENCODING_FALLBACK warning
 *    naming the first line with such a byte. A UTF-8 head with a stray bad byte stays UTF-8 (its bad
 *    rows are rejects).
 */
import { ZpetlError } from '../core/errors.js';
import { binaryKind, binaryMessage, signatureKind, sniffBom, SNIFF_BYTES, utf16Pattern, type BinaryKind } from './text-sniff.js';
import { FALLBACK_ENCODING, type SourceEncoding } from './text-encoding.js';
import type { ExtractWarning } from './types.js';

/**
 * The head's UTF-8 shape: offset of the first byte that is not valid UTF-8 (-1: none), and over the
 * whole head how many valid multi-byte sequences and how many invalid bytes it holds. `complete`:
 * false when the head is not the whole file, so a sequence cut by its end is not counted as invalid.
 */
export function utf8Shape(head: Buffer, complete: boolean): { firstInvalid: number; valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  let firstInvalid = -1;
  let i = 0;
  const n = head.length;
  while (i < n) {
    const b = head[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need > 0 && i + need >= n && !complete) break;
    let ok = need > 0 && i + need < n;
    for (let k = 1; ok && k <= need; k++) ok = (head[i + k]! & 0xc0) === 0x80;
    // Overlongs and surrogates (E0 80–9F, ED A0–BF, F0 80–8F, F4 90+) are not UTF-8 either.
    const c1 = head[i + 1] ?? 0;
    if (ok && ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 >= 0xa0) || (b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 >= 0x90))) ok = false;
    if (!ok) {
      if (firstInvalid < 0) firstInvalid = i;
      invalid++;
      i++;
      continue;
    }
    valid++;
    i += need + 1;
  }
  return { firstInvalid, valid, invalid };
}

/**
 * Valid multi-byte sequences per invalid byte a head needs to stay UTF-8. Legacy text holds a valid
 * sequence only by accident (windows-1252 `ß“` is DF 93) among many invalid bytes (every `ü` before
 * an ASCII letter); UTF-8 text with a stray bad byte holds more valid sequences than bad bytes.
 */
export const UTF8_VALID_PER_INVALID = 2;

/** Does a head of this shape read as UTF-8 under `auto` (no invalid byte, or valid ones clearly win)? */
export const readsAsUtf8 = (shape: { valid: number; invalid: number }): boolean => shape.invalid === 0 || shape.valid >= UTF8_VALID_PER_INVALID * shape.invalid;

/** The 1-based physical line of byte `offset` (CRLF, LF and lone CR each end a line). */
export function lineAt(buf: Buffer, offset: number, from = 0): number {
  let line = 1;
  for (let i = from; i < offset; i++) {
    const c = buf[i];
    if (c === 10 || (c === 13 && buf[i + 1] !== 10)) line++;
  }
  return line;
}

/**
 * binaryKind (extract/text-sniff.ts), except that a few NULs after the first line are not taken for
 * a binary file: they are data gone wrong (a NUL in a field), which the control-character rule rejects
 * row by row with its line. NULs in the first line (no header holds one) or in more than one byte of
 * eight are binary.
 */
function looksBinary(head: Buffer): BinaryKind | undefined {
  const kind = binaryKind(head);
  if (kind === undefined) return undefined;
  const sample = Buffer.from(head.subarray(0, SNIFF_BYTES));
  let nuls = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      nuls++;
      sample[i] = 0x20;
    }
  }
  if (nuls === 0 || binaryKind(sample) !== undefined) return kind; // a known signature
  const firstBreak = sample.findIndex((b) => b === 10 || b === 13);
  const firstNul = head.indexOf(0);
  return firstBreak === -1 || firstNul < firstBreak || nuls * 8 > sample.length ? kind : undefined;
}

export interface EncodingChoice {
  encoding: Exclude<SourceEncoding, 'auto'>;
  /** Bytes of the byte-order mark (0 without one). */
  bomBytes: number;
  warnings: ExtractWarning[];
}

/**
 * The encoding `source` is read in, from its `head` (the first bytes; `size` is the file's) and the
 * declared encoding. Throws SOURCE_BINARY for a head that looks binary.
 */
export function chooseEncoding(source: string, head: Buffer, size: number, declared: SourceEncoding): EncodingChoice {
  const bom = sniffBom(head);
  const pos = (line: number, byteOffset: number) => ({ source, line, index: 0, byteOffset });
  if (bom?.encoding === 'utf32le' || bom?.encoding === 'utf32be') {
    const name = bom.encoding === 'utf32le' ? 'UTF-32LE' : 'UTF-32BE';
    throw new ZpetlError('SOURCE_INVALID_ENCODING', `${source}: this file is ${name} (by its byte-order mark), which is not read: re-save it as UTF-8`, {
      pos: pos(1, 0),
      details: { encoding: name },
      hint: 'in the editor or tool that wrote it, save or export as "UTF-8" (e.g. iconv -f UTF-32 -t UTF-8)',
    });
  }
  if (bom !== undefined) {
    const warnings: ExtractWarning[] = [];
    if (declared !== 'auto' && declared !== bom.encoding) {
      warnings.push({
        code: 'SOURCE_ENCODING_FALLBACK',
        message: `${source}: declared encoding: ${declared}, but the file starts with a ${bom.encoding} byte-order mark; it is read as ${bom.encoding}`,
        pos: pos(1, 0),
      });
    }
    return { encoding: bom.encoding, bomBytes: bom.bomBytes, warnings };
  }
  const utf16 = declared === 'utf16le' || declared === 'utf16be' ? declared : declared === 'auto' ? utf16Pattern(head) : undefined;
  if (utf16 !== undefined) return { encoding: utf16, bomBytes: 0, warnings: [] };
  // A declared encoding says the file is text: only a signature says otherwise, NULs are data.
  const binary = declared === 'auto' ? looksBinary(head) : signatureKind(head);
  if (binary !== undefined) {
    throw new ZpetlError('SOURCE_BINARY', binaryMessage(source, binary), { pos: pos(1, 0), hint: binary.hint, details: { what: binary.what } });
  }
  if (declared !== 'auto') return { encoding: declared, bomBytes: 0, warnings: [] };
  const shape = utf8Shape(head, head.length >= size);
  if (readsAsUtf8(shape)) return { encoding: 'utf8', bomBytes: 0, warnings: [] };
  const line = lineAt(head, shape.firstInvalid);
  const byte = head[shape.firstInvalid]!.toString(16).toUpperCase().padStart(2, '0');
  return {
    encoding: FALLBACK_ENCODING as Exclude<SourceEncoding, 'auto'>,
    bomBytes: 0,
    warnings: [
      {
        code: 'SOURCE_ENCODING_FALLBACK',
        message: `${source}: not UTF-8 (byte 0x${byte} on line ${line}); read as ${FALLBACK_ENCODING}. Set encoding: to the file's encoding to silence this`,
        pos: pos(line, shape.firstInvalid),
      },
    ],
  };
}
