import { describe, expect, it } from 'vitest';
import { invalidUtf8Indexes, Utf8Checker } from '../../../src/extract/utf8-check.js';

describe('UTF-8 checking of a JSON file in chunks', () => {
  it('finds where sequences that are not UTF-8 start: stray continuation, overlong, surrogate, cut, Latin-1', () => {
    expect(invalidUtf8Indexes(Buffer.from('a€ë😀z'))).toEqual([]);
    expect(invalidUtf8Indexes(Buffer.from([0x61, 0x80, 0x62]))).toEqual([1]);
    expect(invalidUtf8Indexes(Buffer.from([0xc0, 0x80]))).toEqual([0, 1]);
    expect(invalidUtf8Indexes(Buffer.from([0xed, 0xa0, 0x80]))).toEqual([0, 1, 2]);
    expect(invalidUtf8Indexes(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toEqual([3]);
  });

  it('a sequence cut by a chunk is checked with the next one; file offsets are the chunks\u2019', () => {
    const bytes = Buffer.concat([Buffer.from('x€y😀'), Buffer.from([0xff]), Buffer.from('ë')]);
    for (let size = 1; size <= bytes.length; size++) {
      const c = new Utf8Checker();
      const found: number[] = [];
      for (let at = 0; at < bytes.length; at += size) found.push(...c.check(bytes.subarray(at, at + size), at));
      found.push(...c.end(bytes.length));
      expect(found).toEqual([9]);
    }
    const cut = new Utf8Checker();
    expect(cut.check(Buffer.from([0x61, 0xe2, 0x82]), 0)).toEqual([]);
    expect(cut.end(3)).toEqual([1]);
  });
});
