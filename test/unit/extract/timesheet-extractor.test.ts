import { describe, expect, it } from 'vitest';
import { createExtractor } from '../../../src/extract/create-extractor.js';
import { SourceSchema, type SourceInput } from '../../../src/extract/source-schema.js';
import type { ExtractorOptions } from '../../../src/extract/types.js';
import { FIXTURES, readAll, records, rejects, tempDir } from '../../helpers/extract-helpers.js';

const ts = (path: string, extra: Partial<SourceInput>, opts: Partial<ExtractorOptions> = {}) =>
  createExtractor(SourceSchema.parse({ type: 'zoho-timesheet', path, ...extra }), { baseDir: FIXTURES, ...opts });

const tmp = tempDir();
const FMT = { dateFormat: 'YYYY-MM-DD', hoursFormat: 'decimal' } as const;

describe('Zoho timesheet extractor', () => {
  it('matches header aliases, parses DD/MM/YYYY and h.mm, keeps original columns, rejects bad values with column and value', async () => {
    const ex = ts('timesheet-hmm.csv', { dateFormat: 'DD/MM/YYYY', hoursFormat: 'h.mm' });
    const items = await readAll(ex);
    expect(items).toHaveLength(4);
    const [ann, bob] = records(items);
    expect(ann!.data).toMatchObject({
      date: '2026-03-01',
      user: 'ann@example.com',
      project: 'Apollo',
      task: 'Design',
      minutes: 90,
      billing: 'Billable',
      approval: 'Approved',
      notes: '<p>Kick-off</p>',
      startTime: '09:00',
      endTime: '10:30',
      'Log Date': '01/03/2026',
      'Time Spent': '1.30',
    });
    expect(bob!.data).toMatchObject({ minutes: 45, billing: 'Non Billable', approval: 'Unapproved' });
    expect(bob!.data).not.toHaveProperty('notes');
    const [badDate, badHours] = rejects(items);
    expect(badDate!.error).toMatchObject({ code: 'ROW_INVALID_DATE', field: 'Log Date', value: '31/02/2026', pos: { line: 4 } });
    expect(badHours!.error).toMatchObject({ code: 'ROW_INVALID_DURATION', field: 'Time Spent', value: '1.75', pos: { line: 5 } });
    expect(badHours!.error.message).toMatch(/\.00–\.59/);
    expect(badHours!.data).toEqual(expect.not.objectContaining({ minutes: expect.anything() }));
    expect(ex.header()?.names[0]).toBe('Log Date');
  });

  it('the same file read as decimal hours gives different minutes (format is explicit)', async () => {
    const recs = records(await readAll(ts('timesheet-hmm.csv', { dateFormat: 'DD/MM/YYYY', hoursFormat: 'decimal' })));
    expect(recs.map((r) => r.data.minutes)).toEqual([78, 27, 105]);
  });

  it('lower-case headers, ; delimiter, decimal hours with comma; a header named like a canonical field keeps its text under _source', async () => {
    const ex = ts('timesheet-decimal.csv', { dateFormat: 'YYYY-MM-DD', hoursFormat: 'decimal' });
    const recs = records(await readAll(ex));
    expect(recs.map((r) => r.data.minutes)).toEqual([90, 15]);
    expect(recs[0]!.data).toMatchObject({ date: '2026-03-01', date_source: '2026-03-01', user: 'ann@example.com', user_source: 'ann@example.com', HOURS: '1,5' });
    expect(ex.header()?.keys).toEqual(['date_source', 'user_source', 'HOURS', 'project_source']);
  });

  it('a header without a date or hours column is a fatal SOURCE_MISSING_COLUMN naming the accepted aliases', async () => {
    await expect(readAll(ts('ragged.csv', { dateFormat: 'YYYY-MM-DD', hoursFormat: 'hh:mm' }))).rejects.toMatchObject({
      code: 'SOURCE_MISSING_COLUMN',
      hint: expect.stringContaining('Log Date'),
    });
  });

  it('resumes from any row position with the same items as a full read; tiny chunks change nothing', async () => {
    const src = { type: 'zoho-timesheet', path: 'timesheet-hmm.csv', dateFormat: 'DD/MM/YYYY', hoursFormat: 'h.mm' } as const;
    const full = await readAll(createExtractor(SourceSchema.parse(src), { baseDir: FIXTURES }));
    expect(await readAll(createExtractor(SourceSchema.parse(src), { baseDir: FIXTURES, chunkBytes: 3 }))).toEqual(full);
    for (let k = 0; k < full.length; k++) {
      const item = full[k]!;
      const p = item.kind === 'record' ? item.record.pos : item.reject.error.pos;
      const tail = await readAll(createExtractor(SourceSchema.parse(src), { baseDir: FIXTURES, startAt: { byteOffset: p.byteOffset!, index: p.index, line: p.line } }));
      expect(tail).toEqual(full.slice(k));
    }
  });

  it('the schema requires hoursFormat and a valid dateFormat', () => {
    expect(SourceSchema.safeParse({ type: 'zoho-timesheet', path: 'a.csv', dateFormat: 'DD/MM/YYYY' }).success).toBe(false);
    const bad = SourceSchema.safeParse({ type: 'zoho-timesheet', path: 'a.csv', dateFormat: 'DD/QQ/YYYY', hoursFormat: 'h.mm' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/unknown token/);
  });

  it('a Windows-1252 export is read under encoding auto: notes decoded, a SOURCE_ENCODING_FALLBACK warning', async () => {
    const p = tmp.write('ts-1252.csv', Buffer.from('Date,Hours,Notes\n2026-03-01,1,\x93Kick-off\x94 \x96 done\n', 'latin1'));
    const ex = ts(p, FMT);
    expect(records(await readAll(ex)).map((r) => r.data.notes)).toEqual(['\u201CKick-off\u201D \u2013 done']);
    expect(ex.warnings().map((w) => w.code)).toEqual(['SOURCE_ENCODING_FALLBACK']);
  });

  it('a control character in a column is a SOURCE_CONTROL_CHARACTER reject; under strip the canonical field is clean', async () => {
    const p = tmp.write('ts-nul.csv', 'Date,Hours,Notes\n2026-03-01,1,a\u0000b\n');
    expect(rejects(await readAll(ts(p, FMT))).map((r) => [r.error.code, r.error.field, r.error.pos.line])).toEqual([['SOURCE_CONTROL_CHARACTER', 'Notes', 2]]);
    const rec = records(await readAll(ts(p, { ...FMT, controlCharacters: 'strip' })))[0]!;
    expect([rec.data.notes, rec.data.Notes, rec.warnings?.map((w) => w.code)]).toEqual(['ab', 'ab', ['SOURCE_CONTROL_STRIPPED']]);
  });

  it('a header name repeated literally is a fatal SOURCE_DUPLICATE_HEADER unless read (repeatsRead) or numbered; two aliases of one field stay a warning', async () => {
    const p = tmp.write('ts-dup.csv', 'Date,Hours,Notes,Notes\n2026-03-01,1,a,b\n');
    await expect(readAll(ts(p, FMT))).rejects.toMatchObject({ code: 'SOURCE_DUPLICATE_HEADER', message: `${p} line 1: header "Notes" appears in columns 3 and 4` });
    const ex = ts(p, FMT, { repeatsRead: new Set(['Notes']) });
    expect(records(await readAll(ex))[0]!.data).toMatchObject({ notes: 'a', Notes: 'a', Notes_2: 'b' });
    expect(ex.header()?.repeated).toEqual([{ name: 'Notes', columns: [3, 4], keys: ['Notes', 'Notes_2'] }]);
    expect(records(await readAll(ts(p, { ...FMT, duplicateHeaders: 'number' })))[0]!.data.Notes_2).toBe('b');
    const aliases = tmp.write('ts-alias.csv', 'Date,Hours,Email,Owner\n2026-03-01,1,a@x.io,b@x.io\n');
    const ax = ts(aliases, FMT);
    expect(records(await readAll(ax))[0]!.data.user).toBe('a@x.io');
    expect(ax.warnings().map((w) => [w.code, w.field])).toEqual([['SOURCE_DUPLICATE_HEADER', 'Owner']]);
  });
});
