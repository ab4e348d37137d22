import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZpetlError } from '../../../src/core/errors.js';
import { createExtractor } from '../../../src/extract/create-extractor.js';
import { SourceSchema, type SourceInput } from '../../../src/extract/source-schema.js';
import type { ExtractorOptions } from '../../../src/extract/types.js';
import { posOf, readAll, records, rejects, tempDir } from '../../helpers/extract-helpers.js';

/** The team's bad-input files (fixtures/bad-inputs/README.md says what each holds). */
const BAD = resolve(import.meta.dirname, '../../../fixtures/bad-inputs');
const tmp = tempDir();

const csv = (path: string, extra: Partial<SourceInput> = {}, opts: Partial<ExtractorOptions> = {}) =>
  createExtractor(SourceSchema.parse({ type: 'csv', path, ...extra }), { baseDir: BAD, ...opts });

const fatal = async (p: Promise<unknown>): Promise<ZpetlError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ZpetlError);
  return e as ZpetlError;
};

describe('CSV bad inputs: encodings', () => {
  it('cp1252.csv under auto: read as windows-1252 (“ ” –) with a SOURCE_ENCODING_FALLBACK warning naming line 2', async () => {
    const ex = csv('cp1252.csv');
    const recs = records(await readAll(ex));
    expect(recs.map((r) => r.data.note)).toEqual(['\u201Cquoted\u201D \u2013 dash', 'plain']);
    expect(ex.warnings().map((w) => [w.code, w.pos?.line])).toEqual([['SOURCE_ENCODING_FALLBACK', 2]]);
    expect(ex.warnings()[0]!.message).toBe('cp1252.csv: not UTF-8 (byte 0x93 on line 2); read as windows-1252. Set encoding: to the file\'s encoding to silence this');
    // Byte offsets are the file's: one byte per character in a single-byte code page.
    expect(recs[1]!.pos.byteOffset).toBe('id,name,note\n1,Ann,\x93quoted\x94 \x96 dash\n'.length);
  });

  it('cp1252.csv declared windows-1252 (or its alias cp1252): decoded, no warning', async () => {
    for (const encoding of ['windows-1252', 'cp1252', 'CP1252']) {
      const ex = csv('cp1252.csv', { encoding });
      expect(records(await readAll(ex))[0]!.data.note).toBe('\u201Cquoted\u201D \u2013 dash');
      expect(ex.warnings()).toEqual([]);
    }
  });

  it('cp1252.csv declared latin1: the C1 controls ISO-8859-1 gives are a SOURCE_CONTROL_CHARACTER reject hinting windows-1252', async () => {
    const items = await readAll(csv('cp1252.csv', { encoding: 'latin1' }));
    expect(rejects(items).map((r) => [r.error.code, r.error.field, r.error.pos.line])).toEqual([['SOURCE_CONTROL_CHARACTER', 'note', 2]]);
    expect(rejects(items)[0]!.error.message).toBe('field "note" holds U+0093 (a C1 control) at character 1; the file is probably windows-1252: set encoding: windows-1252');
    expect(records(items).map((r) => r.data.id)).toEqual(['2']);
  });

  it('cp1252.csv declared utf8: rejected rows hint windows-1252 (no more "is the file latin1?")', async () => {
    const r = rejects(await readAll(csv('cp1252.csv', { encoding: 'utf8' })))[0]!;
    expect([r.error.code, r.error.field, r.error.pos.line]).toEqual(['SOURCE_INVALID_ENCODING', 'note', 2]);
    expect(r.error.message).toBe('field "note" holds bytes that are not valid UTF-8 (shown as \uFFFD); the bytes look like windows-1252: set encoding: windows-1252');
  });

  it('utf16be-bom.csv: the BOM decides UTF-16BE (once refused), byte offsets in file bytes', async () => {
    const ex = csv('utf16be-bom.csv');
    const recs = records(await readAll(ex));
    expect(recs.map((r) => r.data)).toEqual([
      { id: '1', name: 'Zoë' },
      { id: '2', name: 'Ωmega' },
    ]);
    expect(recs.map((r) => [r.pos.line, r.pos.byteOffset])).toEqual([
      [2, 2 + 2 * 'id,name\r\n'.length],
      [3, 2 + 2 * 'id,name\r\n1,Zoë\r\n'.length],
    ]);
    expect(ex.warnings()).toEqual([]);
  });

  it('a BOM wins over a declaration it contradicts, with a warning', async () => {
    const ex = csv('utf16be-bom.csv', { encoding: 'latin1' });
    expect(records(await readAll(ex)).map((r) => r.data.name)).toEqual(['Zoë', 'Ωmega']);
    expect(ex.warnings().map((w) => [w.code, w.message])).toEqual([
      ['SOURCE_ENCODING_FALLBACK', 'utf16be-bom.csv: declared encoding: latin1, but the file starts with a utf16be byte-order mark; it is read as utf16be'],
    ]);
  });

  it('utf16le-nobom.csv: recognised by its NUL pattern under auto', async () => {
    const recs = records(await readAll(csv('utf16le-nobom.csv')));
    expect(recs.map((r) => [r.data.name, r.pos.line, r.pos.byteOffset])).toEqual([
      ['Zoë', 2, 2 * 'id,name\n'.length],
      ['Ωmega', 3, 2 * 'id,name\n1,Zoë\n'.length],
    ]);
  });

  it('cp1252-german.csv under auto: windows-1252 although „Gruß“ ends in DF 93 (a valid UTF-8 pair), not umlaut rejects', async () => {
    const ex = csv('cp1252-german.csv');
    const items = await readAll(ex);
    expect(rejects(items)).toEqual([]);
    expect(records(items).map((r) => [r.data.greeting, r.data.name])).toEqual([
      ['\u201EGru\u00DF\u201C', 'M\u00FCller'],
      ['Stra\u00DFe', 'K\u00F6nig'],
    ]);
    expect(ex.warnings().map((w) => [w.code, w.pos?.line])).toEqual([['SOURCE_ENCODING_FALLBACK', 2]]);
    expect(ex.warnings()[0]!.message).toBe('cp1252-german.csv: not UTF-8 (byte 0x84 on line 2); read as windows-1252. Set encoding: to the file\'s encoding to silence this');
  });

  it('invalid-utf8.csv: UTF-8 with one bad row stays UTF-8 (no fallback) and the row is a reject with its line', async () => {
    const ex = csv('invalid-utf8.csv');
    const items = await readAll(ex);
    expect(records(items).map((r) => r.data.name)).toEqual(['José', 'Zoë']);
    expect(rejects(items).map((r) => [r.error.code, r.error.field, r.error.pos.line])).toEqual([['SOURCE_INVALID_ENCODING', 'name', 3]]);
    expect(rejects(items)[0]!.error.message).toContain('the bytes look like windows-1252: set encoding: windows-1252');
    expect(ex.warnings()).toEqual([]);
  });

  it('binary.xlsx-like: a fatal SOURCE_BINARY naming the source and what it looks like, with a hint', async () => {
    const e = await fatal(readAll(csv('binary.xlsx-like')));
    expect(e.code).toBe('SOURCE_BINARY');
    expect(e.message).toBe('binary.xlsx-like is not a text file: it looks like a ZIP archive (an .xlsx or .ods spreadsheet is one)');
    expect(e.hint).toMatch(/export the sheet as CSV/);
    // Declaring an encoding does not read a spreadsheet as text either.
    expect((await fatal(readAll(csv('binary.xlsx-like', { encoding: 'latin1' })))).code).toBe('SOURCE_BINARY');
  });
});

