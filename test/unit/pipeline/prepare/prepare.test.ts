import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PreparedItem } from '../../../../src/core/prepared-item.js';
import { createStepPreparer, keyNormalisers, keyOf } from '../../../../src/pipeline/prepare/prepare.js';
import { createScratchStore } from '../../../../src/pipeline/prepare/scratch-store.js';
import { LoadStepSchema } from '../../../../src/pipeline/file/schema.js';
import type { LookupResolver } from '../../../../src/transform/lookup-types.js';

const none: LookupResolver = { resolve: async () => undefined };

async function collect(file: string, extra: Record<string, unknown> = {}): Promise<{ items: PreparedItem[]; records: number; rejects: number }> {
  const step = LoadStepSchema.parse({ name: 's', entity: 'project', source: { type: 'csv', path: file, relaxColumnCount: false, ...extra }, key: ['id'], fields: { name: { from: 'name', required: true } } });
  const scratch = createScratchStore();
  try {
    const prep = createStepPreparer(step, { baseDir: 'fixtures/extract', resolver: none, scratch });
    const items: PreparedItem[] = [];
    for await (const it of prep.items()) items.push(it);
    const st = prep.extractor.stats();
    return { items, records: st.records, rejects: st.rejects };
  } finally {
    scratch.close();
  }
}

describe('prepareStep accounting over the extractor fixtures', () => {
  const files = readdirSync('fixtures/extract').filter((f) => f.endsWith('.csv'));
  it.each(files)('%s: every row comes out once, read = valid + rejected (or the step is refused: an empty file, or for the columns it names)', async (f) => {
    let got: Awaited<ReturnType<typeof collect>>;
    try {
      // A repeated header stops a step that does not read it (duplicateHeaders: error): here it is read numbered.
      got = await collect(f, f === 'latin1.csv' ? { encoding: 'latin1' } : f === 'duplicate-headers.csv' ? { duplicateHeaders: 'number' } : {});
    } catch (e) {
      // An empty file ends the step (SOURCE_EMPTY: prepare/source-warnings.ts).
      if ((e as { code?: string }).code === 'SOURCE_EMPTY') return;
      // A file without the step's `id` / `name` columns: refused before its first row, naming them.
      expect(e).toMatchObject({ code: 'SOURCE_MISSING_COLUMN' });
      expect((e as { details: { missing: string[] } }).details.missing.every((c) => c === 'id' || c === 'name')).toBe(true);
      return;
    }
    const { items, records, rejects } = got;
    expect(items.length).toBe(records + rejects);
    const valid = items.filter((i) => i.kind === 'valid').length;
    expect(valid + items.filter((i) => i.kind === 'reject').length).toBe(items.length);
    for (const i of items) if (i.kind === 'reject') expect(i.error.pos.line).toBeGreaterThan(0);
  });
});

describe('the columns a step names', () => {
  const step = (fields: Record<string, unknown>, key = ['ID']) =>
    LoadStepSchema.parse({ name: 'tasks', entity: 'task', source: { type: 'csv', path: 'x.csv' }, key, fields: { project: { default: 'P', lookup: { kind: 'project-by-name' } }, name: { from: 'Summary' }, ...fields } });

  it('a misspelt from, template, coalesce or key column refuses the step before its first row, with a did-you-mean', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'zpetl-cols-'));
    writeFileSync(join(dir, 'x.csv'), 'ID,Summary,Due Date,Labels,Labels_2\n1,a,2026-01-01,x,y\n');
    const run = async (fields: Record<string, unknown>, key?: string[]) => {
      const scratch = createScratchStore();
      try {
        for await (const _ of createStepPreparer(step(fields, key), { baseDir: dir, resolver: none, scratch }).items()) void _;
        return undefined;
      } catch (e) {
        return e as { code: string; message: string; hint?: string };
      } finally {
        scratch.close();
      }
    };
    expect(await run({ endDate: { from: 'Due Dat' } })).toMatchObject({ code: 'SOURCE_MISSING_COLUMN', message: 'step tasks: field endDate names "Due Dat", not a column of x.csv' });
    expect((await run({ endDate: { from: 'Due Dat' } }))!.hint).toMatch(/^"Due Dat": did you mean "Due Date"\? The header has: ID, Summary, Due Date, Labels, Labels_2/);
    expect((await run({ description: { template: '{Summary} {Tags}' } }))!.message).toBe('step tasks: field description names "Tags", not a column of x.csv');
    expect((await run({}, ['Id']))!.hint).toContain('did you mean "ID"?');
    // What exists passes: collect's repeats are optional, a constant field names no column.
    expect(await run({ owners: { collect: 'Labels', lookup: { kind: 'user-by-email' } }, priority: { default: 'high' } })).toBeUndefined();
  });
});

