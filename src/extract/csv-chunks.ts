/**
 * The chunks the CSV reader feeds to csv-parse: positioned reads with one chunk of read-ahead, and
 * per chunk of a UTF-8 file two whole-chunk checks, UTF-8 validation and a scan for control
 * characters (core/control-chars.ts): the byte ranges of chunks that fail either are kept, so that
 * only records overlapping them are checked field by field. A UTF-16BE file is byte-swapped to
 * UTF-16LE here (same length: byte offsets hold).
 */
import type { SourceFile } from './file-access.js';
import { swap16InPlace, type ParseMode } from './text-encoding.js';
import { Utf8Checker } from './utf8-check.js';

/** The C0 controls of the rule (all but tab, LF and CR) and DEL, as bytes (core/control-chars.ts). */
const CONTROL_BYTES: readonly number[] = [...Array(32).keys()].filter((b) => b !== 9 && b !== 10 && b !== 13).concat(0x7f);

/**
 * Whether a UTF-8 chunk holds a control character of the rule: a C0 or DEL byte, or a C1 control
 * (U+0080–U+009F is C2 80–C2 9F). One `indexOf` (memchr) per byte value: some 30 passes over the chunk
 * are still ~20 times faster than one regular expression over it read as latin1.
 */
function holdsControlUtf8(chunk: Buffer): boolean {
  for (let k = 0; k < CONTROL_BYTES.length; k++) if (chunk.indexOf(CONTROL_BYTES[k]!) !== -1) return true;
  for (let i = chunk.indexOf(0xc2); i !== -1 && i + 1 < chunk.length; i = chunk.indexOf(0xc2, i + 1)) {
    const next = chunk[i + 1]!;
    if (next >= 0x80 && next <= 0x9f) return true;
  }
  return false;
}

/** Byte ranges, asked about in file order: ranges that end at or before a question's start are dropped. */
function createRanges(): { add(start: number, end: number): void; overlaps(start: number, end: number): boolean } {
  const ranges: [number, number][] = [];
  return {
    add(start, end) {
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last[1] >= start) last[1] = Math.max(last[1], end);
      else ranges.push([start, end]);
    },
    overlaps(start, end) {
      if (ranges.length === 0) return false;
      while (ranges.length !== 0 && ranges[0]![1] <= start) ranges.shift();
      return ranges.length !== 0 && ranges[0]![0] < end;
    },
  };
}

export interface CsvChunks {
  /** The next chunk from the current position; an empty buffer at the end of the file. */
  next(): Promise<Buffer>;
  /** Reading goes on at file offset `at` (a restart, or a resume). */
  seek(at: number): void;
  /**
   * Whether bytes `[start, end)` overlap a chunk that failed UTF-8 validation. Records are asked in
   * file order: ranges that end at or before `start` are dropped.
   */
  mayBeInvalidUtf8(start: number, end: number): boolean;
  /** Whether bytes `[start, end)` may hold a control character (always true but for UTF-8). Asked in file order. */
  mayHoldControl(start: number, end: number): boolean;
  /** Waits for an outstanding read-ahead, so the caller may close the file. */
  settle(): Promise<void>;
}

/**
 * Chunks of `file` from `start`. `head` (the file's first bytes, already read) is the first chunk
 * unless it is longer than `chunkBytes`. `mode` is how the file is parsed (text-encoding.ts): `utf8`
 * turns the chunk checks on, `utf16be` the byte swap.
 */
