import { describe, expect, it } from 'vitest';
import { byteCodec, canonicalEncoding, ENCODING_ALIASES, ENCODINGS, parseModeOf } from '../../../src/extract/text-encoding.js';
import { chooseEncoding, lineAt, utf8Shape } from '../../../src/extract/csv-encoding.js';
import { sniffBom, utf16Pattern } from '../../../src/extract/text-sniff.js';

const field = (enc: Parameters<typeof byteCodec>[0], bytes: number[]) => byteCodec(enc).field(Buffer.from(bytes).toString('latin1'));

describe('text-encoding: names', () => {
  it('every alias maps to its canonical name, case-insensitively; unknown names are undefined', () => {
    for (const e of ENCODINGS) {
      expect(canonicalEncoding(e)).toBe(e);
      for (const a of ENCODING_ALIASES[e] as readonly string[]) expect(canonicalEncoding(a.toUpperCase())).toBe(e);
    }
    expect(canonicalEncoding('cp1252')).toBe('windows-1252');
    expect(canonicalEncoding('ISO-8859-1')).toBe('latin1');
    expect(canonicalEncoding('ebcdic')).toBeUndefined();
  });

  it('every single- and multi-byte encoding builds a decoder in this Node', () => {
    for (const e of ENCODINGS.filter((x) => parseModeOf(x) === 'bytes')) expect(field(e, [0x41, 0x2c]), e).toEqual({ ok: true, text: 'A,' });
  });
});

describe('text-encoding: decoding', () => {
  it('windows-1252: the full 0x80–0x9F block (“ ” – €), its five undefined bytes as C1 controls', () => {
    expect(field('windows-1252', [0x93, 0x94, 0x96, 0x80, 0x9f])).toEqual({ ok: true, text: '\u201C\u201D\u2013\u20AC\u0178' });
    expect(field('windows-1252', [0x81, 0x8d, 0x8f, 0x90, 0x9d])).toEqual({ ok: true, text: '\u0081\u008D\u008F\u0090\u009D' });
    expect(field('windows-1252', [0xe9])).toEqual({ ok: true, text: 'é' });
  });

  it('latin1 is ISO-8859-1 proper: 0x93 is U+0093 (WHATWG would read it as windows-1252)', () => {
    expect(field('latin1', [0x93, 0xe9])).toEqual({ ok: true, text: '\u0093é' });
  });

  it('other code pages decode by their tables', () => {
    expect(field('iso-8859-15', [0xa4])).toEqual({ ok: true, text: '€' });
    expect(field('windows-1251', [0xcf, 0xf0, 0xe8])).toEqual({ ok: true, text: 'При' });
    expect(field('koi8-r', [0xf0, 0xd2, 0xc9])).toEqual({ ok: true, text: 'При' });
    expect(field('iso-8859-2', [0xb1])).toEqual({ ok: true, text: 'ą' });
    expect(field('macintosh', [0x8e])).toEqual({ ok: true, text: 'é' });
  });

  it('a byte a code page does not define is not valid (windows-1253 0xD2)', () => {
    expect(field('windows-1253', [0x41, 0xd2])).toEqual({ ok: false, at: 1 });
  });

  it('multi-byte code pages decode whole fields; a broken sequence is not valid', () => {
    expect(field('shift_jis', [0x93, 0xfa, 0x96, 0x7b])).toEqual({ ok: true, text: '日本' });
    expect(field('gbk', [0xd6, 0xd0, 0xce, 0xc4])).toEqual({ ok: true, text: '中文' });
    expect(field('euc-kr', [0xc7, 0xd1])).toEqual({ ok: true, text: '한' });
    expect(field('shift_jis', [0x41, 0x93])).toEqual({ ok: false, at: 1 });
  });
});

