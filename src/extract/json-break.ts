/**
 * Where a JSON array breaks and what was expected there, in plain words. stream-json's parser says that
 * the input broke but not where, and in its own terms ("Parser cannot parse input: expected a value");
 * this reads the bytes from a point known to be good (the start of the last element read, or the start
 * of the file) with a small JSON grammar (RFC 8259) and stops at the first byte it cannot accept: its
 * line, its column (code points from 1) and what a reader fixing the file needs to know. Only the failure
 * path runs it, over the bytes since that point: never a second pass over the file.
 */

/** A point the grammar starts from: the file's start (`top`) or the start of an element of the top-level array. */
export interface BreakScanStart {
  byteOffset: number;
  line: number;
  column: number;
  at: 'top' | 'element';
}

export type JsonBreak =
  | { kind: 'break'; byteOffset: number; line: number; column: number; message: string }
  /** The file's first value is not an array (an object, a string…). */
  | { kind: 'not-array'; byteOffset: number; line: number; column: number; found: string };

/** Reads up to `bytes` bytes at `offset` (fewer at the end of the file). */
export type ReadAt = (offset: number, bytes: number) => Buffer;

const READ_BYTES = 64 * 1024;
const TRUNCATED = 'the file ends inside the array: is it truncated?';

/** Bytes from a start offset with line and column kept, read on demand. */
class Cursor {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart: number;
  offset: number;
  line: number;
  column: number;

  constructor(
    private readonly read: ReadAt,
    start: BreakScanStart,
  ) {
    this.bufStart = start.byteOffset;
    this.offset = start.byteOffset;
    this.line = start.line;
    this.column = start.column;
  }

  /** The byte at the cursor, or -1 at the end of the file. */
  peek(): number {
    let i = this.offset - this.bufStart;
    if (i < 0 || i >= this.buf.length) {
      this.bufStart = this.offset;
      this.buf = this.read(this.offset, READ_BYTES);
      i = 0;
    }
    return i < this.buf.length ? this.buf[i]! : -1;
  }

  advance(): void {
    const c = this.peek();
    this.offset++;
    if (c === 10) {
      this.line++;
      this.column = 1;
    } else if ((c & 0xc0) !== 0x80) this.column++;
  }

  /** The character at the cursor for a message: `'x'`, `'\u0001'`, or `the end of the file`. */
  found(): string {
    const c = this.peek();
    if (c === -1) return 'the end of the file';
    if (c < 0x20 || c === 0x7f) return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    const bytes = Buffer.from(this.read(this.offset, 4));
    const ch = [...bytes.toString('utf8')][0] ?? '?';
    // A byte that starts no UTF-8 character decodes to U+FFFD: name the byte instead.
    if (ch === '\ufffd' && !(bytes[0] === 0xef && bytes[1] === 0xbf && bytes[2] === 0xbd)) return `byte 0x${c.toString(16).toUpperCase()} (not UTF-8)`;
    return `'${ch}'`;
  }
}

/** What is at the cursor after "unexpected": `character 'x'`, `character U+0001`, `byte 0xFF (not UTF-8)`. */
const unexpected = (cur: Cursor) => {
  const f = cur.found();
  return f.startsWith('byte') ? f : `character ${f}`;
};
const isWs = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isDigit = (c: number) => c >= 48 && c <= 57;
const ch = (c: number) => String.fromCharCode(c);

/**
 * The first place the bytes from `start` stop being JSON, or undefined when they are JSON to the end
 * (`start.at === 'element'`: as the rest of an array whose earlier part was good).
 */
