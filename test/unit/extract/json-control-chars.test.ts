import { describe, expect, it } from 'vitest';
import * as core from '../../../src/core/control-chars.js';
import { findControlCharInValue, stripControlCharsInValue, where } from '../../../src/extract/json-control-chars.js';

describe('json-control-chars: the rule on JSON values has one home', () => {
  it('the JSON value walks live in extract/json-control-chars.ts, not in core (which keeps the string rule)', () => {
    expect(Object.keys(core)).not.toContain('findControlCharInValue');
    expect(Object.keys(core)).not.toContain('stripControlCharsInValue');
    expect(findControlCharInValue({ a: ['x', 'y\u0007'] })).toEqual({ path: 'a[1]', text: 'y\u0007' });
    expect(stripControlCharsInValue({ a: '\u0000b' })).toEqual({ value: { a: 'b' }, removed: 1, found: ['\u0000'] });
    expect(where('ab\u001bc')).toBe('ESC (U+001B) at character 3');
  });
});
