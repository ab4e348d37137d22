/**
 * JSON array sources: one top-level array of objects, UTF-8, streamed element by element so an array of
 * millions of elements is never held in memory.
 *
 * Each chunk read goes through three pieces in turn: json-text-head.ts checks the file's first bytes
 * (a UTF-8 byte-order mark skipped; UTF-16 and binary files refused), json-element-scanner.ts queues
 * where each top-level element starts (stream-json's tokens carry no position), and
 * json-array-reader.ts parses it with stream-json and hands over the elements. An element that is not an
 * object is a reject, as is one holding bytes that are not UTF-8 (utf8-check.ts); one holding a control
 * character is a reject or is cleaned (json-control-chars.ts).
 *
 * A syntax error ends the read (a broken array has no "next row" to go on with), but only after the
 * elements before it: they are yielded, then one SOURCE_PARSE error says in plain words where the array
 * breaks and what was expected there (json-break.ts, reading from the last good element).
 */
import { ZpetlError, type SourcePosition } from '../core/errors.js';
import { clip, type ExtractItem } from '../core/record.js';
import { SOURCE_BREAK_DETAILS } from '../core/source-break.js';
import { fileExtractor } from './batch-source.js';
import { DEFAULT_CHUNK_BYTES } from './csv-extractor.js';
import { createJsonArrayReader } from './json-array-reader.js';
import { findJsonBreak, type BreakScanStart } from './json-break.js';
import { jsonRecordItem } from './json-control-chars.js';
import { ElementScanner, type ElementStart } from './json-element-scanner.js';
import { jsonTextStart, TEXT_HEAD_BYTES } from './json-text-head.js';
import { emptyNotice, noRecordsNotice } from './source-notices.js';
import { Utf8Checker } from './utf8-check.js';
import type { SourceFile } from './file-access.js';
import type { JsonSource } from './source-schema.js';
import type { Extractor, ExtractorOptions } from './types.js';

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`);

const NOT_ARRAY_HINT = 'put the objects in one array, [ {…}, {…} ], or use type: ndjson for one object per line';

export function createJsonExtractor(source: JsonSource, options: ExtractorOptions): Extractor {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const policy = source.controlCharacters;
  return fileExtractor(source.path, options, async function* (file, { signal, stats, warn }): AsyncGenerator<ExtractItem[]> {
    const size = file.size;
    const bom = jsonTextStart(await file.readChunk(0, Math.min(size, TEXT_HEAD_BYTES)), source.path, 'JSON');
    if (size === bom) {
      warn(emptyNotice(source.path, 'json'));
      return;
    }
    // Resume: elements before startAt are parsed (stream-json cannot seek into an array) but not yielded.
    const skipBelow = options.startAt?.index ?? 0;
    const scanner = new ElementScanner(bom);
    const utf8 = new Utf8Checker();
    let batch: ExtractItem[] = [];
    let index = 0;
    let last: ElementStart | undefined;
    const reader = createJsonArrayReader((value) => {
      const start = scanner.next();
      last = start ?? last;
      const pos: SourcePosition = { source: source.path, line: start?.line ?? 0, index };
      if (start !== undefined) pos.byteOffset = start.byteOffset;
      index++;
      if (pos.index < skipBelow) return;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        stats.rejects++;
        const message = `array element ${pos.index} is ${kindOf(value)}, not an object`;
        batch.push({ kind: 'reject', reject: { error: { code: 'SOURCE_PARSE', message, field: '', value: clip(JSON.stringify(value)), pos }, data: {} } });
        return;
      }
      if (start?.invalidUtf8 !== undefined) {
        stats.rejects++;
        const message = `array element ${pos.index} holds bytes that are not valid UTF-8 (the first at byte offset ${start.invalidUtf8}); JSON files must be UTF-8`;
        batch.push({ kind: 'reject', reject: { error: { code: 'SOURCE_INVALID_ENCODING', message, field: '', pos }, data: value as Record<string, unknown> } });
        return;
      }
      const item = start?.mayHoldControl ? jsonRecordItem(value as Record<string, unknown>, pos, policy) : { kind: 'record' as const, record: { data: value as Record<string, unknown>, pos } };
      if (item.kind === 'record') stats.records++;
      else stats.rejects++;
      batch.push(item);
    });

    let position = bom;
    let error: Error | undefined;
    // One chunk of read-ahead (see csv-chunks.ts).
    let ahead: Promise<Buffer> | undefined;
    try {
      while (position < size && error === undefined) {
        if (signal?.aborted) throw signal.reason;
        const chunk = await (ahead ?? file.readChunk(position, chunkBytes));
        ahead = undefined;
        if (chunk.length === 0) break;
        if (position + chunk.length < size) {
          ahead = file.readChunk(position + chunk.length, chunkBytes);
          ahead.catch(() => undefined);
        }
        scanner.scan(chunk);
        for (const at of utf8.check(chunk, position)) scanner.markInvalidUtf8(at);
        error = reader.write(chunk);
        position += chunk.length;
        if (reader.top === 'other') break;
        if (error === undefined) stats.bytesRead = position;
        if (batch.length !== 0) {
          const out = batch;
          batch = [];
          yield out;
        }
      }
      if (error === undefined && reader.top !== 'other') {
        for (const at of utf8.end(position)) scanner.markInvalidUtf8(at);
        error = reader.end();
      }
    } finally {
      await ahead?.catch(() => undefined);
    }
    if (batch.length !== 0) {
      const out = batch;
      batch = [];
      yield out;
    }
    if (!scanner.content) {
      warn(emptyNotice(source.path, 'json'));
      return;
    }
    if (error !== undefined || reader.top === 'other') throw brokenArray(file, source.path, bom, last, index);
    stats.bytesRead = size;
    if (index === 0 && !options.startAt) warn(noRecordsNotice(source.path, 'json'));
  });
}

/** The one error for a file that is not one well-formed JSON array: where it breaks and why, in plain words. */
function brokenArray(file: SourceFile, source: string, bom: number, last: ElementStart | undefined, elementsRead: number): ZpetlError {
  const from: BreakScanStart = last ? { ...last, at: 'element' } : { byteOffset: bom, line: 1, column: 1, at: 'top' };
  const found = findJsonBreak((offset, bytes) => file.readSync(offset, bytes), from);
  const pos: SourcePosition = { source, line: found?.line ?? 1, index: elementsRead, byteOffset: found?.byteOffset ?? bom };
  if (found?.kind === 'not-array') {
    return new ZpetlError('SOURCE_PARSE', `${source}: the file must hold one JSON array of objects; it starts with ${found.found} at line ${found.line}, column ${found.column}`, {
      pos,
      details: { line: found.line, column: found.column, recordsRead: 0 },
      hint: NOT_ARRAY_HINT,
    });
  }
  const before = `${elementsRead} element(s) before the break were read`;
  // stream-json and our grammar disagree only on input neither should accept; say where reading stopped.
  const what = found ? `breaks at line ${found.line}, column ${found.column}: ${found.message}` : `cannot be read to its end (after element ${elementsRead})`;
  return new ZpetlError('SOURCE_PARSE', `${source}: the JSON array ${what}`, {
    pos,
    details: { ...(found ? { line: found.line, column: found.column, byteOffset: found.byteOffset } : {}), recordsRead: elementsRead, ...SOURCE_BREAK_DETAILS },
    hint: `${before}; fix the JSON at that position and run again (a JSON array cannot be read past a syntax error)`,
  });
}
