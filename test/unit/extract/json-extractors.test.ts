import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExtractor } from '../../../src/extract/create-extractor.js';
import { sha256File } from '../../../src/extract/file-access.js';
import { SourceSchema } from '../../../src/extract/source-schema.js';
import type { ExtractorOptions } from '../../../src/extract/types.js';
import { FIXTURES, posOf, readAll, records, rejects, tempDir } from '../../helpers/extract-helpers.js';

const tmp = tempDir();
const json = (path: string, opts: Partial<ExtractorOptions> = {}) => createExtractor(SourceSchema.parse({ type: 'json', path }), { baseDir: FIXTURES, ...opts });
const ndjson = (path: string, opts: Partial<ExtractorOptions> = {}) => createExtractor(SourceSchema.parse({ type: 'ndjson', path }), { baseDir: FIXTURES, ...opts });

describe('JSON array extractor', () => {
  it('streams objects with the line and byte offset where each element starts; non-objects are rejects', async () => {
    const items = await readAll(json('array.json'));
    expect(items.map((i) => [i.kind, posOf(i).line, posOf(i).index])).toEqual([
      ['record', 2, 0],
      ['record', 3, 1],
      ['reject', 5, 2],
      ['record', 6, 3],
    ]);
    expect(records(items)[1]!.data).toEqual({ id: 2, name: 'Bob', tags: ['a', 'b'] });
    expect(records(items)[2]!.data.name).toBe('Ça va "ok"');
    expect(rejects(items)[0]!.error).toMatchObject({ code: 'SOURCE_PARSE', message: 'array element 2 is a number, not an object' });
    expect(records(items)[0]!.pos.byteOffset).toBe(4);
  });

  it('a syntax error is fatal with line and column', async () => {
    await expect(readAll(json('broken.json'))).rejects.toMatchObject({ code: 'SOURCE_PARSE', disposition: 'fatal', details: { line: 3, column: 12 } });
    await expect(readAll(json('broken.json'))).rejects.toThrow("broken.json: the JSON array breaks at line 3, column 12: expected a property name in double quotes after ',', found ','");
  });

  it('a top-level object is fatal with a hint; an empty file is zero rows with a warning; missing is SOURCE_NOT_FOUND', async () => {
    const p = tmp.write('obj.json', '{"a": 1}');
    await expect(readAll(json(p))).rejects.toMatchObject({ code: 'SOURCE_PARSE', hint: expect.stringContaining('ndjson') });
    const empty = json(tmp.write('empty.json', ''));
    expect(await readAll(empty)).toEqual([]);
    expect(empty.warnings()[0]!.code).toBe('SOURCE_EMPTY');
    await expect(readAll(json('missing.json'))).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });

  it('handles large arrays in batches and resumes by index', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: i, s: `a,]"}{ ${i}` }));
    const p = tmp.write('big.json', `[\n${rows.join(',\n')}\n]`);
    const full = await readAll(json(p, { chunkBytes: 1000 }));
    expect(full.length).toBe(3000);
    expect(posOf(full[2999]!).line).toBe(3001);
    const tail = await readAll(json(p, { startAt: { ...(posOf(full[2500]!) as { byteOffset: number; index: number; line: number }) } }));
    expect(tail).toEqual(full.slice(2500));
  });
});

describe('NDJSON extractor', () => {
  it('one object per line; bad lines are rejects with their line and reading goes on; blank lines skipped', async () => {
    const ex = ndjson('lines.ndjson');
    const items = await readAll(ex);
    expect(items.map((i) => [i.kind, posOf(i).line, posOf(i).index, i.kind === 'reject' ? i.reject.error.code : ''])).toEqual([
      ['record', 1, 0, ''],
      ['reject', 3, 1, 'SOURCE_PARSE'],
      ['reject', 4, 2, 'SOURCE_PARSE'],
      ['record', 5, 3, ''],
    ]);
    expect(rejects(items)[0]!.raw).toBe('{"id":2,"name":"Bob"');
    expect(ex.stats()).toMatchObject({ records: 2, rejects: 2, blankRows: 1 });
  });

  it('same items at any chunk size; resume by byte offset gives the tail', async () => {
    const full = await readAll(ndjson('lines.ndjson'));
    for (const chunkBytes of [1, 3, 8]) expect(await readAll(ndjson('lines.ndjson', { chunkBytes }))).toEqual(full);
    for (let k = 0; k < full.length; k++) {
      const p = posOf(full[k]!);
      expect(await readAll(ndjson('lines.ndjson', { startAt: { byteOffset: p.byteOffset!, index: p.index, line: p.line } }))).toEqual(full.slice(k));
    }
  });

  it('invalid UTF-8 line is a SOURCE_INVALID_ENCODING reject', async () => {
    const p = tmp.write('bad.ndjson', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}\n{"a":"ok"}\n')]));
    const items = await readAll(ndjson(p));
    expect(items.map((i) => (i.kind === 'reject' ? i.reject.error.code : 'record'))).toEqual(['SOURCE_INVALID_ENCODING', 'record']);
  });
});

describe('sha256File', () => {
  it('hashes a file streamingly and reports missing files', async () => {
    const p = tmp.write('h.txt', 'abc');
    expect(await sha256File(p)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    await expect(sha256File(`${p}.nope`)).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });

  it('hashes files longer than its one reused read buffer exactly, and refuses a directory', async () => {
    const body = Buffer.alloc(256 * 1024 * 3 + 17);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31 + (i >> 9)) & 0xff;
    const p = tmp.write('big.bin', body);
    expect(await sha256File(p)).toBe(createHash('sha256').update(body).digest('hex'));
    await expect(sha256File(dirname(p))).rejects.toMatchObject({ code: expect.stringMatching(/^SOURCE_/) });
  });
});
