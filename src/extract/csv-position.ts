/**
 * Where each CSV record starts: its physical line and byte offset. This is where a reject's line
 * number comes from, and where a resume seeks to:
 * - a row csv-parse emitted gets `record(...)`'s line and byte offset as its `pos` (csv-extractor.ts),
 *   whether csv-rows.ts then makes it a record or a reject;
 * - a row csv-parse failed on (a quote left open, a record over the size guard) gets
 *   `recordStart(...)`; reading restarts at `nextLineStart` of it, on its line + 1, with a new parser
 *   (`seek`);
 * - a resume seeks to a `pos` reported earlier (`StartAt`: byte offset, line and index).
 * `zpetl init` counts lines with the same tracker (src/pipeline/file/init-template.ts).
 *
 * The tracker is pure: it does no I/O and knows nothing of csv-parse's objects. It is fed csv-parse's
 * running counters (`info.bytes`, `info.lines`, `info.empty_lines`) and each record's fields, and it
 * reads file bytes only through the `read` function it is given, for the blank lines csv-parse skipped
 * (rare). `skipBlankLines` and `nextLineStart` are pure scans over the same `read`.
 *
 * Why not csv-parse's own `info.lines`: it counts every CR and every LF byte it meets, so a CRLF inside
 * a quoted field counts twice. The rules here:
 * - a record starts where the previous one ended (csv-parse's `info.bytes`, which includes the line
 *   break), plus the blank lines csv-parse skipped since (`skip_empty_lines`): those are re-read from
 *   the file, each CRLF, LF or lone CR counting one line;
 * - its line is the previous record's last line + 1, plus those blank lines;
 * - line breaks inside quoted fields (CRLF, LF and lone CR each once) are counted from the field text,
 *   and only when csv-parse's line counter moved by more than the record's own line break and the
 *   blank lines: the common single-line record costs no scan of its fields;
 * - a BOM is not part of the first line: the tracker starts after it (`start`);
 * - byte offsets are file offsets in bytes, so multi-byte UTF-8 and UTF-16LE text is counted as
 *   stored; for UTF-16LE (`unitBytes: 2`) a line break is a code unit 0x000A / 0x000D. A UTF-16BE
 *   file is given to the tracker through a `read` that swaps each unit's bytes (csv-extractor.ts),
 *   so the tracker only knows little-endian units.
 *
 * These rules assume the parser ends a record at CRLF, LF and lone CR alike (csv-parse's
 * `record_delimiter: ['\r\n', '\n', '\r']`, or its auto-detection on a file that uses one of them).
 */

/** Reads up to `maxBytes` bytes at file offset `start` (fewer only at the end of the file). */
export type ReadBytes = (start: number, maxBytes: number) => Buffer;

/** csv-parse's running counters (`Parser#info`), counted from where that parser instance started. */
export interface CsvParseProgress {
  /** Bytes consumed up to the end of the last record (including its line break). */
  readonly bytes: number;
  /** csv-parse's line counter (every CR and LF byte counts). */
  readonly lines: number;
  /** Blank lines skipped so far (`skip_empty_lines`). */
  readonly empty_lines: number;
}

/** A physical place in the file: a 1-based line and the byte offset of its first byte. */
export interface LinePosition {
  line: number;
  byteOffset: number;
}

/** Where a record starts and ends, and how many line breaks its quoted fields hold. */
export interface RecordSpan extends LinePosition {
  /** File offset just after the record (after its line break, if any). */
  endByte: number;
  /** Line breaks inside the record's fields: the record spans `breaks + 1` lines. */
  breaks: number;
}

export interface CsvPositionTracker {
  /**
   * Where the record csv-parse is now parsing starts (after the previous record and any blank lines
   * skipped since). Call it for a record csv-parse failed on; `record` calls it for the others.
   * Calling it twice for one record gives the same answer.
   */
  recordStart(progress: CsvParseProgress): LinePosition;
  /** Accounts for a record csv-parse emitted, and returns where it lies. */
  record(progress: CsvParseProgress, fields: readonly string[]): RecordSpan;
  /** File offset where the next record may start: after the last record accounted for (or `start`). */
  readonly consumedBytes: number;
  /** Blank lines passed so far (across restarts), and the line of the first. */
  readonly blankLines: { count: number; first: number | undefined };
  /** Restarts at `at` (a fresh parser instance starts there, so `progress` counts from `at` again). */
  seek(at: LinePosition): void;
}

/** Bytes read per look at the file while scanning for line breaks. */
const SCAN_BYTES = 64 * 1024;

/** Line breaks inside field values (CRLF, LF and lone CR each count once). */
export function countBreaks(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) {
    let i = f.indexOf('\n');
    while (i !== -1) {
      n++;
      i = f.indexOf('\n', i + 1);
    }
    i = f.indexOf('\r');
    while (i !== -1) {
      if (f.charCodeAt(i + 1) !== 10) n++;
      i = f.indexOf('\r', i + 1);
    }
  }
  return n;
}