describe('keyOf', () => {
  it('one column → its trimmed value; several → a JSON array; empty → ROW_REQUIRED on that column', () => {
    const pos = { source: 'x', line: 2, index: 0 };
    expect(keyOf(['a'], { a: ' 7 ' }, pos)).toEqual({ key: '7' });
    expect(keyOf(['a', 'b'], { a: 'x,y', b: 'z' }, pos)).toEqual({ key: '["x,y","z"]' });
    expect(keyOf(['a', 'b'], { a: 'x' }, pos)).toEqual({ error: expect.objectContaining({ code: 'ROW_REQUIRED', field: 'b' }) });
  });

  it('a key column that an email-converted field reads is compared in the converter\'s form (normEmail); other columns as written', () => {
    const pos = { source: 'x', line: 2, index: 0 };
    const step = {
      key: ['Email', 'Code'],
      fields: { email: { from: 'Email', converter: 'email' as const }, code: { from: 'Code', converter: 'trim' as const } },
    } as unknown as Parameters<typeof keyNormalisers>[0];
    const norm = keyNormalisers(step);
    expect(keyOf(['Email', 'Code'], { Email: ' Zed@Example.COM ', Code: 'Ab' }, pos, norm)).toEqual({ key: '["zed@example.com","Ab"]' });
    expect(keyOf(['Email'], { Email: 'anna@bücher.de' }, pos, keyNormalisers({ ...step, key: ['Email'] }))).toEqual({ key: 'anna@xn--bcher-kva.de' });
    // The implied own name, and a chain of email with case/trim converters, count; another converter in the chain does not.
    expect(keyNormalisers({ key: ['email'], fields: { email: { converter: ['trim', 'email'] } } } as never)[0]).toBeDefined();
    expect(keyNormalisers({ key: ['E'], fields: { e: { from: 'E', converter: [{ type: 'replace', pattern: 'x', with: 'y', flags: '' }, 'email'] } } } as never)[0]).toBeUndefined();
    expect(keyNormalisers({ key: ['E'], fields: { e: { from: 'E' } } } as never)[0]).toBeUndefined();
  });
});

describe('scratch store', () => {
  it('claims keys once per step and caps minutes per user and day at the max', () => {
    const s = createScratchStore();
    try {
      expect(s.claimKey('a', 'k')).toBe(true);
      expect(s.claimKey('a', 'k')).toBe(false);
      expect(s.claimKey('b', 'k')).toBe(true);
      expect(s.addDayMinutes('u', '2026-01-01', 1000, 1440)).toEqual({ before: 0, added: true });
      expect(s.addDayMinutes('u', '2026-01-01', 441, 1440)).toEqual({ before: 1000, added: false });
      expect(s.addDayMinutes('u', '2026-01-01', 440, 1440)).toEqual({ before: 1000, added: true });
      expect(s.addDayMinutes('v', '2026-01-01', 1440, 1440)).toEqual({ before: 0, added: true });
    } finally {
      s.close();
    }
  });
});

describe('the extractor\'s source warnings in prepare (fixtures/bad-inputs)', () => {
  const step = (file: string, source: Record<string, unknown> = {}, key = ['id']) =>
    LoadStepSchema.parse({ name: 'p', entity: 'project', source: { type: 'csv', path: file, ...source }, key, fields: { name: { from: 'name', required: true } } });
  const drain = async (s: ReturnType<typeof step>) => {
    const told: string[] = [];
    const scratch = createScratchStore();
    try {
      const prep = createStepPreparer(s, { baseDir: 'fixtures/bad-inputs', resolver: none, scratch, onSourceWarning: (w) => told.push(w.code) });
      const items: PreparedItem[] = [];
      let error: unknown;
      try {
        for await (const it of prep.items()) items.push(it);
      } catch (e) {
        error = e;
      }
      return { items, told, kept: prep.sourceWarnings().map((w) => w.code), error };
    } finally {
      scratch.close();
    }
  };

  it('an empty file ends the read with SOURCE_EMPTY, told to no one as a warning', async () => {
    const r = await drain(step('empty.csv'));
    expect(r.error).toMatchObject({ code: 'SOURCE_EMPTY', message: expect.stringMatching(/^step p: empty\.csv/) });
    expect(r.told).toEqual([]);
    expect(r.kept).toEqual([]);
  });

  it('a header-only file has its columns checked at the end of the read (no row came)', async () => {
    expect((await drain(step('header-only.csv', {}, ['ID']))).error).toMatchObject({ code: 'SOURCE_MISSING_COLUMN', details: { missing: ['ID'] } });
    const ok = await drain(step('header-only.csv'));
    expect(ok.error).toBeUndefined();
    expect(ok.items).toEqual([]);
  });

  it('a repeated header read numbered is told once, as it comes, and kept', async () => {
    const r = await drain(step('duplicate-header.csv', { duplicateHeaders: 'number' }));
    expect(r.error).toBeUndefined();
    expect(r.told).toEqual(['SOURCE_DUPLICATE_HEADER']);
    expect(r.kept).toEqual(['SOURCE_DUPLICATE_HEADER']);
    expect(r.items).toHaveLength(1);
  });
});