describe('CSV bad inputs: control characters', () => {
  it('nul-in-field.csv: a SOURCE_CONTROL_CHARACTER reject naming the column, the line and the character', async () => {
    const items = await readAll(csv('nul-in-field.csv'));
    const r = rejects(items);
    expect(r.map((x) => [x.error.code, x.error.field, x.error.pos.line, x.error.value])).toEqual([['SOURCE_CONTROL_CHARACTER', 'note', 3, 'a\u0000b']]);
    expect(r[0]!.error.message).toBe('field "note" holds NUL (U+0000) at character 2');
    expect(r[0]!.data).toEqual({ id: '2', name: 'Bob', note: 'a\u0000b' });
    expect(records(items).map((x) => x.data.id)).toEqual(['1', '3']);
  });

  it('nul-in-field.csv under controlCharacters: strip: the NUL is removed and the record carries a SOURCE_CONTROL_STRIPPED warning', async () => {
    const recs = records(await readAll(csv('nul-in-field.csv', { controlCharacters: 'strip' })));
    expect(recs.map((x) => x.data.note)).toEqual(['ok', 'ab', 'fine']);
    expect(recs[0]!.warnings).toBeUndefined();
    expect(recs[1]!.warnings).toEqual([{ code: 'SOURCE_CONTROL_STRIPPED', message: 'removed 1 control character (NUL U+0000) from field "note"', field: 'note', value: 'a\u0000b', pos: recs[1]!.pos }]);
  });

  it('nul-padded.csv: under auto the NULs say binary ("does not look like a text file"); with a declared encoding they are data: a reject, or stripped', async () => {
    const e = await fatal(readAll(csv('nul-padded.csv')));
    expect([e.code, e.message]).toEqual(['SOURCE_BINARY', 'nul-padded.csv does not look like a text file (a NUL byte at offset 18)']);
    for (const encoding of ['utf8', 'windows-1252']) {
      const items = await readAll(csv('nul-padded.csv', { encoding }));
      expect(rejects(items).map((x) => [x.error.code, x.error.field, x.error.pos.line]), encoding).toEqual([['SOURCE_CONTROL_CHARACTER', 'note', 3]]);
      expect(records(items).map((x) => x.data.id), encoding).toEqual(['1', '3']);
      const recs = records(await readAll(csv('nul-padded.csv', { encoding, controlCharacters: 'strip' })));
      expect(recs.map((x) => x.data.note), encoding).toEqual(['ok', 'pad', 'fine']);
      expect(recs[1]!.warnings?.map((w) => [w.code, w.field]), encoding).toEqual([['SOURCE_CONTROL_STRIPPED', 'note']]);
    }
  });

  it('a SOURCE_CONTROL_STRIPPED warning names what was removed: each character once, with its code point', async () => {
    const p = tmp.write('two-controls.csv', 'id,note\n1,a\u0000b\u0007c\u0000d\u0085\n');
    const recs = records(await readAll(csv(p, { controlCharacters: 'strip' })));
    expect(recs[0]!.data.note).toBe('abcd');
    expect(recs[0]!.warnings?.map((w) => w.message)).toEqual(['removed 4 control characters (NUL U+0000, BEL U+0007, U+0085) from field "note"']);
  });

  it('c1-in-field.csv: a C1 control written as UTF-8 (C2 85) is a reject too', async () => {
    const r = rejects(await readAll(csv('c1-in-field.csv')));
    expect(r.map((x) => [x.error.code, x.error.field, x.error.pos.line])).toEqual([['SOURCE_CONTROL_CHARACTER', 'note', 3]]);
    expect(r[0]!.error.message).toBe('field "note" holds U+0085 (a C1 control) at character 2');
  });

  it('the same at every chunk size (a C2 85 pair split by a chunk edge is still caught)', async () => {
    for (const file of ['c1-in-field.csv', 'nul-in-field.csv', 'cp1252.csv', 'utf16be-bom.csv', 'utf16le-nobom.csv', 'blank-lines.csv']) {
      const full = await readAll(csv(file));
      for (const chunkBytes of [1, 2, 3, 5, 7, 64]) expect(await readAll(csv(file, {}, { chunkBytes })), `${file} @${chunkBytes}`).toEqual(full);
    }
  });

  it('resume from any record of the bad inputs yields the tail of a full read', async () => {
    for (const file of ['cp1252.csv', 'utf16be-bom.csv', 'utf16le-nobom.csv', 'nul-in-field.csv', 'blank-lines.csv']) {
      const full = await readAll(csv(file));
      for (let k = 0; k < full.length; k++) {
        const p = posOf(full[k]!);
        const ex = csv(file, {}, { startAt: { byteOffset: p.byteOffset!, index: p.index, line: p.line } });
        expect(await readAll(ex), `${file} from ${k}`).toEqual(full.slice(k));
        expect(ex.warnings().map((w) => w.code)).not.toContain('SOURCE_NO_RECORDS');
      }
    }
  });
});

