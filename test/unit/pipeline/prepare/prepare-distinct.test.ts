import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PreparedItem } from '../../../../src/core/prepared-item.js';
import { createStepPreparer } from '../../../../src/pipeline/prepare/prepare.js';
import { createScratchStore, FLUSH_ENTRIES } from '../../../../src/pipeline/prepare/scratch-store.js';
import { LoadStepSchema } from '../../../../src/pipeline/file/schema.js';
import type { LookupResolver } from '../../../../src/transform/lookup-types.js';

const none: LookupResolver = { resolve: async () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'zpetl-distinct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The items of a projects step over `csv` (columns Project, Lead), keyed by Project. */
async function prepare(csv: string, distinct: boolean | undefined): Promise<PreparedItem[]> {
  writeFileSync(join(dir, 'issues.csv'), csv);
  const step = LoadStepSchema.parse({
    name: 'projects',
    entity: 'project',
    source: { type: 'csv', path: 'issues.csv' },
    key: ['Project'],
    ...(distinct === undefined ? {} : { distinct }),
    fields: { name: { from: 'Project' }, description: { from: 'Lead' } },
  });
  const scratch = createScratchStore();
  try {
    const items: PreparedItem[] = [];
    for await (const it of createStepPreparer(step, { baseDir: dir, resolver: none, scratch }).items()) items.push(it);
    return items;
  } finally {
    scratch.close();
  }
}

const shape = (i: PreparedItem) =>
  i.kind === 'valid' ? `valid ${i.key}` : i.kind === 'skip' ? `${i.reason} ${i.pos.line}${i.warnings ? ` ${i.warnings.map((w) => w.code).join(',')}` : ''}` : `reject ${i.error.code}`;

describe('distinct: true (one record per distinct key)', () => {
  const issues = 'Issue,Project,Lead\nI-1,Apollo,Ann\nI-2,Apollo,Ann\nI-3,Zeus,Bo\nI-4,Apollo,Cy\nI-5,Zeus,Bo\n';

  it('folds repeats into the first row: skip items (reason folded), never rejects; a repeat whose mapped values differ carries ROW_FOLDED_DIFFERS', async () => {
    const items = await prepare(issues, true);
    expect(items.map(shape)).toEqual(['valid Apollo', 'folded 3', 'valid Zeus', 'folded 5 ROW_FOLDED_DIFFERS', 'folded 6']);
    const differs = items[3]!.kind === 'skip' ? items[3]!.warnings![0]! : undefined;
    expect(differs).toMatchObject({ field: 'Project', value: 'Apollo', pos: { line: 5 } });
    expect(differs?.message).toMatch(/folded into the first one, whose values are loaded/);
    // The first row wins: its values are the ones loaded.
    expect(items[0]!.kind === 'valid' && items[0]!.values['description']).toBe('Ann');
  });

  it('without distinct a repeat stays a ROW_DUPLICATE_KEY reject, whose message points at distinct: true', async () => {
    for (const distinct of [undefined, false]) {
      const items = await prepare(issues, distinct);
      expect(items.map(shape)).toEqual(['valid Apollo', 'reject ROW_DUPLICATE_KEY', 'valid Zeus', 'reject ROW_DUPLICATE_KEY', 'reject ROW_DUPLICATE_KEY']);
      expect(items[1]!.kind === 'reject' && items[1]!.error.message).toMatch(/set distinct: true on the step/);
    }
  });

  it('compares with the first row also once its claim was flushed from the buffer to SQLite', async () => {
    const rows = Array.from({ length: FLUSH_ENTRIES * 2 }, (_, i) => `I-${i},P${i},L${i}`);
    const items = await prepare(`Issue,Project,Lead\n${rows.join('\n')}\nX-1,P0,L0\nX-2,P1,changed\n`, true);
    expect(items.slice(-2).map(shape)).toEqual([`folded ${FLUSH_ENTRIES * 2 + 2}`, `folded ${FLUSH_ENTRIES * 2 + 3} ROW_FOLDED_DIFFERS`]);
    expect(items.filter((i) => i.kind === 'valid')).toHaveLength(FLUSH_ENTRIES * 2);
  });
});
