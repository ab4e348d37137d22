import { describe, expect, it } from 'vitest';
import { compact, pickString, required } from '../../../src/load/target-values.js';

describe('target values', () => {
  it('compact: the members that are not undefined, in their order (null, 0, "" and false kept)', () => {
    const body = compact({ a: 1, b: undefined, c: null, d: '', e: 0, f: false, g: undefined, h: 'x' } as Record<string, unknown>);
    expect(Object.keys(body)).toEqual(['a', 'c', 'd', 'e', 'f', 'h']);
    expect(body).toEqual({ a: 1, c: null, d: '', e: 0, f: false, h: 'x' });
  });

  it('pickString: the first present, non-empty alias, as a string (ids never through Number)', () => {
    const v = { a: '', b: null, c: 12, d: 'x', big: 12345678901234567890n, o: { z: 1 } };
    expect(pickString(v, 'a', 'b', 'c', 'd')).toBe('12');
    expect(pickString(v, 'missing', 'd')).toBe('x');
    expect(pickString(v, 'big')).toBe('12345678901234567890');
    expect(pickString(v, 'a', 'b')).toBeUndefined();
    expect(pickString(v, 'o', 'd')).toBeUndefined();
    expect(() => required(v, 'a', 'b')).toThrow('a is required');
  });
});
