import { describe, expect, it } from 'vitest';
import { findJsonBreak, type BreakScanStart } from '../../../src/extract/json-break.js';

const TOP: BreakScanStart = { byteOffset: 0, line: 1, column: 1, at: 'top' };

/** What findJsonBreak says of `text` read from its start, or from `from`. */
function breakOf(text: string, from: BreakScanStart = TOP) {
  const bytes = Buffer.from(text);
  // A small read size would do too: the cursor refills; 3 bytes at a time proves it.
  return findJsonBreak((offset, n) => bytes.subarray(offset, offset + Math.min(n, 3)), from);
}

describe('findJsonBreak: where a JSON array breaks and what was expected, in plain words', () => {
  it.each([
    ['[{"a":1},,{"b":1}]', 1, 10, "expected a value after ','"],
    ['[,', 1, 2, "expected a value after '['"],
    ['[{"a":}]', 1, 7, "expected a value after ':'"],
    ['[{"a":1},', 1, 10, 'the file ends inside the array: is it truncated?'],
    ['[{"a":"x', 1, 9, 'the file ends inside the array: is it truncated?'],
    ['[{"a": nu', 1, 10, 'the file ends inside the array: is it truncated?'],
    ['[{"a": -1.', 1, 11, 'the file ends inside the array: is it truncated?'],
    ['[{"a":1},]', 1, 10, "a trailing comma before ']'"],
    ['[{"a":1,}]', 1, 9, "a trailing comma before '}'"],
    ['[{a:1}]', 1, 3, "expected a property name in double quotes after '{', found 'a'"],
    ['[{"a" 1}]', 1, 7, 'expected \':\' after the property name "a", found \'1\''],
    ['[{"a":1 "b":2}]', 1, 9, "expected ',' or '}' after a property's value, found '\"' (a missing comma?)"],
    ['[{"a":1} {"b":2}]', 1, 10, "expected ',' or ']' after an array element, found '{'"],
    ['[{"a":1}] x', 1, 11, "content after the array's end: 'x'"],
    ['[1, tru]', 1, 5, "unexpected character 't' where a value should be (after ','; the words JSON knows are true, false and null)"],
    ["[{\"a\":'x'}]", 1, 7, "a string in single quotes after ':' (JSON strings take double quotes)"],
    ['[{"a":"x\\q"}]', 1, 10, 'an invalid escape in a string: \\q (JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)'],
    ['[{"a":"line\nbreak"}]', 1, 12, 'an unterminated string (a line break before its closing \'"\')'],
    ['[{"a":"tab\u0001"}]', 1, 11, 'a raw control character U+0001 inside a string (JSON needs it escaped, e.g. \\u0001)'],
    ['[{"a":-}]', 1, 8, "a malformed number: found '}' where a digit should be"],
    ['[\n  {"a": 1},\n  @', 3, 3, "unexpected character '@' where a value should be (after ',')"],
    ['[{"é": "ü"} ü]', 1, 13, "expected ',' or ']' after an array element, found 'ü'"],
    ['[{"a": 1}, \u00ff]', 1, 12, "unexpected character 'ÿ' where a value should be (after ',')"],
  ])('%j breaks at %i:%i: %s', (text, line, column, message) => {
    expect(breakOf(text)).toMatchObject({ kind: 'break', line, column, message });
  });

  it('a byte that is not UTF-8 is named as a byte', () => {
    const bytes = Buffer.concat([Buffer.from('[{"a": 1}, '), Buffer.from([0xff]), Buffer.from(']')]);
    expect(findJsonBreak((o, n) => bytes.subarray(o, o + n), TOP)).toMatchObject({ column: 12, message: "unexpected byte 0xFF (not UTF-8) where a value should be (after ',')" });
  });

  it('well-formed JSON has no break; a file that is not an array says what it starts with', () => {
    expect(breakOf('[{"a": [1, -2.5e+3, true, false, null, {"b": "\\u00e9\\n"}]}, {}]  \n')).toBeUndefined();
    expect(breakOf('[]')).toBeUndefined();
    expect(breakOf('  {"a": 1}')).toEqual({ kind: 'not-array', byteOffset: 2, line: 1, column: 3, found: "'{'" });
  });

  it('starts from an element of the array with its line and column, and counts on from there', () => {
    const text = 'xxxx{"a": 1},\n  ]';
    expect(breakOf(text, { byteOffset: 4, line: 7, column: 5, at: 'element' })).toMatchObject({ kind: 'break', line: 8, column: 3, byteOffset: 16, message: "a trailing comma before ']'" });
  });
});
