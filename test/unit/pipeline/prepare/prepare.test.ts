import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PreparedItem } from '../../../../src/core/prepared-item.js';
import { createStepPreparer, keyOf } from '../../../../src/pipeline/prepare/prepare.js';
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
  // The step names columns id and name; the timesheet fixtures (the timesheet extractor's) have neither,
  // and a file without them is refused before any row (step-columns.test.ts).
  const named = files.filter((f) => !f.startsWith('timesheet-'));
  it.each(named)('%s: every row comes out once, read = valid + rejected', async (f) => {
    const { items, records, rejects } = await collect(f, f === 'latin1.csv' ? { encoding: 'latin1' } : {});
    expect(items.length).toBe(records + rejects);
    const valid = items.filter((i) => i.kind === 'valid').length;
    expect(valid + items.filter((i) => i.kind === 'reject').length).toBe(items.length);
    for (const i of items) if (i.kind === 'reject') expect(i.error.pos.line).toBeGreaterThan(0);
  });
});

describe('keyOf', () => {
  it('one column → its trimmed value; several → a JSON array; empty → ROW_REQUIRED on that column', () => {
    const pos = { source: 'x', line: 2, index: 0 };
    expect(keyOf(['a'], { a: ' 7 ' }, pos)).toEqual({ key: '7' });
    expect(keyOf(['a', 'b'], { a: 'x,y', b: 'z' }, pos)).toEqual({ key: '["x,y","z"]' });
    expect(keyOf(['a', 'b'], { a: 'x' }, pos)).toEqual({ error: expect.objectContaining({ code: 'ROW_REQUIRED', field: 'b' }) });
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
