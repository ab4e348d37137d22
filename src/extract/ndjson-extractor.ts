/**
 * NDJSON sources: one JSON object per line, UTF-8. Lines are split here rather than by stream-json's
 * jsonl parser, which has no positions and either stops at the first bad line or drops it silently:
 * we need the line number and byte offset of every record, and a bad line must be a reject with its
 * line while reading goes on. Each line is parsed with JSON.parse. Blank lines are skipped (one
 * SOURCE_BLANK_LINES warning at the end says how many). A line longer than 16 MiB is rejected without
 * being held in memory.
 *
 * The file's first bytes are checked as a JSON file's are (json-text-head.ts: a UTF-8 byte-order mark
 * skipped, UTF-16 and binary files refused); a line that is not UTF-8 is a reject. A line whose strings
 * hold a control character is a reject or is cleaned (json-control-chars.ts); the walk runs only when
 * the line's bytes may hold one (bytesMayHoldControl, asked once per chunk and then per line only in a
 * chunk that may), so clean lines cost nothing.
 */
import { isUtf8 } from 'node:buffer';
import { clip, type ExtractItem } from '../core/record.js';
import type { ErrorCode, SourcePosition } from '../core/errors.js';
import { fileExtractor } from './batch-source.js';
import { hasControlChar, removedControlChars, stripControlChars } from '../core/control-chars.js';
import { DEFAULT_CHUNK_BYTES } from './csv-extractor.js';
import { bytesMayHoldControl, jsonRecordItem, where } from './json-control-chars.js';
import { jsonTextStart, TEXT_HEAD_BYTES } from './json-text-head.js';
import { blankLinesNotice, emptyNotice, noRecordsNotice } from './source-notices.js';
import type { NdjsonSource } from './source-schema.js';
import type { Extractor, ExtractorOptions } from './types.js';

export const MAX_NDJSON_LINE_BYTES = 16 * 1024 * 1024;

