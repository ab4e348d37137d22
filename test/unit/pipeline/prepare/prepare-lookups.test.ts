import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { PreparedItem } from '../../../../src/core/prepared-item.js';
import { LoadStepSchema } from '../../../../src/pipeline/file/schema.js';
import { createStepPreparer } from '../../../../src/pipeline/prepare/prepare.js';
import { createScratchStore } from '../../../../src/pipeline/prepare/scratch-store.js';
import { NEEDS_IO, type LookupResolver } from '../../../../src/transform/lookup-types.js';
import { it } from '../../../helpers/fixtures.js';

const CSV = ['id,Project,Issue,Summary,Author,Date,Minutes', 'w1,Apollo,T-1,,Ann,2026-01-05,30', 'w2,Apollo,T-9,Misc,Ann,2026-01-05,30', 'w3,Apollo,T-9,,Ann,2026-01-06,30', 'w4,Apollo,T-7,Admin,Ann,2026-01-07,30', ''].join('\n');

const TABLE: Record<string, string> = { 'project-by-name|Apollo': 'P1', 'task-by-key|T-1': 'K1', 'user-by-name|Ann': 'U1' };

/** Answers from TABLE; `sync` decides whether it answers without I/O (both paths must come out alike). */
const resolver = (sync: boolean): LookupResolver => ({
  resolve: async (spec, value) => TABLE[`${spec.kind}|${value}`],
  resolveSync: (spec, value) => (sync ? TABLE[`${spec.kind}|${value}`] : NEEDS_IO),
});

async function prepare(dir: string, sync: boolean): Promise<PreparedItem[]> {
  writeFileSync(join(dir, 'logs.csv'), CSV);
  const step = LoadStepSchema.parse({
    name: 'logs',
    entity: 'timelog',
    source: { type: 'csv', path: 'logs.csv' },
    key: ['id'],
    fields: {
      project: { from: 'Project', lookup: { kind: 'project-by-name' } },
      task: { from: 'Issue', lookup: { kind: 'task-by-key', step: ['tasks', 'subtasks'], onMissing: 'warn' } },
      logName: { from: 'Summary' },
      user: { from: 'Author', lookup: { kind: 'user-by-name' } },
      date: { from: 'Date' },
      minutes: { from: 'Minutes', converter: 'number' },
      billing: { default: 'Billable' },
    },
  });
  const scratch = createScratchStore();
  try {
    const items: PreparedItem[] = [];
    for await (const i of createStepPreparer(step, { baseDir: dir, resolver: resolver(sync), scratch }).items()) items.push(i);
    return items;
  } finally {
    scratch.close();
  }
}

describe('prepare: lookup warnings', () => {
  it.for([true, false])('carries onMissing: warn warnings onto the valid item, and refuses a row warn left invalid (sync path: %s)', async (sync, { tmp }) => {
    const items = await prepare(tmp, sync);
    const summary = items.map((i) => (i.kind === 'valid' ? { key: i.key, values: i.values, warnings: (i.warnings ?? []).map((w) => `${w.code} ${w.field} ${String(w.value)} line ${w.pos.line}`) } : i.kind === 'reject' ? { code: i.error.code, field: i.error.field, message: i.error.message } : i));
    expect(summary).toEqual([
      { key: 'w1', values: { project: 'P1', task: 'K1', user: 'U1', date: '2026-01-05', minutes: 30, billing: 'Billable' }, warnings: [] },
      { key: 'w2', values: { project: 'P1', logName: 'Misc', user: 'U1', date: '2026-01-05', minutes: 30, billing: 'Billable' }, warnings: ['ROW_MISSING_PARENT task T-9 line 3'] },
      {
        code: 'ROW_MISSING_PARENT',
        field: 'task',
        message: 'no task with key "T-9" in steps "tasks", "subtasks"; onMissing: warn left the field empty, but "task" cannot be empty here: a time log without "task" is a general log and needs "logName"',
      },
      { key: 'w4', values: { project: 'P1', logName: 'Admin', user: 'U1', date: '2026-01-07', minutes: 30, billing: 'Billable' }, warnings: ['ROW_MISSING_PARENT task T-7 line 5'] },
    ]);
    expect(items[0]!.kind === 'valid' && items[0]!.warnings).toBeUndefined();
  });
});
