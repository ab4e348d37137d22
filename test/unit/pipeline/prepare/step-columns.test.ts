/** Every column a step names is checked against the header once: a misspelt one is refused, not a silent loss. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PreparedItem } from '../../../../src/core/prepared-item.js';
import { isZpetlError } from '../../../../src/core/errors.js';
import { createStepPreparer } from '../../../../src/pipeline/prepare/prepare.js';
import { createScratchStore } from '../../../../src/pipeline/prepare/scratch-store.js';
import { LoadStepSchema } from '../../../../src/pipeline/file/schema.js';
import type { LookupResolver } from '../../../../src/transform/lookup-types.js';

const none: LookupResolver = { resolve: async () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'zpetl-step-columns-'));

async function prepare(file: string, text: string, step: Record<string, unknown>): Promise<PreparedItem[]> {
  writeFileSync(join(dir, file), text);
  const type = file.endsWith('.ndjson') ? 'ndjson' : 'csv';
  const s = LoadStepSchema.parse({ name: 'tasks', entity: 'task', source: { type, path: file }, ...step });
  const scratch = createScratchStore();
  try {
    const items: PreparedItem[] = [];
    for await (const it of createStepPreparer(s, { baseDir: dir, resolver: none, scratch }).items()) items.push(it);
    return items;
  } finally {
    scratch.close();
  }
}

const HEADER = 'Issue key,Summary,Due Date,Labels,Labels_2\n';
const ROW = 'K-1,Fix it,2026-11-02,a,b\n';
const fields = (extra: Record<string, unknown>) => ({ project: { default: '1' }, name: { from: 'Summary' }, ...extra });

describe('prepare: the columns a step names', () => {
  it('a misspelt from: is SOURCE_MISSING_COLUMN naming the step, the column, where it is named, a close name and the header', async () => {
    const err = await prepare('a.csv', HEADER + ROW, { key: ['Issue key'], fields: fields({ endDate: { from: 'Due Dat', converter: 'date' } }) }).catch((e: unknown) => e);
    expect(isZpetlError(err) && err.code).toBe('SOURCE_MISSING_COLUMN');
    expect((err as Error).message).toBe('step tasks: "Due Dat" (fields.endDate; did you mean "Due Date"?) is not a column of a.csv');
    expect(isZpetlError(err) && err.hint).toBe('The header has: Issue key, Summary, Due Date, Labels, Labels_2. Fix the column names in the step.');
    expect(isZpetlError(err) && err.details).toMatchObject({ step: 'tasks', missing: ['Due Dat'] });
  });

  it('template placeholders, coalesce columns and key columns are checked too', async () => {
    const err = await prepare('b.csv', HEADER + ROW, {
      key: ['Issue Key'],
      fields: fields({ description: { template: '{Summary} {Tags_4}' }, startDate: { coalesce: ['Due Date', 'Start'] } }),
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'step tasks: "Issue Key" (key; did you mean "Issue key"?), "Tags_4" (fields.description), "Start" (fields.startDate) are not columns of b.csv',
    );
  });

  it('collect: Labels needs only Labels; a default-only field names no column; all present → rows load', async () => {
    const items = await prepare('c.csv', HEADER + ROW, { key: ['Issue key'], fields: fields({ owners: { collect: 'Labels' }, priority: { default: 'high' } }) });
    expect(items.map((i) => i.kind)).toEqual(['valid']);
    const err = await prepare('d.csv', 'Issue key,Summary,Label\nK-1,x,a\n', { key: ['Issue key'], fields: fields({ owners: { collect: 'Labels' } }) }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('step tasks: "Labels" (fields.owners; did you mean "Label"?) is not a column of d.csv');
  });

  it('a source with no header (NDJSON) is not checked: a missing key is each row\'s ROW_REQUIRED', async () => {
    const items = await prepare('e.ndjson', '{"Issue key":"K-1","Summary":"x"}\n', { key: ['Issue key'], fields: fields({ endDate: { from: 'Due Dat' } }) });
    expect(items.map((i) => i.kind)).toEqual(['valid']);
  });
});
