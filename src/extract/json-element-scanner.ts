/**
 * Where each element of a JSON file's top-level array starts. stream-json's tokens carry no position,
 * so this byte scanner sees the same bytes before the parser does and queues, for each top-level
 * element, its byte offset, line and column; the parser's elements come out in the same order. It also
 * marks an element that may hold a control character (a raw C1 lead byte, DEL, a raw C0 byte, or an
 * escape `\u000x`, `\u001x`, `\u007x`, `\u008x`, `\u009x`), so only those are walked for the
 * control-character rule (core/control-chars.ts): a clean element costs nothing more.
 *
 * Columns count code points from 1 (UTF-8 continuation bytes are not counted), as an editor shows them.
 * The scanner trusts the bytes to be JSON: after a syntax error its queue means nothing (the extractor
 * stops there), and json-break.ts says what broke.
 */

/** The start of one top-level element. */
export interface ElementStart {
  byteOffset: number;
  line: number;
  column: number;
  /** Set when the element's strings may hold a control character (walk its value to know). */
  mayHoldControl?: true;
  /** File offset of the element's first byte that is not UTF-8 (utf8-check.ts), when it has one. */
  invalidUtf8?: number;
  /** File offset of the separator after the element (`,` or the closing `]`), once scanned. */
  end?: number;
}

const LF = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const CLOSE_ARRAY = 93;

export class ElementScanner {
  private starts: ElementStart[] = [];
  private head = 0;
  private current: ElementStart | undefined;
  private offset: number;
  private line = 1;
  /** Byte offset of the current line's first byte, and continuation bytes seen on it since. */
  private lineStart: number;
  private continuation = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Inside `\uXXXX`: 1 after the `u`, then one more per hex digit that may still lead to a control. */
  private unicode = 0;
  private inElement = false;
  /** Whether a byte other than whitespace was seen (a file of only whitespace is empty). */
  content = false;

  /** `startOffset`: the file offset of the first byte scanned (after a byte-order mark). */
  constructor(startOffset = 0) {
    this.offset = startOffset;
    this.lineStart = startOffset;
  }

  /** The next queued element start (FIFO without Array#shift, which is O(n) on long queues). */
  next(): ElementStart | undefined {
    const s = this.starts[this.head];
    if (s === undefined) return undefined;
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.starts.length) {
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
    return s;
  }

  /**
   * Marks the element still queued that holds file offset `at` (a byte that is not UTF-8). Bytes outside
   * every element break the JSON anyway, and are left to the parser.
   */
  markInvalidUtf8(at: number): void {
    for (let i = this.starts.length - 1; i >= this.head; i--) {
      const s = this.starts[i]!;
      if (s.byteOffset <= at) {
        if (s.end === undefined || at < s.end) s.invalidUtf8 ??= at;
        return;
      }
    }
  }

  /** Scans the next bytes of the file. */
  scan(chunk: Buffer): void {
    let { depth, inString, escape, unicode, inElement, line, lineStart, continuation, content } = this;
    const base = this.offset;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (unicode !== 0) {
          // \u00 then 0, 1, 7, 8 or 9: U+0000–U+001F or U+0070–U+009F (DEL and the C1 controls among them).
          if (unicode < 3) unicode = c === 48 ? unicode + 1 : 0;
          else {
            if (c === 48 || c === 49 || c === 55 || c === 56 || c === 57) this.current!.mayHoldControl = true;
            unicode = 0;
          }
        } else if (escape) {
          escape = false;
          if (c === 117 && this.current) unicode = 1;
        } else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) inString = false;
        else if (c >= 0x7f) {
          if ((c & 0xc0) === 0x80) continuation++;
          // 0xC2 leads U+0080–U+00BF, the C1 controls among them.
          else if ((c === 0xc2 || c === 0x7f) && this.current) this.current.mayHoldControl = true;
        } else if (c < 0x20) {
          if (this.current) this.current.mayHoldControl = true;
          if (c === LF) {
            line++;
            lineStart = base + i + 1;
            continuation = 0;
          }
        }
        continue;
      }
      if (c === 32 || c === 9 || c === 13) continue;
      if (c === LF) {
        line++;
        lineStart = base + i + 1;
        continuation = 0;
        continue;
      }
      content = true;
      if (depth === 1 && !inElement && c !== COMMA && c !== CLOSE_ARRAY) {
        inElement = true;
        const at = base + i;
        this.current = { byteOffset: at, line, column: at - lineStart - continuation + 1 };
        this.starts.push(this.current);
      }
      if (c === QUOTE) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === CLOSE_ARRAY) {
        if (--depth === 0 && inElement) this.current!.end = base + i;
      } else if (c === COMMA && depth === 1) {
        inElement = false;
        if (this.current) this.current.end = base + i;
      }
    }
    Object.assign(this, { depth, inString, escape, unicode, inElement, line, lineStart, continuation, content });
    this.offset = base + chunk.length;
  }
}
