import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractItem } from '../../../src/core/record.js';
import { isSourceBreak } from '../../../src/core/source-break.js';
import { createExtractor } from '../../../src/extract/create-extractor.js';
import { SourceSchema } from '../../../src/extract/source-schema.js';
import type { Extractor, ExtractorOptions } from '../../../src/extract/types.js';
import { posOf, readAll, records, rejects, tempDir } from '../../helpers/extract-helpers.js';

const BAD = resolve(import.meta.dirname, '../../../fixtures/bad-inputs');
const tmp = tempDir();
type Policy = 'reject' | 'strip';
const json = (path: string, opts: Partial<ExtractorOptions> = {}, controlCharacters: Policy = 'reject') =>
  createExtractor(SourceSchema.parse({ type: 'json', path, controlCharacters }), { baseDir: BAD, ...opts });
const ndjson = (path: string, opts: Partial<ExtractorOptions> = {}, controlCharacters: Policy = 'reject') =>
  createExtractor(SourceSchema.parse({ type: 'ndjson', path, controlCharacters }), { baseDir: BAD, ...opts });

/** Every item a read yields before it throws, and what it threw. */
async function readUntilError(ex: Extractor): Promise<{ items: ExtractItem[]; error: unknown }> {
  const items: ExtractItem[] = [];
  try {
    for await (const batch of ex.readBatches()) items.push(...batch);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

const codes = (items: ExtractItem[]) => items.map((i) => (i.kind === 'record' ? 'record' : i.reject.error.code));

describe('JSON array with a break', () => {
  it('yields the 10 records before the break, then throws one SOURCE_PARSE in plain words with line and column', async () => {
    const ex = json('json-break.json');
    const { items, error } = await readUntilError(ex);
    expect(codes(items)).toEqual(Array(10).fill('record'));
    expect(records(items).map((r) => r.data['id'])).toEqual(Array.from({ length: 10 }, (_, i) => `T-${i + 1}`));
    expect(error).toMatchObject({
      code: 'SOURCE_PARSE',
      disposition: 'fatal',
      message: "json-break.json: the JSON array breaks at line 41, column 3: expected a value after ','",
      pos: { source: 'json-break.json', line: 41, index: 10, byteOffset: 1475 },
      details: { line: 41, column: 3, byteOffset: 1475, recordsRead: 10 },
      hint: expect.stringContaining('10 element(s) before the break were read'),
    });
    expect(ex.stats()).toMatchObject({ records: 10, rejects: 0 });
    expect(isSourceBreak(error)).toBe(true);
  });

  it('the same records and the same error at any chunk size (the break in a later chunk than the last record)', async () => {
    const whole = await readUntilError(json('json-break.json'));
    for (const chunkBytes of [1, 7, 100, 1474, 1476]) {
      const part = await readUntilError(json('json-break.json', { chunkBytes }));
      expect(part.items).toHaveLength(10);
      expect(part.items).toEqual(whole.items);
      expect(part.error).toMatchObject({ message: (whole.error as Error).message, details: { line: 41, column: 3 } });
    }
  });

  it('a truncated file: the complete records, then "the file ends inside the array: is it truncated?"', async () => {
    const { items, error } = await readUntilError(json('json-truncated.json'));
    expect(records(items).map((r) => r.data['id'])).toEqual(['T-1', 'T-2', 'T-3']);
    expect(error).toMatchObject({
      code: 'SOURCE_PARSE',
      message: 'json-truncated.json: the JSON array breaks at line 5, column 20: the file ends inside the array: is it truncated?',
      details: { line: 5, column: 20, recordsRead: 3 },
    });
  });

  it('every truncation of an array: the elements closed before the cut, then "is it truncated?" at the end of the file', async () => {
    const text = '[\n  {"id": 1, "s": "a,]}\\" ë"},\n  {"id": 2, "t": [1, {"u": null}]},\n  {"id": 3, "n": -1.5e3}\n]\n';
    const bytes = Buffer.from(text);
    // Where each element's closing brace ends, in bytes.
    const closes = [...text.matchAll(/\},?\n/g)].map((m) => Buffer.byteLength(text.slice(0, m.index)) + 1);
    for (let cut = 1; cut < bytes.length - 2; cut++) {
      const { items, error } = await readUntilError(json(tmp.write(`cut-${cut}.json`, bytes.subarray(0, cut))));
      expect(items.length, `cut ${cut}`).toBe(closes.filter((end) => end <= cut).length);
      expect(error, `cut ${cut}`).toMatchObject({ code: 'SOURCE_PARSE', message: expect.stringContaining('the file ends inside the array: is it truncated?') });
      expect((error as { details: { byteOffset: number } }).details.byteOffset, `cut ${cut}`).toBe(cut);
    }
  });

  it('a top-level object: "the file must hold one JSON array of objects", with a hint naming ndjson', async () => {
    const { items, error } = await readUntilError(json('json-object.json'));
    expect(items).toEqual([]);
    expect(error).toMatchObject({
      code: 'SOURCE_PARSE',
      message: "json-object.json: the file must hold one JSON array of objects; it starts with '{' at line 1, column 1",
      hint: expect.stringContaining('type: ndjson'),
    });
  });

  it('columns count characters, not bytes; the line of a break inside a string-heavy element is kept', async () => {
    const p = tmp.write('accents.json', '[\n  {"name": "Ça été créé"},\n  {"name": "Zoë", "x": tru}\n]');
    const { items, error } = await readUntilError(json(p));
    expect(items).toHaveLength(1);
    expect(error).toMatchObject({ details: { line: 3, column: 24 } }); // 't' is byte 25 of its line: 'ë' takes two
    expect((error as Error).message).toContain("line 3, column 24: unexpected character 't' where a value should be");
  });
});

describe('JSON and NDJSON: empty files and no records', () => {
  it('a 0-byte, whitespace-only or BOM-only JSON file is SOURCE_EMPTY "<source>: file is empty"', async () => {
    const ex = json('empty.json');
    expect(await readAll(ex)).toEqual([]);
    expect(ex.warnings()).toEqual([{ code: 'SOURCE_EMPTY', message: 'empty.json: file is empty', pos: { source: 'empty.json', line: 1, index: 0, byteOffset: 0 } }]);
    for (const [name, body] of [['ws.json', ' \n\t\r\n '], ['bom.json', Buffer.from([0xef, 0xbb, 0xbf])], ['bom-ws.json', Buffer.from([0xef, 0xbb, 0xbf, 0x0a])]] as const) {
      const e = json(tmp.write(name, body));
      expect(await readAll(e)).toEqual([]);
      expect(e.warnings().map((w) => w.code)).toEqual(['SOURCE_EMPTY']);
    }
  });

  it('[] is SOURCE_NO_RECORDS "<source>: the JSON array is empty", and no error', async () => {
    const ex = json('json-empty-array.json');
    expect(await readAll(ex)).toEqual([]);
    expect(ex.warnings()).toMatchObject([{ code: 'SOURCE_NO_RECORDS', message: 'json-empty-array.json: the JSON array is empty' }]);
  });

  it('a 0-byte NDJSON file is SOURCE_EMPTY; one of only blank lines is SOURCE_NO_RECORDS and SOURCE_BLANK_LINES', async () => {
    const empty = ndjson('empty.ndjson');
    expect(await readAll(empty)).toEqual([]);
    expect(empty.warnings()).toMatchObject([{ code: 'SOURCE_EMPTY', message: 'empty.ndjson: file is empty' }]);
    const bomOnly = ndjson(tmp.write('bom-only.ndjson', Buffer.from([0xef, 0xbb, 0xbf])));
    expect(await readAll(bomOnly)).toEqual([]);
    expect(bomOnly.warnings().map((w) => w.code)).toEqual(['SOURCE_EMPTY']);
    const blank = ndjson('blank-only.ndjson');
    expect(await readAll(blank)).toEqual([]);
    expect(blank.warnings()).toMatchObject([
      { code: 'SOURCE_NO_RECORDS', message: 'blank-only.ndjson: no records (only blank lines)' },
      { code: 'SOURCE_BLANK_LINES', message: 'blank-only.ndjson: 3 blank line(s) skipped (the first at line 1)' },
    ]);
  });

  it('NDJSON blank lines between records: one SOURCE_BLANK_LINES warning at the end, with the first blank line; a resumed read tells the blank lines after its resume point', async () => {
    const seen: string[] = [];
    const ex = ndjson('ndjson-blank-lines.ndjson', { onWarning: (w) => seen.push(w.code) });
    const items = await readAll(ex);
    expect(records(items).map((r) => [r.data['id'], r.pos.line])).toEqual([['T-1', 1], ['T-2', 3], ['T-3', 6]]);
    expect(ex.warnings()).toEqual([{ code: 'SOURCE_BLANK_LINES', message: 'ndjson-blank-lines.ndjson: 3 blank line(s) skipped (the first at line 2)', pos: { source: 'ndjson-blank-lines.ndjson', line: 2, index: 1, byteOffset: 14 } }]);
    expect(seen).toEqual(['SOURCE_BLANK_LINES']);
    const p = posOf(items[1]!);
    const resumed = ndjson('ndjson-blank-lines.ndjson', { startAt: { byteOffset: p.byteOffset!, index: p.index, line: p.line } });
    expect(await readAll(resumed)).toEqual(items.slice(1));
    expect(resumed.warnings().map((w) => [w.code, w.message, w.pos?.line])).toEqual([['SOURCE_BLANK_LINES', 'ndjson-blank-lines.ndjson: 2 blank line(s) skipped after line 3', 4]]);
  });
});

describe('JSON and NDJSON: encodings and binary files', () => {
  it('a UTF-8 byte-order mark is skipped (JSON and NDJSON); positions stay file offsets', async () => {
    const items = await readAll(json('json-bom.json'));
    expect(records(items).map((r) => [r.data['name'], r.pos.line, r.pos.byteOffset])).toEqual([
      ['Ça va', 2, 7],
      ['two', 3, 42],
    ]);
    const p = tmp.write('bom.ndjson', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id": 1}\n{"id": 2}\n')]));
    const lines = await readAll(ndjson(p));
    expect(records(lines).map((r) => [r.data['id'], r.pos.line, r.pos.byteOffset])).toEqual([
      [1, 1, 3],
      [2, 2, 13],
    ]);
  });

  it('UTF-16 (by its BOM, or by the NUL padding of its ASCII) is a fatal SOURCE_INVALID_ENCODING saying to re-save as UTF-8', async () => {
    await expect(readAll(json('json-utf16le.json'))).rejects.toMatchObject({
      code: 'SOURCE_INVALID_ENCODING',
      disposition: 'fatal',
      message: 'json-utf16le.json: JSON files must be UTF-8; this one is UTF-16LE: re-save it as UTF-8',
    });
    await expect(readAll(ndjson('ndjson-utf16be-nobom.ndjson'))).rejects.toMatchObject({
      code: 'SOURCE_INVALID_ENCODING',
      message: 'ndjson-utf16be-nobom.ndjson: NDJSON files must be UTF-8; this one is UTF-16BE: re-save it as UTF-8',
    });
    const le = tmp.write('le.ndjson', Buffer.from('{"id": 1}\n', 'utf16le'));
    await expect(readAll(ndjson(le))).rejects.toMatchObject({ code: 'SOURCE_INVALID_ENCODING', details: { encoding: 'UTF-16LE' } });
  });

  it('JSON: an element holding bytes that are not UTF-8 is a SOURCE_INVALID_ENCODING reject (not U+FFFD loaded); UTF-8 cut by a chunk is fine', async () => {
    const whole = await readAll(json('json-invalid-utf8.json'));
    expect(codes(whole)).toEqual(['record', 'SOURCE_INVALID_ENCODING', 'record']);
    expect(rejects(whole)[0]!.error).toMatchObject({ message: expect.stringMatching(/^array element 1 holds bytes that are not valid UTF-8 \(the first at byte offset \d+\)/), pos: { line: 3, index: 1 } });
    expect(records(whole).map((r) => r.data['name'])).toEqual(['Zoë', 'ok €']);
    for (const chunkBytes of [1, 2, 3, 5]) expect(await readAll(json('json-invalid-utf8.json', { chunkBytes }))).toEqual(whole);
    const p = tmp.write('cut.json', `[{"a": "${'€ë😀'.repeat(50)}"}, {"b": "x"}]`);
    for (const chunkBytes of [1, 2, 3, 7]) expect(codes(await readAll(json(p, { chunkBytes })))).toEqual(['record', 'record']);
    const end = tmp.write('end.json', Buffer.concat([Buffer.from('[{"a": "x"}, {"b": "'), Buffer.from([0xe2, 0x82])]));
    const r = await readUntilError(json(end));
    expect(codes(r.items)).toEqual(['record']);
    expect(r.error).toMatchObject({ code: 'SOURCE_PARSE', message: expect.stringContaining('the file ends inside the array: is it truncated?') });
  });

  it('a binary file (a PDF, NUL bytes) is a fatal SOURCE_BINARY saying what it is', async () => {
    await expect(readAll(json('json-pdf.json'))).rejects.toMatchObject({ code: 'SOURCE_BINARY', message: 'json-pdf.json is a PDF document, not a JSON file' });
    const nul = tmp.write('nul.ndjson', Buffer.from('{"id": 1}\n{"id": \u0000\u0000\u00002}\n'));
    await expect(readAll(ndjson(nul))).rejects.toMatchObject({ code: 'SOURCE_BINARY', message: `${nul} does not look like a text file (a NUL byte at offset 17)` });
  });
});

describe('JSON and NDJSON: control characters', () => {
  it('JSON: an escaped NUL or ESC is a SOURCE_CONTROL_CHARACTER reject naming the path, line and character; clean records are untouched', async () => {
    const items = await readAll(json('json-nul-escape.json'));
    expect(codes(items)).toEqual(['record', 'SOURCE_CONTROL_CHARACTER', 'SOURCE_CONTROL_CHARACTER', 'record']);
    expect(rejects(items).map((r) => ({ ...r.error, pos: r.error.pos.line }))).toEqual([
      { code: 'SOURCE_CONTROL_CHARACTER', message: 'field "notes" holds NUL (U+0000) at character 7', field: 'notes', value: 'before\u0000after', pos: 3 },
      { code: 'SOURCE_CONTROL_CHARACTER', message: 'field "tags[2]" holds ESC (U+001B) at character 4', field: 'tags[2]', value: 'esc\u001b[0m', pos: 4 },
    ]);
    expect(rejects(items)[0]!.data).toEqual({ id: 'T-2', notes: 'before\u0000after' });
    expect(records(items)[1]!).toEqual({ data: { id: 'T-4', notes: 'café is clean' }, pos: { source: 'json-nul-escape.json', line: 5, index: 3, byteOffset: readFileSync(resolve(BAD, 'json-nul-escape.json')).indexOf('{"id": "T-4"') } });
  });

  it('JSON under controlCharacters: strip: the strings are cleaned and the record carries SOURCE_CONTROL_STRIPPED warnings', async () => {
    const items = await readAll(json('json-nul-escape.json', {}, 'strip'));
    expect(codes(items)).toEqual(['record', 'record', 'record', 'record']);
    const [, two, three] = records(items);
    expect(two!.data).toEqual({ id: 'T-2', notes: 'beforeafter' });
    expect(two!.warnings).toEqual([{ code: 'SOURCE_CONTROL_STRIPPED', field: 'notes', message: 'removed 1 control character (NUL U+0000) from field "notes" (the first: NUL (U+0000) at character 7)', pos: two!.pos }]);
    expect(three!.data).toEqual({ id: 'T-3', tags: ['ok', 'fine', 'esc[0m'] });
    expect(three!.warnings).toMatchObject([{ code: 'SOURCE_CONTROL_STRIPPED', field: 'tags[2]', message: 'removed 1 control character (ESC U+001B) from field "tags" (the first: ESC (U+001B) in tags[2])' }]);
    expect(records(items)[0]!.warnings).toBeUndefined();
  });

  it('JSON: a raw C1 control (valid JSON), DEL and a property name holding one are caught too', async () => {
    const p = tmp.write('c1.json', `[{"a": "x\u0085y"}, {"b": "\u007f"}, {"k\\u0001": 1}, {"c": "\u00a3 and \u00e9 are text"}]`);
    const items = await readAll(json(p));
    expect(items.map((i) => (i.kind === 'reject' ? i.reject.error.field : 'record'))).toEqual(['a', 'b', 'k\u0001', 'record']);
    expect(rejects(items)[0]!.error.message).toBe('field "a" holds U+0085 (a C1 control) at character 2');
  });

  it('NDJSON: an escaped NUL is a reject with its line and raw text; a raw C1 control too; a raw (unescaped) ESC is a control-character reject, not a parse error', async () => {
    const nul = await readAll(ndjson('ndjson-nul.ndjson'));
    expect(codes(nul)).toEqual(['record', 'SOURCE_CONTROL_CHARACTER', 'record']);
    expect(rejects(nul)[0]).toMatchObject({ error: { field: 'notes', message: 'field "notes" holds NUL (U+0000) at character 7', pos: { line: 2 } }, raw: '{"id": "T-2", "notes": "before\\u0000after"}' });
    const c1 = await readAll(ndjson('ndjson-c1.ndjson'));
    expect(rejects(c1).map((r) => [r.error.code, r.error.field, r.error.message, r.error.pos.line])).toEqual([
      ['SOURCE_CONTROL_CHARACTER', 'notes', 'field "notes" holds U+0093 (a C1 control) at character 1', 2],
      ['SOURCE_CONTROL_CHARACTER', '', 'line holds ESC (U+001B) at character 29, unescaped (JSON needs it escaped, e.g. \\u0000)', 3],
    ]);
  });

  it('NDJSON under strip: cleaned records with warnings, escaped or raw', async () => {
    const items = await readAll(ndjson('ndjson-c1.ndjson', {}, 'strip'));
    expect(records(items).map((r) => [r.data['notes'], r.warnings?.map((w) => [w.code, w.field])])).toEqual([
      ['clean', undefined],
      ['quoted', [['SOURCE_CONTROL_STRIPPED', 'notes']]],
      ['raw  escape', [['SOURCE_CONTROL_STRIPPED', '']]],
    ]);
    expect(records(items)[2]!.warnings?.map((w) => w.message)).toEqual(['removed 1 control character (ESC U+001B), unescaped, from the line']);
    const nul = records(await readAll(ndjson('ndjson-nul.ndjson', {}, 'strip')));
    expect(nul[1]!.data['notes']).toBe('beforeafter');
    expect(nul[1]!.warnings?.map((w) => w.message)).toEqual(['removed 1 control character (NUL U+0000) from field "notes" (the first: NUL (U+0000) at character 7)']);
    const two = tmp.write('two-controls.ndjson', '{"notes": "a\\u0000b\\u0007c", "tags": ["\\u0000", "x\u0085"]}\n');
    expect(records(await readAll(ndjson(two, {}, 'strip')))[0]!.warnings?.map((w) => w.message)).toEqual([
      'removed 2 control characters (NUL U+0000, BEL U+0007) from field "notes" (the first: NUL (U+0000) at character 2)',
      'removed 2 control characters (NUL U+0000, U+0085) from field "tags" (the first: NUL (U+0000) in tags[0])',
    ]);
  });
});