export function findJsonBreak(read: ReadAt, start: BreakScanStart): JsonBreak | undefined {
  const cur = new Cursor(read, start);
  const fail = (message: string): JsonBreak => ({ kind: 'break', byteOffset: cur.offset, line: cur.line, column: cur.column, message });
  const skipWs = () => {
    while (isWs(cur.peek())) cur.advance();
  };
  // The open containers ('[' or '{'), and what the next token must be.
  const stack: number[] = [];
  let state: 'value' | 'key' | 'colon' | 'after' | 'end';
  let after: string; // what preceded the expected value or key: '[', '{', ',', ':'
  if (start.at === 'top') {
    skipWs();
    if (cur.peek() !== 91) return { kind: 'not-array', byteOffset: cur.offset, line: cur.line, column: cur.column, found: cur.found() };
    cur.advance();
    stack.push(91);
    state = 'value';
    after = '[';
  } else {
    stack.push(91);
    state = 'value';
    after = ',';
  }
  let key = '';
  for (;;) {
    skipWs();
    const c = cur.peek();
    if (c === -1) return state === 'end' ? undefined : fail(TRUNCATED);
    if (state === 'end') return fail(`content after the array's end: ${cur.found()}`);
    if (state === 'after') {
      const top = stack[stack.length - 1]!;
      const close = top === 91 ? 93 : 125;
      if (c === 44) {
        cur.advance();
        state = top === 91 ? 'value' : 'key';
        after = ',';
      } else if (c === close) {
        cur.advance();
        stack.pop();
        state = stack.length === 0 ? 'end' : 'after';
      } else if (top === 91) return fail(`expected ',' or ']' after an array element, found ${cur.found()}`);
      else return fail(`expected ',' or '}' after a property's value, found ${cur.found()}${c === 34 ? ' (a missing comma?)' : ''}`);
      continue;
    }
    if (state === 'colon') {
      if (c !== 58) return fail(`expected ':' after the property name "${key}", found ${cur.found()}`);
      cur.advance();
      state = 'value';
      after = ':';
      continue;
    }
    if (state === 'key') {
      if (c === 34) {
        const problem = readString(cur, (s) => (key = s));
        if (problem) return fail(problem);
        state = 'colon';
      } else if (c === 125 && after === '{') {
        cur.advance();
        stack.pop();
        state = 'after';
      } else if (c === 125) return fail("a trailing comma before '}'");
      else return fail(`expected a property name in double quotes after '${after}', found ${cur.found()}`);
      continue;
    }
    // state === 'value'
    if (c === 123 || c === 91) {
      cur.advance();
      stack.push(c);
      state = c === 123 ? 'key' : 'value';
      after = ch(c);
    } else if (c === 93 && after === '[') {
      cur.advance();
      stack.pop();
      state = stack.length === 0 ? 'end' : 'after';
    } else if ((c === 93 || c === 125) && after === ',') return fail(`a trailing comma before '${ch(c)}'`);
    else if (c === 44 || c === 58 || c === 93 || c === 125) return fail(`expected a value after '${after}'`);
    else if (c === 34) {
      const problem = readString(cur);
      if (problem) return fail(problem);
      state = 'after';
    } else if (c === 45 || isDigit(c)) {
      const problem = readNumber(cur);
      if (problem) return fail(problem);
      state = 'after';
    } else if (c === 116 || c === 102 || c === 110) {
      const word = c === 116 ? 'true' : c === 102 ? 'false' : 'null';
      const at = { offset: cur.offset, line: cur.line, column: cur.column };
      for (let i = 0; i < word.length; i++) {
        if (cur.peek() !== word.charCodeAt(i)) {
          if (cur.peek() === -1) return fail(TRUNCATED);
          Object.assign(cur, at);
          return fail(`unexpected ${unexpected(cur)} where a value should be (after '${after}'; the words JSON knows are true, false and null)`);
        }
        cur.advance();
      }
      state = 'after';
    } else if (c === 39) return fail(`a string in single quotes after '${after}' (JSON strings take double quotes)`);
    else return fail(`unexpected ${unexpected(cur)} where a value should be (after '${after}')`);
    if (state === 'after' && stack.length === 0) state = 'end';
  }
}

/** Reads a string at the cursor (on its opening quote); a problem's text, or undefined. */
function readString(cur: Cursor, keep?: (s: string) => void): string | undefined {
  cur.advance();
  const text: number[] = [];
  for (;;) {
    const c = cur.peek();
    if (c === -1) return TRUNCATED;
    if (c === 34) {
      cur.advance();
      keep?.(Buffer.from(text).toString('utf8'));
      return undefined;
    }
    if (c === 10 || c === 13) return "an unterminated string (a line break before its closing '\"')";
    if (c < 0x20) return `a raw control character ${cur.found()} inside a string (JSON needs it escaped, e.g. \\u${c.toString(16).padStart(4, '0')})`;
    if (c === 92) {
      cur.advance();
      const e = cur.peek();
      if (e === -1) return TRUNCATED;
      if (e === 117) {
        cur.advance();
        for (let i = 0; i < 4; i++) {
          const h = cur.peek();
          if (!(isDigit(h) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102))) return h === -1 ? TRUNCATED : `an invalid escape in a string: \\u needs four hex digits, found ${cur.found()}`;
          cur.advance();
        }
        continue;
      }
      if (!'"\\/bfnrt'.includes(ch(e))) return `an invalid escape in a string: \\${ch(e)} (JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)`;
    }
    if (keep && text.length < 200) text.push(c);
    cur.advance();
  }
}

/** Reads a number at the cursor (RFC 8259 §6); a problem's text, or undefined. */
function readNumber(cur: Cursor): string | undefined {
  const digits = (): number => {
    let n = 0;
    while (isDigit(cur.peek())) {
      cur.advance();
      n++;
    }
    return n;
  };
  const malformed = () => (cur.peek() === -1 ? TRUNCATED : `a malformed number: found ${cur.found()} where a digit should be`);
  if (cur.peek() === 45) cur.advance();
  if (cur.peek() === 48) cur.advance();
  else if (digits() === 0) return malformed();
  if (cur.peek() === 46) {
    cur.advance();
    if (digits() === 0) return malformed();
  }
  if (cur.peek() === 69 || cur.peek() === 101) {
    cur.advance();
    if (cur.peek() === 43 || cur.peek() === 45) cur.advance();
    if (digits() === 0) return malformed();
  }
  return undefined;
}
