/**
 * UTF-8 checking of a file read in chunks, for the CSV reader (csv-chunks.ts: records overlapping a
 * bad byte are checked field by field) and the JSON reader. stream-json decodes with a StringDecoder,
 * which turns bytes that are not UTF-8 into U+FFFD without a word; JSON text is UTF-8 (RFC 8259 §8.1),
 * so the JSON extractor makes the element holding such bytes a SOURCE_INVALID_ENCODING reject. Each chunk
 * is checked with Node's native `isUtf8` (a sequence cut by the chunk's end is carried to the next);
 * only a chunk that fails is walked byte by byte to find where.
 */
import { isUtf8 } from 'node:buffer';

/** Length of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
const seqLength = (b: number) => (b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0);

/** Indexes in `buf` where a sequence that is not UTF-8 starts (at most `max`). */
export function invalidUtf8Indexes(buf: Buffer, max = 1000): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < buf.length && out.length < max) {
    const n = seqLength(buf[i]!);
    let ok = n !== 0 && i + n <= buf.length;
    for (let k = 1; ok && k < n; k++) {
      const c = buf[i + k]!;
      if ((c & 0xc0) !== 0x80) ok = false;
      // Overlong, surrogate and out-of-range forms (RFC 3629 §4).
      else if (k === 1 && ((buf[i] === 0xe0 && c < 0xa0) || (buf[i] === 0xed && c > 0x9f) || (buf[i] === 0xf0 && c < 0x90) || (buf[i] === 0xf4 && c > 0x8f))) ok = false;
    }
    if (ok) i += n;
    else out.push(i++);
  }
  return out;
}

/** Checks consecutive chunks of a file; `check` answers the file offsets of bytes that are not UTF-8. */
export class Utf8Checker {
  private carry: Buffer = Buffer.alloc(0);

  /** `at`: the chunk's file offset. */
  check(chunk: Buffer, at: number): number[] {
    const whole = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const base = at - this.carry.length;
    // A sequence begun in the last three bytes and not finished is checked with the next chunk.
    let cut = whole.length;
    for (let i = whole.length - 1; i >= Math.max(0, whole.length - 3); i--) {
      const n = seqLength(whole[i]!);
      if ((whole[i]! & 0xc0) === 0x80) continue;
      if (n > 1 && i + n > whole.length) cut = i;
      break;
    }
    this.carry = Buffer.from(whole.subarray(cut));
    const body = whole.subarray(0, cut);
    return isUtf8(body) ? [] : invalidUtf8Indexes(body).map((i) => base + i);
  }

  /** The end of the file: a sequence left unfinished is not UTF-8. */
  end(at: number): number[] {
    const left = this.carry.length === 0 ? [] : [at - this.carry.length];
    this.carry = Buffer.alloc(0);
    return left;
  }
}
