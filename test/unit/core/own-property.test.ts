import { describe, expect, it } from 'vitest';
import { stripControlCharsInValue } from '../../../src/extract/json-control-chars.js';
import { setOwn } from '../../../src/core/own-property.js';

describe('setOwn', () => {
  it('sets "__proto__" as an own data property, leaving the prototype alone; other keys as by assignment', () => {
    const o: Record<string, unknown> = {};
    setOwn(o, '__proto__', { admin: true });
    setOwn(o, 'id', '1');
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect((o as { admin?: unknown }).admin).toBeUndefined();
    expect(JSON.stringify(o)).toBe('{"__proto__":{"admin":true},"id":"1"}');
  });

  it('stripControlCharsInValue keeps a "__proto__" key as data', () => {
    const v = JSON.parse('{"__proto__":["a\\u0000b"],"id":"x"}') as unknown;
    const r = stripControlCharsInValue(v);
    expect(JSON.stringify(r.value)).toBe('{"__proto__":["ab"],"id":"x"}');
    expect(r.removed).toBe(1);
  });
});
