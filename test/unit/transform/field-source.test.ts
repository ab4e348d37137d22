import { describe, expect, it } from 'vitest';
import { createExtractor } from '../../../src/extract/create-extractor.js';
import { SourceSchema } from '../../../src/extract/source-schema.js';
import { FieldsSchema } from '../../../src/transform/field-spec.js';
import { compileMapping } from '../../../src/transform/map-record.js';
import { readAll, records, tempDir } from '../../helpers/extract-helpers.js';

const pos = { source: 'issues.csv', line: 3, index: 1 };
const mapper = (fields: unknown) => {
  const map = compileMapping(FieldsSchema.parse(fields));
  return (data: Record<string, unknown>) => map({ data, pos });
};
const values = (fields: unknown, data: Record<string, unknown>) => {
  const r = mapper(fields)(data);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value.values;
};

describe('template', () => {
  const fields = { name: { template: '{Summary} ({Issue key})' } };
  it('joins columns with the literal text; an empty column gives empty text', () => {
    expect(values(fields, { Summary: 'Fix login', 'Issue key': 'OPS-12' })).toEqual({ name: 'Fix login (OPS-12)' });
    expect(values(fields, { Summary: 'Fix login', 'Issue key': '  ' })).toEqual({ name: 'Fix login ()' });
    expect(values({ t: { template: '{{{Key}}}' } }, { Key: 'A' })).toEqual({ t: '{A}' });
  });
  it('JSON values become text: numbers as written, lists joined with ", "', () => {
    expect(values({ t: { template: '{n} h, {tags}' } }, { n: 1.5, tags: ['a', 'b'] })).toEqual({ t: '1.5 h, a, b' });
  });
  it('every column empty counts as missing: default, then required', () => {
    expect(values(fields, { Summary: '', 'Issue key': '' })).toEqual({});
    expect(values({ name: { ...fields.name, default: 'untitled' } }, {})).toEqual({ name: 'untitled' });
    expect(mapper({ name: { ...fields.name, required: true } })({ Summary: '' })).toEqual({
      ok: false,
      error: { code: 'ROW_REQUIRED', message: 'required field "name" (template "{Summary} ({Issue key})") is empty', field: 'name', pos },
    });
  });
  it('converters run on the joined text', () => {
    expect(values({ name: { template: '{First}  {Last}', converter: [{ type: 'trim', collapse: true }, 'upper'] } }, { First: 'Jonas', Last: 'Müller' })).toEqual({ name: 'JONAS MÜLLER' });
  });
});

describe('coalesce', () => {
  const fields = { owner: { coalesce: ['Assignee', 'Reporter'], lookup: { kind: 'user-by-email' } } };
  it('takes the first column that is not empty, and looks it up', () => {
    const r = mapper(fields)({ Assignee: ' ', Reporter: 'r@x.com' });
    expect(r).toEqual({ ok: true, value: { values: { owner: 'r@x.com' }, lookups: [{ field: 'owner', spec: { kind: 'user-by-email' }, value: 'r@x.com' }] } });
    expect(values(fields, { Assignee: 'a@x.com', Reporter: 'r@x.com' })).toEqual({ owner: 'a@x.com' });
  });
  it('all empty is missing; required names the columns', () => {
    expect(values(fields, {})).toEqual({});
    expect(mapper({ owner: { coalesce: ['Assignee', 'Reporter'], required: true } })({})).toMatchObject({ ok: false, error: { code: 'ROW_REQUIRED', message: 'required field "owner" (columns "Assignee", "Reporter") is empty' } });
  });
});

describe('collect', () => {
  const fields = { tags: { collect: 'Labels' } };
  it('gathers Labels, Labels_2, Labels_3 … into a list, dropping empties', () => {
    expect(values(fields, { Labels: 'ops', Labels_2: '', Labels_3: 'backend', Summary: 'x' })).toEqual({ tags: ['ops', 'backend'] });
    expect(values(fields, { Labels: '', Labels_2: 'only' })).toEqual({ tags: ['only'] });
  });
  it('a JSON array value is taken as it is (empty elements dropped)', () => {
    expect(values(fields, { Labels: ['a', '', 'b', null] })).toEqual({ tags: ['a', 'b'] });
  });
  it('no values is missing: default or ROW_REQUIRED', () => {
    expect(values(fields, { Labels: '', Labels_2: ' ' })).toEqual({});
    expect(values({ tags: { collect: 'Labels', default: ['none'] } }, {})).toEqual({ tags: ['none'] });
    expect(mapper({ tags: { collect: 'Labels', required: true } })({ Labels: '' })).toMatchObject({ ok: false, error: { message: 'required field "tags" (columns "Labels", "Labels_2" …) is empty' } });
  });
  it('converters apply to each element; a lookup is collected per element', () => {
    const r = mapper({ owners: { collect: 'Watcher', converter: 'lower', lookup: { kind: 'user-by-email' } } })({ Watcher: 'A@x.com', Watcher_2: 'B@x.com' });
    expect(r.ok && r.value.lookups.map((l) => [l.value, l.item])).toEqual([['a@x.com', 0], ['b@x.com', 1]]);
  });
  it('one compiled mapping serves rows with different numbers of repeats', () => {
    const map = mapper(fields);
    const tags = (d: Record<string, unknown>) => { const r = map(d); return r.ok ? r.value.values.tags : r.error.code; };
    expect(tags({ Labels: 'a', Labels_2: 'b', Labels_3: 'c', Labels_4: 'd' })).toEqual(['a', 'b', 'c', 'd']);
    expect(tags({ Labels: 'a' })).toEqual(['a']);
    expect(tags({ Labels: 'a', Labels_2: 'b' })).toEqual(['a', 'b']);
  });
});

describe('a real CSV export: repeated headers and multi-line cells, end to end', () => {
  const tmp = tempDir();
  it('the extractor\'s names for repeated Labels columns are what collect reads; a quoted multi-line description survives mapping and trim', async () => {
    const description = 'Steps:\r\n1. open the page\n\n2. log in  \n   (twice)';
    const csv = `Summary,Labels,Description,Labels,Labels\r\nFix login,ops,"  ${description}  ",,backend\r\n`;
    // The step collects Labels, so its repeats are read (prepare passes the names a step reads as repeatsRead).
    const ex = createExtractor(SourceSchema.parse({ type: 'csv', path: tmp.write('issues.csv', csv) }), { baseDir: tmp.dir, repeatsRead: new Set(['Labels']) });
    const [record] = records(await readAll(ex));
    expect(record!.data.Description).toBe(`  ${description}  `);
    const map = compileMapping(
      FieldsSchema.parse({
        name: { from: 'Summary' },
        tags: { collect: 'Labels' },
        description: { from: 'Description', converter: 'trim' },
        raw: { from: 'Description' },
        flat: { from: 'Description', converter: { type: 'trim', collapse: true } },
      }),
    );
    expect(map(record!)).toMatchObject({
      ok: true,
      value: { values: { name: 'Fix login', tags: ['ops', 'backend'], description, raw: `  ${description}  `, flat: 'Steps: 1. open the page 2. log in (twice)' } },
    });
  });
});
