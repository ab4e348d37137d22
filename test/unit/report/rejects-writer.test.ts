import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { createRejectsWriter } from '../../../src/report/rejects-writer.js';
import { escapeHtml } from '../../../src/report/write-report-html.js';
import type { RowError } from '../../../src/core/record.js';
import { it } from '../../helpers/fixtures.js';

const err = (line: number, code: RowError['code'] = 'ROW_REQUIRED'): RowError => ({ code, message: 'm', field: 'f', pos: { source: 's.csv', line, index: line - 2 } });

describe('createRejectsWriter', () => {
  it('keeps values exactly (formula-looking cells included), per-step files with that step\'s columns, combined union', async ({ tmp: dir }) => {
    const w = await createRejectsWriter(dir);
    w.columns('a', ['Id', 'Name', 'Name'], ['Id', 'Name', 'Name_2']);
    w.write({ step: 'a', error: err(2), data: { Id: '1', Name: '=1+1', Name_2: '@x' } });
    w.write({ step: 'b', error: err(5, 'ROW_DUPLICATE_KEY'), data: { Key: 'k', Extra: { nested: true } } });
    const files = await w.close();
    expect(files).toEqual({ combined: 'rejects.csv', perStep: { a: 'rejects-a.csv', b: 'rejects-b.csv' }, rows: 2 });
    expect(readFileSync(join(dir, 'rejects-a.csv'), 'utf8')).toBe('Id,Name,Name,_line,_step,_code,_field,_message\n1,=1+1,@x,2,a,ROW_REQUIRED,f,m\n');
    const all = parse(readFileSync(join(dir, 'rejects.csv'), 'utf8')) as string[][];
    expect(all[0]).toEqual(['Id', 'Name', 'Name', 'Key', 'Extra', '_line', '_step', '_code', '_field', '_message']);
    expect(all[2]).toEqual(['', '', '', 'k', '{"nested":true}', '5', 'b', 'ROW_DUPLICATE_KEY', 'f', 'm']);
  });

  it('quotes a bare CR, so a reader taking CR as a line end reads the value back unchanged (no prefix)', async ({ tmp: dir }) => {
    const w = await createRejectsWriter(dir);
    w.write({ step: 'a', error: err(2), data: { Id: '1', Name: 'Mid\r=2+2' } });
    await w.close();
    const text = readFileSync(join(dir, 'rejects-a.csv'), 'utf8');
    expect(text).toBe('Id,Name,_line,_step,_code,_field,_message\n1,"Mid\r=2+2",2,a,ROW_REQUIRED,f,m\n');
    expect(parse(text, { record_delimiter: ['\r\n', '\n', '\r'] })).toEqual([
      ['Id', 'Name', '_line', '_step', '_code', '_field', '_message'],
      ['1', 'Mid\r=2+2', '2', 'a', 'ROW_REQUIRED', 'f', 'm'],
    ]);
  });

  it('reads back U+2028 and U+2029 in values and column names (Node 24 readline splits the spool on them)', async ({ tmp: dir }) => {
    const w = await createRejectsWriter(dir);
    w.write({ step: 'a', error: { ...err(2), message: 'm\u2029n' }, data: { 'I\u2028d': 'x\u2028=1', Name: 'y\u2029z' } });
    await w.close();
    expect(parse(readFileSync(join(dir, 'rejects-a.csv'), 'utf8'))).toEqual([
      ['I\u2028d', 'Name', '_line', '_step', '_code', '_field', '_message'],
      ['x\u2028=1', 'y\u2029z', '2', 'a', 'ROW_REQUIRED', 'f', 'm\u2029n'],
    ]);
  });

  it('writes a header-only rejects.csv when nothing was rejected', async ({ tmp: dir }) => {
    const w = await createRejectsWriter(dir);
    w.columns('a', ['Id']);
    expect((await w.close()).perStep).toEqual({});
    expect(readFileSync(join(dir, 'rejects.csv'), 'utf8')).toBe('_line,_step,_code,_field,_message\n');
    expect(existsSync(join(dir, 'rejects-a.csv'))).toBe(false);
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  });
});