export function createCsvChunks(file: SourceFile, o: { head: Buffer; start: number; chunkBytes: number; mode: ParseMode }): CsvChunks {
  const { chunkBytes } = o;
  const checkUtf8 = o.mode === 'utf8';
  const swap = o.mode === 'utf16be';
  const size = file.size;
  let position = o.start;
  // The head doubles as the first chunk unless chunks are smaller (tests use tiny chunks to hit every edge).
  // A copy when it is swapped: the caller still reads the head.
  const first = o.head.length > o.start && o.head.length <= chunkBytes ? o.head.subarray(o.start) : undefined;
  let pending: Buffer | undefined = first !== undefined && swap ? Buffer.from(first) : first;
  // Byte ranges of chunks that failed UTF-8 validation, or hold a control character; records overlapping them are checked.
  const dirty = createRanges();
  const control = createRanges();
  let utf8 = new Utf8Checker();
  let lastByte = -1;
  // UTF-16BE: the odd byte at a chunk's end waits for the next chunk (a code unit is swapped whole).
  let swapCarry: Buffer | undefined;

  // One chunk of read-ahead: the next read runs on the thread pool while this chunk is parsed. Memory
  // stays bounded (one chunk), and a loaded machine does not serialise I/O latency with parsing.
  let prefetch: { at: number; read: Promise<Buffer> } | undefined;
  const readAt = (at: number): Promise<Buffer> => {
    if (prefetch !== undefined && prefetch.at === at) {
      const { read } = prefetch;
      prefetch = undefined;
      return read;
    }
    prefetch = undefined; // a seek (restart): the read-ahead is dropped (its rejection is already handled)
    return file.readChunk(at, chunkBytes);
  };

  /** The next raw chunk from `position` (empty at the end), with one chunk of read-ahead. */
  const nextRaw = async (): Promise<Buffer> => {
    let chunk: Buffer;
    if (pending !== undefined) {
      chunk = pending;
      pending = undefined;
    } else {
      chunk = position < size ? await readAt(position) : Buffer.alloc(0);
    }
    if (chunk.length !== 0 && position + chunk.length < size) {
      const read = file.readChunk(position + chunk.length, chunkBytes);
      read.catch(() => undefined);
      prefetch = { at: position + chunk.length, read };
    }
    return chunk;
  };

  const check = (chunk: Buffer) => {
    // Whole characters only (utf8-check.ts): the tail of a character split by the chunk edge waits.
    const bad = utf8.check(chunk, position);
    if (bad.length !== 0) dirty.add(bad[0]!, position + chunk.length);
    // A C1 control split by the chunk edge (C2 | 80–9F) marks the previous chunk's last byte too.
    if (lastByte === 0xc2 && chunk[0]! >= 0x80 && chunk[0]! <= 0x9f) control.add(position - 1, position + chunk.length);
    else if (holdsControlUtf8(chunk)) control.add(position, position + chunk.length);
    lastByte = chunk[chunk.length - 1]!;
  };

  /** UTF-16BE: the next chunk swapped to UTF-16LE, of even length but at the end of an odd file. */
  const nextSwapped = async (): Promise<Buffer> => {
    for (;;) {
      const raw = await nextRaw();
      position += raw.length;
      const joined = swapCarry === undefined ? raw : Buffer.concat([swapCarry, raw]);
      if (raw.length === 0) {
        swapCarry = undefined;
        return joined; // empty, or an odd last byte
      }
      const even = joined.length & ~1;
      swapCarry = even < joined.length ? Buffer.from(joined.subarray(even)) : undefined;
      if (even > 0) return swap16InPlace(joined.subarray(0, even));
    }
  };

  return {
    async next() {
      if (swap) return nextSwapped();
      const chunk = await nextRaw();
      if (chunk.length !== 0 && checkUtf8) check(chunk);
      // The file ends inside a character: its held-back tail is invalid (the last record is checked).
      else if (chunk.length === 0) {
        const cut = utf8.end(position);
        if (cut.length !== 0) dirty.add(cut[0]!, position);
      }
      position += chunk.length;
      return chunk;
    },
    seek(at) {
      position = at;
      utf8 = new Utf8Checker();
      swapCarry = undefined;
      lastByte = -1;
    },
    mayBeInvalidUtf8: (start, end) => dirty.overlaps(start, end),
    mayHoldControl: (start, end) => !checkUtf8 || control.overlaps(start, end),
    async settle() {
      if (prefetch !== undefined) await prefetch.read.catch(() => undefined);
    },
  };
}