export function createNdjsonExtractor(source: NdjsonSource, options: ExtractorOptions): Extractor {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const policy = source.controlCharacters;
  return fileExtractor(source.path, options, async function* (file, { signal, stats, warn }): AsyncGenerator<ExtractItem[]> {
    const size = file.size;
    const bom = jsonTextStart(await file.readChunk(0, Math.min(size, TEXT_HEAD_BYTES)), source.path, 'NDJSON');
    if (size === bom) {
      warn(emptyNotice(source.path, 'json'));
      return;
    }
    let position = options.startAt?.byteOffset ?? bom;
    let firstBlank: SourcePosition | undefined;
    let line = options.startAt?.line ?? 1;
    let index = options.startAt?.index ?? 0;
    // The current line: its start offset and the bytes seen so far (parts), or too long to keep.
    let lineStart = position;
    let parts: Buffer[] = [];
    let partBytes = 0;
    let tooLong = false;
    let batch: ExtractItem[] = [];

    const reject = (code: ErrorCode, message: string, pos: SourcePosition, value: unknown, raw?: string) => {
      stats.rejects++;
      batch.push({ kind: 'reject', reject: { error: { code, message, field: '', value: clip(value), pos }, data: {}, ...(raw === undefined ? {} : { raw }) } });
    };

    // `clean`: the line lies in a chunk that bytesMayHoldControl found clean, so it needs no check of its own.
    const finishLine = (bytes: Buffer | undefined, clean = false) => {
      const here = line++;
      if (tooLong) {
        const pos = { source: source.path, line: here, index: index++, byteOffset: lineStart };
        reject('SOURCE_FIELD_TOO_LONG', `line is over ${MAX_NDJSON_LINE_BYTES} bytes`, pos, undefined);
        return;
      }
      let buf = bytes!;
      let end = buf.length;
      if (end > 0 && buf[end - 1] === 13) end--;
      let begin = 0;
      while (begin < end && (buf[begin] === 32 || buf[begin] === 9)) begin++;
      if (begin === end) {
        stats.blankRows++;
        firstBlank ??= { source: source.path, line: here, index, byteOffset: lineStart };
        return;
      }
      buf = buf.subarray(0, end);
      const pos: SourcePosition = { source: source.path, line: here, index: index++, byteOffset: lineStart };
      const text = buf.toString('utf8');
      if (!isUtf8(buf)) {
        reject('SOURCE_INVALID_ENCODING', 'line holds bytes that are not valid UTF-8', pos, text, text);
        return;
      }
      let value: unknown;
      let rawStripped: { removed: number; found: string[] } | undefined;
      try {
        value = JSON.parse(text);
      } catch (e) {
        // JSON allows no raw C0 control in a string; a line that breaks only on those is the rule's case.
        const cleaned = hasControlChar(text) ? stripControlChars(text) : undefined;
        if (cleaned === undefined || !parses(cleaned.text)) {
          reject('SOURCE_PARSE', `invalid JSON: ${(e as Error).message}`, pos, text, text);
          return;
        }
        if (policy === 'reject') {
          reject('SOURCE_CONTROL_CHARACTER', `line holds ${where(text)}, unescaped (JSON needs it escaped, e.g. \\u0000)`, pos, text, text);
          return;
        }
        value = JSON.parse(cleaned.text);
        rawStripped = cleaned;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        reject('SOURCE_PARSE', `line holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a JSON object`, pos, text, text);
        return;
      }
      const item = rawStripped !== undefined || (!clean && bytesMayHoldControl(buf)) ? jsonRecordItem(value as Record<string, unknown>, pos, policy, text) : { kind: 'record' as const, record: { data: value as Record<string, unknown>, pos } };
      if (item.kind === 'reject') {
        stats.rejects++;
        batch.push(item);
        return;
      }
      if (rawStripped !== undefined) {
        (item.record.warnings ??= []).push({ code: 'SOURCE_CONTROL_STRIPPED', message: `removed ${removedControlChars(rawStripped.removed, rawStripped.found)}, unescaped, from the line`, field: '', pos });
      }
      stats.records++;
      batch.push(item);
    };

    // One chunk of read-ahead (see csv-chunks.ts).
    let ahead: Promise<Buffer> | undefined;
    while (position < size) {
      if (signal?.aborted) throw signal.reason;
      const chunk = await (ahead ?? file.readChunk(position, chunkBytes));
      const chunkClean = !bytesMayHoldControl(chunk);
      ahead = undefined;
      if (chunk.length === 0) break;
      if (position + chunk.length < size) {
        ahead = file.readChunk(position + chunk.length, chunkBytes);
        ahead.catch(() => undefined);
      }
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(10, from);
        if (nl === -1) {
          const rest = chunk.subarray(from);
          if (!tooLong) {
            partBytes += rest.length;
            if (partBytes > MAX_NDJSON_LINE_BYTES) {
              tooLong = true;
              parts = [];
            } else parts.push(rest);
          }
          break;
        }
        const piece = chunk.subarray(from, nl);
        if (!tooLong && partBytes + piece.length > MAX_NDJSON_LINE_BYTES) tooLong = true;
        finishLine(tooLong ? undefined : parts.length === 0 ? piece : Buffer.concat([...parts, piece]), chunkClean && parts.length === 0);
        parts = [];
        partBytes = 0;
        tooLong = false;
        from = nl + 1;
        lineStart = position + from;
      }
      position += chunk.length;
      stats.bytesRead = position;
      if (batch.length !== 0) {
        const out = batch;
        batch = [];
        yield out;
      }
    }
    if (partBytes > 0 || tooLong) finishLine(tooLong ? undefined : Buffer.concat(parts));
    if (batch.length !== 0) yield batch;
    await ahead?.catch(() => undefined);
    // On a resume the records were before it (no SOURCE_NO_RECORDS); the blank lines counted are those after it.
    if (!options.startAt && stats.records + stats.rejects === 0) warn(noRecordsNotice(source.path, 'ndjson'));
    if (firstBlank !== undefined) warn(blankLinesNotice(source.path, stats.blankRows, firstBlank, options.startAt?.line));
  });
}

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