describe('CSV bad inputs: empty, header-only, blank lines', () => {
  it('empty.csv: SOURCE_EMPTY "file is empty: no header line"', async () => {
    const ex = csv('empty.csv');
    expect(await readAll(ex)).toEqual([]);
    expect(ex.warnings().map((w) => [w.code, w.message])).toEqual([['SOURCE_EMPTY', 'empty.csv: file is empty: no header line']]);
  });

  it('header-only.csv: SOURCE_NO_RECORDS "no records after the header"', async () => {
    const ex = csv('header-only.csv');
    expect(await readAll(ex)).toEqual([]);
    expect(ex.header()?.keys).toEqual(['id', 'name', 'email']);
    expect(ex.warnings().map((w) => [w.code, w.message, w.pos?.line])).toEqual([['SOURCE_NO_RECORDS', 'header-only.csv: no records after the header', 1]]);
  });

  it('blank-only.csv: blank lines only, one of them spaces, is SOURCE_EMPTY (no header column_1, no SOURCE_PARSE)', async () => {
    const ex = csv('blank-only.csv');
    expect(await readAll(ex)).toEqual([]);
    expect(ex.warnings().map((w) => [w.code, w.message])).toEqual([['SOURCE_EMPTY', 'blank-only.csv: file is empty: no header line']]);
    expect(ex.header()).toEqual({ names: [], keys: [] });
  });

  it('blank-before-header.csv: blank lines before the header are skipped; the header is line 3 in every message', async () => {
    const ex = csv('blank-before-header.csv');
    const recs = records(await readAll(ex));
    expect(ex.header()?.keys).toEqual(['id', 'column_2', 'name']);
    expect(recs.map((r) => [r.data, r.pos.line])).toEqual([[{ id: '1', column_2: 'x', name: 'Ann' }, 5]]);
    expect(ex.warnings().map((w) => [w.code, w.pos?.line, w.message])).toEqual([
      ['SOURCE_PARSE', 3, 'blank-before-header.csv line 3: column 2 has no header; it is read as "column_2"'],
      ['SOURCE_BLANK_LINES', 1, 'blank-before-header.csv: 3 blank line(s) skipped (the first at line 1)'],
    ]);
  });

  it('blank-lines.csv: one SOURCE_BLANK_LINES warning at the end with the count and the first line', async () => {
    const ex = csv('blank-lines.csv');
    const items = await readAll(ex);
    expect(records(items).map((r) => [r.data.name, r.pos.line])).toEqual([
      ['Ann', 3],
      ['Bob', 6],
    ]);
    expect(ex.stats().blankRows).toBe(4);
    expect(ex.warnings().map((w) => [w.code, w.message])).toEqual([['SOURCE_BLANK_LINES', 'blank-lines.csv: 4 blank line(s) skipped (the first at line 2)']]);
    // A resumed read counts only the blank lines after its resume point, and says so.
    const p = posOf(items[1]!);
    const resumed = csv('blank-lines.csv', {}, { startAt: { byteOffset: p.byteOffset!, index: p.index, line: p.line } });
    expect(records(await readAll(resumed)).map((r) => r.data.name)).toEqual(['Bob']);
    expect(resumed.warnings().map((w) => [w.code, w.message, w.pos?.line])).toEqual([['SOURCE_BLANK_LINES', 'blank-lines.csv: 1 blank line(s) skipped after line 6', 7]]);
  });
});