describe('csv-encoding: detection', () => {
  it('UTF-16 by its NUL pattern, LE and BE; ASCII and UTF-8 are not', () => {
    expect(utf16Pattern(Buffer.from('id,name\n1,a\n', 'utf16le'))).toBe('utf16le');
    expect(utf16Pattern(Buffer.from('id,name\n1,a\n', 'utf16le').swap16())).toBe('utf16be');
    expect(utf16Pattern(Buffer.from('id,name\n1,a\n'))).toBeUndefined();
  });

  it('one byte-order-mark sniff for every extractor: a UTF-32LE mark (FF FE 00 00) is not UTF-16LE; CSV refuses UTF-32', () => {
    expect(sniffBom(Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]))).toEqual({ encoding: 'utf32le', bomBytes: 4 });
    expect(sniffBom(Buffer.from([0xff, 0xfe, 0x61, 0]))).toEqual({ encoding: 'utf16le', bomBytes: 2 });
    const u32 = Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0, 0x0a, 0, 0, 0]);
    expect(() => chooseEncoding('f.csv', u32, u32.length, 'auto')).toThrow(expect.objectContaining({ code: 'SOURCE_INVALID_ENCODING', message: 'f.csv: this file is UTF-32LE (by its byte-order mark), which is not read: re-save it as UTF-8' }));
  });

  it('utf8Shape: the first invalid byte, and valid multi-byte sequences and invalid bytes over the whole head; a sequence cut by the head end is not invalid', () => {
    expect(utf8Shape(Buffer.from([0x61, 0x93, 0x62]), true)).toEqual({ firstInvalid: 1, valid: 0, invalid: 1 });
    expect(utf8Shape(Buffer.concat([Buffer.from('é'), Buffer.from([0xe9])]), true)).toEqual({ firstInvalid: 2, valid: 1, invalid: 1 });
    expect(utf8Shape(Buffer.concat([Buffer.from([0x61, 0xff]), Buffer.from('ÿ')]), true)).toEqual({ firstInvalid: 1, valid: 1, invalid: 1 }); // a valid sequence after the first bad byte still counts (found by the fuzz test)
    expect(utf8Shape(Buffer.from('\x84Gru\xdf\x93,M\xfcller', 'latin1'), true)).toEqual({ firstInvalid: 0, valid: 1, invalid: 2 });
    expect(utf8Shape(Buffer.from([0x61, 0xc3]), false)).toEqual({ firstInvalid: -1, valid: 0, invalid: 0 });
    expect(utf8Shape(Buffer.from([0x61, 0xc3]), true)).toEqual({ firstInvalid: 1, valid: 0, invalid: 1 });
    expect(utf8Shape(Buffer.from([0xed, 0xa0, 0x80]), true).firstInvalid).toBe(0); // a surrogate
    expect(lineAt(Buffer.from('a\r\nb\rc\nd'), 7)).toBe(4);
  });

  it('auto: valid UTF-8 stays UTF-8; legacy bytes fall back to windows-1252 with a warning, also with an accidental valid pair; UTF-8 with a stray bad byte stays UTF-8', () => {
    expect(chooseEncoding('f.csv', Buffer.from('a,b\n1,é\n'), 9, 'auto')).toEqual({ encoding: 'utf8', bomBytes: 0, warnings: [] });
    const legacy = Buffer.from([...Buffer.from('a,b\n1,x\n2,'), 0xe9, 0x0a]);
    expect(chooseEncoding('f.csv', legacy, legacy.length, 'auto')).toMatchObject({ encoding: 'windows-1252', warnings: [{ code: 'SOURCE_ENCODING_FALLBACK', pos: { line: 3 } }] });
    const stray = Buffer.concat([Buffer.from('a,b\n1,é\n2,ë\n3,'), Buffer.from([0xe9, 0x0a])]);
    expect(chooseEncoding('f.csv', stray, stray.length, 'auto').encoding).toBe('utf8');
    const german = Buffer.from('a,b\n1,\x84Gru\xdf\x93,M\xfcller\n', 'latin1'); // „Gruß“: ß“ is DF 93, a valid UTF-8 pair
    expect(chooseEncoding('f.csv', german, german.length, 'auto')).toMatchObject({ encoding: 'windows-1252', warnings: [{ code: 'SOURCE_ENCODING_FALLBACK', pos: { line: 2 } }] });
    const even = Buffer.concat([Buffer.from('a,b\n1,é\n2,'), Buffer.from([0xe9, 0x0a])]); // one valid, one invalid: no clear win
    expect(chooseEncoding('f.csv', even, even.length, 'auto').encoding).toBe('windows-1252');
  });

  it('a declared encoding is used as declared; a contradicting BOM wins with a warning', () => {
    expect(chooseEncoding('f.csv', Buffer.from('a\n\xe9', 'latin1'), 3, 'windows-1251')).toEqual({ encoding: 'windows-1251', bomBytes: 0, warnings: [] });
    const bom = Buffer.from('\uFEFFa\n');
    expect(chooseEncoding('f.csv', bom, bom.length, 'latin1')).toMatchObject({ encoding: 'utf8', bomBytes: 3, warnings: [{ code: 'SOURCE_ENCODING_FALLBACK' }] });
    expect(chooseEncoding('f.csv', bom, bom.length, 'utf8').warnings).toEqual([]);
  });

  it('binary: a NUL in the first line or many NULs is SOURCE_BINARY; a stray NUL in a later row is data (a control-character reject)', () => {
    expect(() => chooseEncoding('f.bin', Buffer.from('ab\0cd\nx\n'), 8, 'auto')).toThrow(expect.objectContaining({ code: 'SOURCE_BINARY' }));
    const dense = Buffer.from('a\n\0\0\0\0\0\0\0\0\0\0');
    expect(() => chooseEncoding('f.bin', dense, dense.length, 'auto')).toThrow(expect.objectContaining({ code: 'SOURCE_BINARY' }));
    const stray = Buffer.from('id,note\n1,a\0b\n2,ok\n');
    expect(chooseEncoding('f.csv', stray, stray.length, 'auto').encoding).toBe('utf8');
    // A declared UTF-16 file is not taken for binary.
    const u = Buffer.from('id\n1\n', 'utf16le');
    expect(chooseEncoding('f.csv', u, u.length, 'utf16le').encoding).toBe('utf16le');
  });
});
