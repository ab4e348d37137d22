/**
 * JSON array sources: one top-level array of objects, streamed with stream-json (Parser +
 * StreamArray), so an array of millions of elements is never held in memory.
 *
 * stream-json's tokens carry no position, so a small byte scanner runs on the same bytes before the
 * parser and queues the start (byte offset, line) of each top-level element; StreamArray emits the
 * elements in the same order. A syntax error is fatal (a broken array has no "next row" to go on
 * with); stream-json's message has no position, so the file is re-read with stream-json's Verifier to
 * report line and column.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import StreamJson from 'stream-json';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import Verifier from 'stream-json/utils/Verifier.js';
import { ZpetlError, type SourcePosition } from '../core/errors.js';
import type { ExtractItem } from '../core/record.js';
import { batchExtractor, emptyStats } from './batch-source.js';
import { openByteStream, openSourceFile, resolveSourcePath } from './file-access.js';
import type { JsonSource } from './source-schema.js';
import type { ExtractStats, ExtractWarning, Extractor, ExtractorOptions } from './types.js';

const BATCH = 512;

/** Queues `{byteOffset, line}` of each element of the top-level array, passing bytes through. */
class ElementScanner extends Transform {
  private starts: { byteOffset: number; line: number }[] = [];
  private head = 0;
  private offset = 0;
  private line = 1;
  private depth = 0;
  private inString = false;
  private escape = false;
  private inElement = false;

  /** The next queued element start (FIFO without Array#shift, which is O(n) on long queues). */
  next(): { byteOffset: number; line: number } | undefined {
    const s = this.starts[this.head];
    if (s === undefined) return undefined;
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.starts.length) {
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
    return s;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let { depth, inString, escape, inElement, line } = this;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 10) line++;
      if (inString) {
        if (escape) escape = false;
        else if (c === 92) escape = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (c === 32 || c === 9 || c === 10 || c === 13) continue;
      if (depth === 1 && !inElement && c !== 44 && c !== 93) {
        inElement = true;
        this.starts.push({ byteOffset: this.offset + i, line });
      }
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) depth--;
      else if (c === 44 && depth === 1) inElement = false;
    }
    Object.assign(this, { depth, inString, escape, inElement, line });
    this.offset += chunk.length;
    done(null, chunk);
  }
}

/** Finds line and column of the first syntax error with stream-json's Verifier. */
async function locateSyntaxError(absPath: string): Promise<{ line: number; column: number; message: string } | undefined> {
  try {
    await pipeline(openByteStream(absPath), Verifier.verifier());
    return undefined;
  } catch (e) {
    const err = e as { line?: number; pos?: number; message?: string };
    if (typeof err.line !== 'number') return undefined;
    return { line: err.line, column: err.pos ?? 1, message: (err.message ?? '').replace(/^ERROR at \d+ \(\d+, \d+\): /, '') };
  }
}

export function createJsonExtractor(source: JsonSource, options: ExtractorOptions): Extractor {
  const path = resolveSourcePath(options.baseDir, source.path);
  let warnings: ExtractWarning[] = [];
  let stats: ExtractStats = emptyStats();

  const readBatches = async function* (signal?: AbortSignal): AsyncGenerator<ExtractItem[]> {
    warnings = [];
    stats = emptyStats();
    const file = await openSourceFile(source.path, path); // clear not-found / unreadable errors first
    const size = file.size;
    await file.close();
    if (size === 0 || (options.startAt && options.startAt.byteOffset >= size)) {
      if (size === 0) {
        const w: ExtractWarning = { code: 'SOURCE_EMPTY', message: `${source.path} is empty: zero rows`, pos: { source: source.path, line: 1, index: 0, byteOffset: 0 } };
        warnings.push(w);
        options.onWarning?.(w);
      }
      return;
    }
    const scanner = new ElementScanner();
    // Packed values only: StreamArray assembles from them, and skipping the chunk tokens is ~30% faster.
    const parser = StreamJson.parser({ streamValues: false });
    const array = StreamArray.streamArray();
    const input = openByteStream(path);
    const chain = input.pipe(scanner).pipe(parser).pipe(array);
    const fail = (e: unknown) => chain.destroy(e as Error);
    input.on('error', fail);
    scanner.on('error', fail);
    parser.on('error', fail);
    // Resume: elements before startAt are parsed (stream-json cannot seek into an array) but not yielded.
    const skipBelow = options.startAt?.index ?? 0;
    let batch: ExtractItem[] = [];
    let index = 0;
    try {
      for await (const { value } of chain as AsyncIterable<{ key: number; value: unknown }>) {
        if (signal?.aborted) throw signal.reason;
        const start = scanner.next() ?? { byteOffset: undefined, line: 0 };
        const pos: SourcePosition = { source: source.path, line: start.line, index };
        if (start.byteOffset !== undefined) pos.byteOffset = start.byteOffset;
        index++;
        if (pos.index < skipBelow) continue;
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          stats.rejects++;
          batch.push({
            kind: 'reject',
            reject: {
              error: { code: 'SOURCE_PARSE', message: `array element ${pos.index} is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object`, field: '', value: JSON.stringify(value)?.slice(0, 200), pos },
              data: {},
            },
          });
        } else {
          stats.records++;
          batch.push({ kind: 'record', record: { data: value as Record<string, unknown>, pos } });
        }
        if (batch.length >= BATCH) {
          stats.bytesRead = start.byteOffset ?? stats.bytesRead;
          const out = batch;
          batch = [];
          yield out;
        }
      }
    } catch (e) {
      if (signal?.aborted && e === signal.reason) throw e;
      if (e instanceof ZpetlError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== undefined && code.startsWith('E')) {
        throw new ZpetlError('SOURCE_UNREADABLE', `cannot read ${source.path}: ${(e as Error).message}`, { cause: e });
      }
      const where = await locateSyntaxError(path);
      const message = where
        ? `${source.path} line ${where.line}, column ${where.column}: invalid JSON: ${where.message}`
        : `${source.path}: ${(e as Error).message.replace(/^Top-level object should be an array\.?/, 'the file must hold one JSON array of objects')}`;
      throw new ZpetlError('SOURCE_PARSE', message, {
        cause: e,
        pos: { source: source.path, line: where?.line ?? 1, index },
        details: where ? { line: where.line, column: where.column } : {},
        hint: where ? 'fix the JSON at that position (a JSON array cannot be read past a syntax error)' : 'use type: ndjson for one object per line',
      });
    } finally {
      input.destroy();
    }
    if (batch.length !== 0) yield batch;
    stats.bytesRead = size;
  };

  return batchExtractor({ source: source.path, path, readBatches, warnings: () => warnings, stats: () => stats });
}