describe('CSV bad inputs: duplicate headers', () => {
  it('duplicate-header.csv: a fatal SOURCE_DUPLICATE_HEADER at the start naming the header and both columns, with both ways out', async () => {
    const e = await fatal(readAll(csv('duplicate-header.csv')));
    expect(e.code).toBe('SOURCE_DUPLICATE_HEADER');
    expect(e.message).toBe('duplicate-header.csv line 1: header "Email" appears in columns 2 and 5');
    expect(e.hint).toBe('to read column 5 as "Email_2", set `duplicateHeaders: number` on the source; to read every "Email" column as a list, use `collect: Email` in a field');
  });

  it('duplicate-header.csv with Email in repeatsRead (a step that collects it): read numbered with a warning', async () => {
    const ex = csv('duplicate-header.csv', {}, { repeatsRead: new Set(['Email']) });
    expect(records(await readAll(ex)).map((r) => r.data)).toEqual([{ id: '1', Email: 'a@x.io', name: 'Ann', team: 'T1', Email_2: 'b@x.io' }]);
    expect(ex.header()?.repeated).toEqual([{ name: 'Email', columns: [2, 5], keys: ['Email', 'Email_2'] }]);
    expect(ex.warnings().map((w) => [w.code, w.field, w.message])).toEqual([
      ['SOURCE_DUPLICATE_HEADER', 'Email_2', 'duplicate-header.csv line 1: header "Email" appears more than once; column 5 is read as "Email_2"'],
    ]);
  });

  it('duplicate-header.csv under duplicateHeaders: number: read numbered; another repeated name in repeatsRead does not excuse Email', async () => {
    expect(records(await readAll(csv('duplicate-header.csv', { duplicateHeaders: 'number' })))[0]!.data.Email_2).toBe('b@x.io');
    expect((await fatal(readAll(csv('duplicate-header.csv', {}, { repeatsRead: new Set(['Labels']) })))).code).toBe('SOURCE_DUPLICATE_HEADER');
  });
});
