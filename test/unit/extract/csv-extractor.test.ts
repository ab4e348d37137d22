import { describe, expect, it } from 'vitest';
import { ZpetlError } from '../../../src/core/errors.js';
import { createExtractor } from '../../../src/extract/create-extractor.js';
import { SourceSchema, type SourceInput } from '../../../src/extract/source-schema.js';
import type { ExtractorOptions } from '../../../src/extract/types.js';
import { FIXTURES, posOf, readAll, records, rejects, tempDir } from '../../helpers/extract-helpers.js';

const csv = (path: string, extra: Partial<SourceInput> = {}, opts: Partial<ExtractorOptions> = {}) =>
  createExtractor(SourceSchema.parse({ type: 'csv', path, ...extra }), { baseDir: FIXTURES, ...opts });

const tmp = tempDir();

/**
 * The nasty-input suite: each fixture with its expected accounting. `dataRows` is the number of data
 * rows in the file as a person counts them; records + rejects must equal it.
 */
const SUITE: {
  file: string;
  source?: Partial<SourceInput>;
  dataRows: number;
  records: number;
  rejects: { code: string; line: number; field?: string }[];
  lines: number[];
}[] = [
  { file: 'bom-crlf.csv', dataRows: 3, records: 3, rejects: [], lines: [2, 3, 4] },
  { file: 'semicolon.csv', dataRows: 3, records: 3, rejects: [], lines: [2, 3, 4] },
  { file: 'tab.tsv', dataRows: 2, records: 2, rejects: [], lines: [2, 3] },
  { file: 'latin1.csv', source: { encoding: 'latin1' }, dataRows: 2, records: 2, rejects: [], lines: [2, 3] },
  { file: 'latin1.csv', dataRows: 2, records: 2, rejects: [], lines: [2, 3] },
  {
    file: 'latin1.csv',
    source: { encoding: 'utf8' },
    dataRows: 2,
    records: 0,
    rejects: [
      { code: 'SOURCE_INVALID_ENCODING', line: 2, field: 'name' },
      { code: 'SOURCE_INVALID_ENCODING', line: 3, field: 'name' },
    ],
    lines: [2, 3],
  },
  { file: 'utf16le.csv', dataRows: 2, records: 2, rejects: [], lines: [2, 3] },
  { file: 'unclosed-quote.csv', dataRows: 5, records: 4, rejects: [{ code: 'SOURCE_UNCLOSED_QUOTE', line: 3, field: 'name' }], lines: [2, 3, 4, 5, 6] },
  {
    file: 'ragged.csv',
    dataRows: 4,
    records: 2,
    rejects: [
      { code: 'SOURCE_FIELD_COUNT', line: 3 },
      { code: 'SOURCE_FIELD_COUNT', line: 4 },
    ],
    lines: [2, 3, 4, 5],
  },
  { file: 'ragged.csv', source: { relaxColumnCount: true }, dataRows: 4, records: 3, rejects: [{ code: 'SOURCE_FIELD_COUNT', line: 4 }], lines: [2, 3, 4, 5] },
  { file: 'embedded-newlines.csv', dataRows: 3, records: 3, rejects: [], lines: [2, 4, 7] },
  { file: 'empty.csv', dataRows: 0, records: 0, rejects: [], lines: [] },
  { file: 'header-only.csv', dataRows: 0, records: 0, rejects: [], lines: [] },
  { file: 'duplicate-headers.csv', source: { duplicateHeaders: 'number' }, dataRows: 2, records: 2, rejects: [], lines: [2, 3] },
  { file: 'invalid-utf8.csv', dataRows: 3, records: 2, rejects: [{ code: 'SOURCE_INVALID_ENCODING', line: 3, field: 'name' }], lines: [2, 3, 4] },
  { file: 'blank-lines.csv', dataRows: 2, records: 2, rejects: [], lines: [3, 6] },
];

