import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { payloadHash } from '../../../src/checkpoint/payload-hash.js';

describe('payloadHash', () => {
  it('is the sha256 of canonical JSON: keys sorted at every depth, undefined values left out', () => {
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(payloadHash({ b: 1, a: { d: [2, { z: null, y: 'x' }], c: undefined } })).toBe(sha('{"a":{"d":[2,{"y":"x","z":null}]},"b":1}'));
    expect(payloadHash({ a: 1, b: 2 })).toBe(payloadHash({ b: 2, a: 1 }));
    expect(payloadHash({ a: 1 })).not.toBe(payloadHash({ a: '1' }));
  });
});