/** The code unit at `i` of `buf`: 10 (LF), 13 (CR), another char (-1), or undefined past the end. */
function unitAt(buf: Buffer, i: number, unitBytes: 1 | 2): number | undefined {
  if (i + unitBytes > buf.length) return undefined;
  if (unitBytes === 2 && buf[i + 1] !== 0) return -1;
  const c = buf[i]!;
  return c === 10 || c === 13 ? c : -1;
}

/** Whether the code unit at file offset `at` is LF (a CR's lookahead that the window did not hold). */
function lfAt(read: ReadBytes, at: number, unitBytes: 1 | 2): boolean {
  return unitAt(read(at, unitBytes), 0, unitBytes) === 10;
}

/**
 * Skips blank lines from `start`: the offset of the first code unit that is not CR or LF (or the end
 * of the file), and how many line breaks were passed (CRLF, LF and lone CR each count once).
 */
export function skipBlankLines(read: ReadBytes, start: number, unitBytes: 1 | 2): { byteOffset: number; lines: number } {
  let at = start;
  let lines = 0;
  for (;;) {
    const buf = read(at, SCAN_BYTES);
    if (buf.length < unitBytes) return { byteOffset: at, lines };
    let i = 0;
    for (; i + unitBytes <= buf.length; i += unitBytes) {
      const c = unitAt(buf, i, unitBytes);
      if (c === 10) lines++;
      else if (c === 13) {
        // A CRLF is one line break, also when the window ends between its CR and its LF.
        const next = unitAt(buf, i + unitBytes, unitBytes);
        const crlf = next === undefined ? lfAt(read, at + i + unitBytes, unitBytes) : next === 10;
        if (!crlf) lines++;
      } else return { byteOffset: at + i, lines };
    }
    at += i;
  }
}

/** Offset of the first byte after the first line break at or after `start` (or the end of the file). */
export function nextLineStart(read: ReadBytes, start: number, unitBytes: 1 | 2): number {
  let at = start;
  for (;;) {
    const buf = read(at, SCAN_BYTES);
    if (buf.length < unitBytes) return at + buf.length;
    let i = 0;
    for (; i + unitBytes <= buf.length; i += unitBytes) {
      const c = unitAt(buf, i, unitBytes);
      if (c === 10) return at + i + unitBytes;
      if (c === 13) {
        const next = unitAt(buf, i + unitBytes, unitBytes);
        const crlf = next === undefined ? lfAt(read, at + i + unitBytes, unitBytes) : next === 10;
        return at + i + (crlf ? 2 : 1) * unitBytes;
      }
    }
    at += i;
  }
}

/**
 * A position tracker for one CSV file read by csv-parse.
 * @param o.read      the file's bytes (the tracker itself does no I/O)
 * @param o.unitBytes 2 for UTF-16LE, else 1
 * @param o.start     where the first record (the header) may start: after the BOM, on line 1
 * @param o.parserOffset file offset of csv-parse's byte 0 (default `start.byteOffset`; 0 when csv-parse
 *                    strips the BOM itself with `bom: true`, since its `info.bytes` then counts the BOM)
 */
export function createCsvPositionTracker(o: { read: ReadBytes; unitBytes: 1 | 2; start: LinePosition; parserOffset?: number }): CsvPositionTracker {
  const { read, unitBytes } = o;
  // Offset of csv-parse's byte 0 in the file, for this parser instance.
  let base = o.parserOffset ?? o.start.byteOffset;
  // Where the next record may start (before blank lines), and csv-parse's counters at that point.
  // Plain numbers, not an object: this runs once per record on the hot path.
  let nextLine = o.start.line;
  let nextByte = o.start.byteOffset;
  let lastCsvLines = 0;
  let lastEmpty = 0;
  const blankLines: { count: number; first: number | undefined } = { count: 0, first: undefined };

  /** Moves past the blank lines csv-parse skipped since the last record. */
  const passBlankLines = (progress: CsvParseProgress) => {
    const empties = progress.empty_lines - lastEmpty;
    if (empties === 0) return;
    const skipped = skipBlankLines(read, nextByte, unitBytes);
    if (skipped.lines > 0) {
      blankLines.first ??= nextLine;
      blankLines.count += skipped.lines;
    }
    nextLine += skipped.lines;
    nextByte = skipped.byteOffset;
    lastEmpty = progress.empty_lines;
    // csv-parse counted one line per blank line it skipped.
    lastCsvLines += empties;
  };

  return {
    recordStart(progress) {
      passBlankLines(progress);
      return { line: nextLine, byteOffset: nextByte };
    },
    record(progress, fields) {
      passBlankLines(progress);
      const line = nextLine;
      const byteOffset = nextByte;
      // The line counter moves by one for the previous record's line break; more means breaks in fields.
      const breaks = progress.lines - lastCsvLines !== 1 ? countBreaks(fields) : 0;
      lastCsvLines = progress.lines;
      nextLine = line + breaks + 1;
      nextByte = base + progress.bytes;
      return { line, byteOffset, endByte: nextByte, breaks };
    },
    get consumedBytes() {
      return nextByte;
    },
    blankLines,
    seek(at) {
      base = at.byteOffset;
      nextLine = at.line;
      nextByte = at.byteOffset;
      lastCsvLines = 0;
      lastEmpty = 0;
    },
  };
}