describe('CSV extractor: nasty inputs with their accounting', () => {
  for (const c of SUITE) {
    it(`${c.file} ${c.source ? JSON.stringify(c.source) : ''}`, async () => {
      const items = await readAll(csv(c.file, c.source));
      const recs = records(items);
      const rejs = rejects(items);
      expect(recs.length).toBe(c.records);
      expect(rejs.map((r) => ({ code: r.error.code, line: r.error.pos.line, ...(c.rejects.find((x) => x.line === r.error.pos.line)?.field !== undefined ? { field: r.error.field } : {}) }))).toEqual(c.rejects);
      // Accounting: every data row is a record or a reject, each with its own index.
      expect(recs.length + rejs.length).toBe(c.dataRows);
      expect(items.map(posOf).map((p) => p.index)).toEqual([...Array(c.dataRows).keys()]);
      expect(items.map((i) => posOf(i).line)).toEqual(c.lines);
      for (const r of rejs) expect(r.error.message.length).toBeGreaterThan(10);
    });
  }

  it('BOM + CRLF: BOM stripped from the first header, CR not in values, byte offsets count the BOM', async () => {
    const ex = csv('bom-crlf.csv');
    const recs = records(await readAll(ex));
    expect(ex.header()?.keys).toEqual(['id', 'name', 'amount']);
    expect(recs.map((r) => r.data)).toEqual([
      { id: '1', name: 'Alice', amount: '10' },
      { id: '2', name: 'Bob, Jr.', amount: '20' },
      { id: '3', name: 'Carol', amount: '30' },
    ]);
    expect(recs[0]!.pos.byteOffset).toBe(3 + 'id,name,amount\r\n'.length);
  });

  it('semicolon and tab delimiters are detected; an explicit delimiter wins', async () => {
    expect(records(await readAll(csv('semicolon.csv')))[1]!.data).toEqual({ id: '2', name: 'Dupont; Jean', amount: '2,25' });
    expect(records(await readAll(csv('tab.tsv')))[0]!.data).toEqual({ id: '1', name: 'Alice', note: 'has, comma' });
    const forced = await readAll(csv('semicolon.csv', { delimiter: ',' }));
    expect(forced.length).toBe(3); // read with the wrong delimiter, rows are still accounted for
  });

  it('latin1 and UTF-16LE decode, and byte offsets refer to the raw file', async () => {
    const l = records(await readAll(csv('latin1.csv', { encoding: 'latin1' })));
    expect(l.map((r) => r.data.name)).toEqual(['José', 'François']);
    expect(l[1]!.pos.byteOffset).toBe('id,name,city\n1,Jos\xe9,S\xe3o Paulo\n'.length);
    const u = records(await readAll(csv('utf16le.csv')));
    expect(u.map((r) => r.data.name)).toEqual(['Zoë', 'Ωmega, Inc']);
    expect(u[0]!.pos.byteOffset).toBe(2 + 2 * 'id,name\r\n'.length);
    expect(u[1]!.pos.byteOffset).toBe(2 + 2 * 'id,name\r\n1,Zoë\r\n'.length);
  });

  it('unclosed quote: reject at the line the quote opened, reading goes on at the next line', async () => {
    const items = await readAll(csv('unclosed-quote.csv'));
    const rej = rejects(items)[0]!;
    expect(rej.error).toMatchObject({ code: 'SOURCE_UNCLOSED_QUOTE', field: 'name', pos: { line: 3, index: 1 } });
    expect(rej.error.message).toContain('line 3');
    expect(rej.data).toEqual({ id: '2' });
    expect(rej.raw).toBe('2,"Bob,broken\n');
    expect(records(items).map((r) => r.data.id)).toEqual(['1', '3', '4', '5']);
    expect(records(items)[2]!.data.note).toBe('said "hi"');
  });

  it('unclosed quote with no closing quote before the end of the file', async () => {
    const p = tmp.write('open-to-eof.csv', 'id,name\n1,a\n2,"b\n3,c\n4,d\n');
    const items = await readAll(csv(p));
    expect(rejects(items).map((r) => [r.error.code, r.error.pos.line])).toEqual([['SOURCE_UNCLOSED_QUOTE', 3]]);
    expect(records(items).map((r) => [r.data.id, r.pos.line])).toEqual([
      ['1', 2],
      ['3', 4],
      ['4', 5],
    ]);
  });

  it('ragged rows keep the columns they have, and the raw text', async () => {
    const rej = rejects(await readAll(csv('ragged.csv')));
    expect(rej[0]!.data).toEqual({ id: '2', name: 'Bob' });
    expect(rej[1]!.data).toEqual({ id: '3', name: 'Carol', note: 'x' });
    expect(rej[1]!.raw).toBe('3,Carol,x,extra\n');
    expect(rej[1]!.error.message).toBe('row has 4 fields, the header has 3');
  });

  it('embedded newlines stay in the value; the line is where the record starts', async () => {
    const recs = records(await readAll(csv('embedded-newlines.csv')));
    expect(recs[0]!.data.note).toBe('line one\r\nline two');
    expect(recs[1]!.data.note).toBe('a\nb\nc');
  });

  it('empty file: zero rows and a SOURCE_EMPTY warning; header-only: zero rows and a SOURCE_NO_RECORDS warning', async () => {
    const empty = csv('empty.csv');
    expect(await readAll(empty)).toEqual([]);
    expect(empty.warnings().map((w) => w.code)).toEqual(['SOURCE_EMPTY']);
    const headerOnly = csv('header-only.csv');
    expect(await readAll(headerOnly)).toEqual([]);
    expect(headerOnly.warnings().map((w) => [w.code, w.message])).toEqual([['SOURCE_NO_RECORDS', 'header-only.csv: no records after the header']]);
    expect(headerOnly.header()?.names).toEqual(['id', 'name', 'note']);
  });

  it('duplicate headers under duplicateHeaders: number become name, name_2 (original names kept in order for rejects.csv) with warnings', async () => {
    const ex = csv('duplicate-headers.csv', { duplicateHeaders: 'number' });
    const recs = records(await readAll(ex));
    expect(ex.header()).toEqual({
      names: ['id', 'name', 'name', '', 'id'],
      keys: ['id', 'name', 'name_2', 'column_4', 'id_2'],
      repeated: [
        { name: 'id', columns: [1, 5], keys: ['id', 'id_2'] },
        { name: 'name', columns: [2, 3], keys: ['name', 'name_2'] },
      ],
    });
    expect(recs[0]!.data).toEqual({ id: '1', name: 'a', name_2: 'b', column_4: 'c', id_2: 'd' });
    expect(ex.warnings().filter((w) => w.code === 'SOURCE_DUPLICATE_HEADER')).toHaveLength(2);
  });

  it('very long fields: over maxFieldChars is a reject; far over the record guard, reading recovers at the next line', async () => {
    const long = 'x'.repeat(150_000);
    const huge = 'y'.repeat(3_000_000);
    const p = tmp.write('long.csv', `id,text\n1,${long}\n2,short\n3,"${huge}"\n4,after\n`);
    const items = await readAll(csv(p));
    expect(items.map((i) => [i.kind, posOf(i).line, i.kind === 'reject' ? i.reject.error.code : ''])).toEqual([
      ['reject', 2, 'SOURCE_FIELD_TOO_LONG'],
      ['record', 3, ''],
      ['reject', 4, 'SOURCE_UNCLOSED_QUOTE'],
      ['record', 5, ''],
    ]);
    const r = rejects(items)[0]!;
    expect(r.error.field).toBe('text');
    expect(String(r.error.value).length).toBeLessThan(300);
    const ok = await readAll(csv(p, { maxFieldChars: 200_000 }));
    expect(records(ok).map((x) => x.data.id)).toEqual(['1', '2', '4']);
  });

  it('a genuine U+FFFD in valid UTF-8 is data, not an encoding error', async () => {
    const p = tmp.write('fffd.csv', 'id,name\n1,a\uFFFDb\n2,caf\xe9\n');
    const items = await readAll(csv(p));
    expect(records(items)[0]!.data.name).toBe('a\uFFFDb');
  });

  it('missing file, directory: fatal errors naming the path with a hint', async () => {
    const missing = csv('nope/missing.csv');
    await expect(readAll(missing)).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND', disposition: 'fatal' });
    await expect(readAll(missing)).rejects.toThrow(/missing\.csv/);
    const err = await readAll(missing).catch((e: unknown) => e as ZpetlError);
    expect((err as ZpetlError).hint).toMatch(/relative/);
    await expect(readAll(csv(tmp.dir))).rejects.toMatchObject({ code: 'SOURCE_UNREADABLE' });
  });

  it('any chunk size gives the same items (chunk edges inside quotes, CRLF, BOM, UTF-8 and UTF-16 characters)', async () => {
    for (const c of SUITE) {
      const full = await readAll(csv(c.file, c.source));
      for (const chunkBytes of [1, 2, 3, 5, 7, 64]) {
        expect(await readAll(csv(c.file, c.source, { chunkBytes })), `${c.file} @${chunkBytes}`).toEqual(full);
      }
    }
  });

  it('resume from any record position yields exactly the tail of a full read', async () => {
    for (const c of SUITE) {
      const full = await readAll(csv(c.file, c.source));
      for (let k = 0; k < full.length; k++) {
        const p = posOf(full[k]!);
        const tail = await readAll(csv(c.file, c.source, { startAt: { byteOffset: p.byteOffset!, index: p.index, line: p.line } }));
        expect(tail, `${c.file} from item ${k}`).toEqual(full.slice(k));
      }
    }
  });

  it('resume on a generated file with many rows and small chunks', async () => {
    const rows = ['id,name,note'];
    for (let i = 0; i < 2000; i++) rows.push(i % 97 === 0 ? `${i},"multi\r\nline ${i}",x` : i % 89 === 0 ? `${i},short` : `${i},name ${i},"q ""${i}"""`);
    const p = tmp.write('many.csv', `${rows.join('\r\n')}\r\n`);
    const full = await readAll(csv(p, {}, { chunkBytes: 333 }));
    expect(full.length).toBe(2000);
    expect(records(full).length + rejects(full).length).toBe(2000);
    for (const k of [1, 97, 98, 178, 1500, 1999]) {
      const pos = posOf(full[k]!);
      const tail = await readAll(csv(p, {}, { chunkBytes: 1000, startAt: { byteOffset: pos.byteOffset!, index: pos.index, line: pos.line } }));
      expect(tail).toEqual(full.slice(k));
    }
    await expect(readAll(csv(p, {}, { startAt: { byteOffset: 3, index: 0, line: 1 } }))).rejects.toMatchObject({ code: 'SOURCE_CHANGED' });
  });

  it('reads lazily: abort stops between chunks', async () => {
    const rows = ['id'];
    for (let i = 0; i < 100_000; i++) rows.push(String(i));
    const p = tmp.write('abort.csv', rows.join('\n'));
    const ac = new AbortController();
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of csv(p, {}, { chunkBytes: 100 }).read(ac.signal)) {
          if (++n === 10) ac.abort(new Error('stop'));
        }
      })(),
    ).rejects.toThrow('stop');
    // The first chunk (64 KiB head) holds ~11 000 rows; nothing after it is read.
    expect(n).toBeLessThan(20_000);
  });
});

