/**
 * stream-json's parser and assembler driven synchronously: each chunk's tokens are assembled as soon as
 * the parser makes them, and every element of the top-level array is handed over before the parser's
 * error (if any) is returned. Piped streams would buffer tokens between the parser and the array
 * streamer, and an error destroys the pipe with the elements still in its buffers: the records before
 * a break would be lost. The parser is stream-json 1.9's `Parser`, a Transform whose `_transform` and
 * `_flush` run to completion and report through their callback before returning; its `push` is
 * replaced by the assembler's feed, so no stream machinery runs per token.
 */
import Assembler from 'stream-json/Assembler.js';
import { setOwn } from '../core/own-property.js';
import Parser from 'stream-json/Parser.js';

interface Token {
  name: string;
  value?: unknown;
}

/** The parts of stream-json's Parser used here (its Transform implementation). */
interface SyncParser {
  push(token: Token): boolean;
  _transform(chunk: Buffer, encoding: string, done: (e?: Error | null) => void): void;
  _flush(done: (e?: Error | null) => void): void;
}

type Feed = Record<string, ((value: unknown) => void) | undefined>;

export interface JsonArrayReader {
  /** Parses the next bytes; the parser's error when they break the JSON (then stop writing). */
  write(chunk: Buffer): Error | undefined;
  /** The end of the file; the parser's error when the JSON is incomplete. */
  end(): Error | undefined;
  /** What the file's first value is: not seen yet, the array, or something else (an object, a string…). */
  readonly top: 'none' | 'array' | 'other';
  /** Whether the top-level array was closed. */
  readonly closed: boolean;
}

/** The assembler's state its value saver reads (stream-json 1.9 Assembler). */
interface AssemblerState {
  done: boolean;
  current: unknown;
  key: string | null;
  _saveValue(value: unknown): void;
  stringValue(value: unknown): void;
}

/**
 * The assembler sets a property by assignment, so a `"__proto__"` key replaced the object's prototype
 * (its data then read through inheritance) or vanished, where JSON.parse (NDJSON) keeps it as an own
 * property. This keeps it as data, like JSON.parse; every other key goes the assembler's own way.
 */
function keepProtoKeys(asm: Assembler): void {
  const state = asm as unknown as AssemblerState;
  const save = state._saveValue;
  state._saveValue = state.stringValue = function (this: AssemblerState, value: unknown) {
    if (this.key === '__proto__' && !this.done && !Array.isArray(this.current)) {
      setOwn(this.current as Record<string, unknown>, this.key, value);
      this.key = null;
      return;
    }
    save.call(this, value);
  };
}

/** A reader that calls `onElement` with each element of the top-level array, in order. */
export function createJsonArrayReader(onElement: (value: unknown) => void): JsonArrayReader {
  // Packed values only: the assembler builds from them, and no chunk tokens are made.
  const parser = Parser.parser({ streamValues: false }) as unknown as SyncParser;
  const asm = new Assembler();
  keepProtoKeys(asm);
  const feed = asm as unknown as Feed;
  let top: JsonArrayReader['top'] = 'none';
  let closed = false;
  parser.push = (token) => {
    if (top === 'array') {
      if (closed) return true;
      const f = feed[token.name];
      if (f === undefined) return true;
      f.call(asm, token.value);
      const depth = asm.depth;
      if (depth === 1) {
        const current = asm.current as unknown[];
        if (current.length !== 0) onElement(current.pop());
      } else if (depth === 0) closed = true;
    } else if (top === 'none') {
      if (token.name === 'startArray') {
        top = 'array';
        feed['startArray']!.call(asm, undefined);
      } else top = 'other';
    }
    return true;
  };
  const run = (step: (done: (e?: Error | null) => void) => void): Error | undefined => {
    let error: Error | undefined;
    step((e) => {
      if (e) error = e;
    });
    return error;
  };
  return {
    write: (chunk) => run((done) => parser._transform(chunk, 'buffer', done)),
    end: () => run((done) => parser._flush(done)),
    get top() {
      return top;
    },
    get closed() {
      return closed;
    },
  };
}
