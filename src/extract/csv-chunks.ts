/**
 * The chunks the CSV reader feeds to csv-parse: positioned reads with one chunk of read-ahead, and
 * UTF-8 validation per chunk (the ranges of chunks that fail it are kept, so that only records
 * overlapping them are checked field by field).
 */
import { isUtf8 } from 'node:buffer';
import type { SourceFile } from './file-access.js';

/** Bytes at the end of `buf` that start a UTF-8 sequence the buffer does not complete. */
function incompleteUtf8Tail(buf: Buffer): number {
  const len = buf.length;
  for (let back = 1; back <= Math.min(3, len); back++) {
    const b = buf[len - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
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
  /** Waits for an outstanding read-ahead, so the caller may close the file. */
  settle(): Promise<void>;
}

/**
 * Chunks of `file` from `start`. `head` (the file's first bytes, already read) is the first chunk
 * unless it is longer than `chunkBytes`. `checkUtf8` turns the UTF-8 validation on.
 */
export function createCsvChunks(file: SourceFile, o: { head: Buffer; start: number; chunkBytes: number; checkUtf8: boolean }): CsvChunks {
  const { chunkBytes, checkUtf8 } = o;
  const size = file.size;
  let position = o.start;
  // The head doubles as the first chunk unless chunks are smaller (tests use tiny chunks to hit every edge).
  let pending: Buffer | undefined = o.head.length > o.start && o.head.length <= chunkBytes ? o.head.subarray(o.start) : undefined;
  // Byte ranges of chunks that failed UTF-8 validation; records overlapping them are checked.
  const dirty: [number, number][] = [];
  let utf8Carry: Buffer | undefined;

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

  return {
    async next() {
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
      if (chunk.length !== 0 && checkUtf8) {
        // Validate whole characters only: the tail of a character split by the chunk edge waits.
        const tail = incompleteUtf8Tail(chunk);
        const body = utf8Carry ? Buffer.concat([utf8Carry, chunk.subarray(0, chunk.length - tail)]) : chunk.subarray(0, chunk.length - tail);
        if (!isUtf8(body)) dirty.push([position - (utf8Carry?.length ?? 0), position + chunk.length]);
        utf8Carry = tail > 0 ? Buffer.from(chunk.subarray(chunk.length - tail)) : undefined;
      }
      position += chunk.length;
      return chunk;
    },
    seek(at) {
      position = at;
      utf8Carry = undefined;
    },
    mayBeInvalidUtf8(start, end) {
      if (dirty.length === 0) return false;
      while (dirty.length !== 0 && dirty[0]![1] <= start) dirty.shift();
      return dirty.length !== 0 && dirty[0]![0] < end;
    },
    async settle() {
      if (prefetch !== undefined) await prefetch.read.catch(() => undefined);
    },
  };
}