describe('CSV extractor: encodings, header controls, empty files', () => {
  it('a Shift_JIS file declared shift_jis: fields decoded, byte offsets in file bytes; a broken sequence is a reject with its line', async () => {
    const bytes = Buffer.from([...Buffer.from('id,name\n1,'), 0x93, 0xfa, 0x96, 0x7b, 0x0a, ...Buffer.from('2,'), 0x41, 0x93, 0x0a, ...Buffer.from('3,ok\n')]);
    const p = tmp.write('sjis.csv', bytes);
    const items = await readAll(csv(p, { encoding: 'sjis' }));
    expect(records(items).map((r) => [r.data.name, r.pos.line, r.pos.byteOffset])).toEqual([
      ['日本', 2, 8],
      ['ok', 4, 8 + 7 + 5],
    ]);
    const r = rejects(items)[0]!;
    expect([r.error.code, r.error.field, r.error.pos.line]).toEqual(['SOURCE_INVALID_ENCODING', 'name', 3]);
    expect(r.error.message).toBe('field "name" holds bytes that are not valid shift_jis (at character 2); the bytes look like windows-1252: set encoding: windows-1252');
  });

  it('a byte the declared code page does not define is a SOURCE_INVALID_ENCODING reject', async () => {
    const p = tmp.write('1253.csv', Buffer.from('id,name\n1,\xe1\xe2\n2,\xd2\n', 'latin1'));
    const items = await readAll(csv(p, { encoding: 'windows-1253' }));
    expect(records(items).map((r) => r.data.name)).toEqual(['αβ']);
    expect(rejects(items).map((r) => [r.error.code, r.error.field, r.error.pos.line])).toEqual([['SOURCE_INVALID_ENCODING', 'name', 3]]);
  });

  it('a header cell with a control character: fatal under reject, stripped with a warning under strip', async () => {
    const p = tmp.write('hdr-ctl.csv', 'id,na\u0007me\n1,a\n');
    await expect(readAll(csv(p))).rejects.toMatchObject({ code: 'SOURCE_CONTROL_CHARACTER', message: `${p} line 1: header cell 2 ("na?me") holds BEL (U+0007) at character 3` });
    const ex = csv(p, { controlCharacters: 'strip' });
    expect(records(await readAll(ex))[0]!.data).toEqual({ id: '1', name: 'a' });
    expect(ex.warnings().map((w) => [w.code, w.message])).toEqual([['SOURCE_CONTROL_STRIPPED', `${p} line 1: removed 1 control character (BEL U+0007) from header cell 2 ("na?me")`]]);
  });

  it('a BOM only, or only blank lines: SOURCE_EMPTY "file is empty: no header line"', async () => {
    for (const [name, content] of [['bom-only.csv', '\uFEFF'], ['blank-only.csv', '\n\r\n\n']] as const) {
      const ex = csv(tmp.write(name, content));
      expect(await readAll(ex)).toEqual([]);
      expect(ex.warnings().map((w) => w.message), name).toEqual([`${tmp.dir}/${name}: file is empty: no header line`]);
    }
  });

  it('a header followed only by rejects is not SOURCE_NO_RECORDS (the rows are accounted for)', async () => {
    const ex = csv(tmp.write('only-rejects.csv', 'id,name\n1,a,extra\n'));
    expect(rejects(await readAll(ex))).toHaveLength(1);
    expect(ex.warnings()).toEqual([]);
  });

  it('a control character in a later chunk of a big UTF-8 file is caught (the chunk scan marks it)', async () => {
    const rows = ['id,note'];
    for (let i = 0; i < 5000; i++) rows.push(i === 4000 ? `${i},bad\u0000x` : `${i},fine ${i}`);
    const items = await readAll(csv(tmp.write('big-ctl.csv', `${rows.join('\n')}\n`), {}, { chunkBytes: 4096 }));
    expect(rejects(items).map((r) => [r.error.code, r.error.pos.line])).toEqual([['SOURCE_CONTROL_CHARACTER', 4002]]);
    expect(records(items)).toHaveLength(4999);
  });
});


describe('a column named __proto__', () => {
  it('is read as data (an own property), in records and in the columns a reject keeps', async () => {
    const path = tmp.write('proto.csv', 'id,__proto__,name\n1,x,Ann\n2,y\n');
    const items = await readAll(csv(path));
    const [rec] = records(items);
    expect(Object.getOwnPropertyNames(rec!.data).sort()).toEqual(['__proto__', 'id', 'name']);
    expect(Object.getOwnPropertyDescriptor(rec!.data, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(rec!.data)).toBe(Object.prototype);
    const [rej] = rejects(items);
    expect(rej!.error.code).toBe('SOURCE_FIELD_COUNT');
    expect(Object.getOwnPropertyDescriptor(rej!.data, '__proto__')?.value).toBe('y');
  });
});
