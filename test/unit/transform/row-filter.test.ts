import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { openCheckpointDb } from '../../../src/checkpoint/db.js';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import { isZpetlError } from '../../../src/core/errors.js';
import type { PreparedItem } from '../../../src/core/prepared-item.js';
import { emptyCounts } from '../../../src/core/step-counts.js';
import { createStepPreparer } from '../../../src/pipeline/prepare/prepare.js';
import { runStep, type StepPort } from '../../../src/pipeline/run/run-step.js';
import { createScratchStore } from '../../../src/pipeline/prepare/scratch-store.js';
import { LoadStepSchema } from '../../../src/pipeline/file/schema.js';
import { compileRowFilter, WhereSchema } from '../../../src/transform/row-filter.js';
import type { LookupResolver } from '../../../src/transform/lookup-types.js';
import { it } from '../../helpers/fixtures.js';

// One folder for the file's generated sources (each test writes its own names).
let dir: string;
it.beforeAll(({ fileTmp }) => {
  dir = fileTmp;
});

describe('where: schema', () => {
  it('accepts one condition or a list, each with exactly one operator', () => {
    expect(WhereSchema.safeParse({ column: 'Type', equals: 'Task' }).success).toBe(true);
    expect(WhereSchema.safeParse({ column: 'Type', in: ['Task', 'Bug'] }).success).toBe(true);
    expect(WhereSchema.safeParse([{ column: 'Parent', empty: true }, { column: 'Type', notEmpty: true }]).success).toBe(true);
  });

  it('refuses no operator, two operators, unknown keys, empty lists and empty: false', () => {
    const msg = (v: unknown) => {
      const r = WhereSchema.safeParse(v);
      expect(r.success).toBe(false);
      return JSON.stringify(r.error?.issues);
    };
    expect(msg({ column: 'Type' })).toContain('expected one of equals, in, empty: true, notEmpty: true');
    expect(msg({ column: 'Type', equals: 'a', empty: true })).toContain('got equals and empty');
    expect(msg({ column: 'Type', equal: 'a' })).toMatch(/equal/);
    expect(msg({ column: 'Type', in: [] })).toContain('expected at least one value');
    expect(msg([])).toContain('expected at least one condition');
    expect(msg({ column: 'Type', empty: false })).toBeTruthy();
    expect(msg({ column: '', equals: 'a' })).toContain('expected the name of a source column');
  });

  it('is part of a load step (strict: a misspelt `wher` is an error)', () => {
    const base = { name: 's', entity: 'project', source: { type: 'csv', path: 'x.csv' }, key: ['id'], fields: { name: { from: 'name' } } };
    expect(LoadStepSchema.safeParse({ ...base, where: { column: 'Kind', equals: 'p' } }).success).toBe(true);
    expect(LoadStepSchema.safeParse({ ...base, wher: { column: 'Kind', equals: 'p' } }).success).toBe(false);
  });
});

describe('compileRowFilter', () => {
  it('compares trimmed text, case-sensitively; missing = empty; a list must all hold', () => {
    const eq = compileRowFilter({ column: 'T', equals: ' Task ' })!;
    expect([eq.keep({ T: 'Task' }), eq.keep({ T: '  Task\t' }), eq.keep({ T: 'task' }), eq.keep({})]).toEqual([true, true, false, false]);
    const inn = compileRowFilter({ column: 'T', in: ['A', 'B'] })!;
    expect([inn.keep({ T: 'B' }), inn.keep({ T: 'C' }), inn.keep({ T: 2 })]).toEqual([true, false, false]);
    const empty = compileRowFilter({ column: 'P', empty: true })!;
    expect([empty.keep({ P: '' }), empty.keep({ P: '  ' }), empty.keep({}), empty.keep({ P: null }), empty.keep({ P: '0' })]).toEqual([true, true, true, true, false]);
    const both = compileRowFilter([{ column: 'P', notEmpty: true }, { column: 'T', equals: 'Task' }])!;
    expect([both.keep({ P: '1', T: 'Task' }), both.keep({ P: '', T: 'Task' }), both.keep({ P: '1', T: 'Bug' })]).toEqual([true, false, false]);
    expect(both.columns).toEqual(['P', 'T']);
    expect(both.description).toBe('P is not empty and T = "Task"');
    expect(compileRowFilter(undefined)).toBeUndefined();
  });
});

const none: LookupResolver = { resolve: async () => undefined };
const csv = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

async function prepare(file: string, where: unknown): Promise<PreparedItem[]> {
  const step = LoadStepSchema.parse({ name: 's', entity: 'project', source: { type: 'csv', path: file }, key: ['id'], where, fields: { name: { from: 'name', required: true } } });
  const scratch = createScratchStore();
  try {
    const items: PreparedItem[] = [];
    for await (const it of createStepPreparer(step, { baseDir: dir, resolver: none, scratch }).items()) items.push(it);
    return items;
  } finally {
    scratch.close();
  }
}

describe('prepare with where:', () => {
  it('filtered rows come out as skip items before any rule runs; read = valid + skipped + rejected', async () => {
    // Line 3 is filtered though invalid (no name) and line 5 reuses key 1: the filter runs first, so
    // neither a reject nor a duplicate key comes of filtered rows.
    const f = csv('a.csv', 'id,kind,name\n1,p,One\n2,x,\n3,p,\n1,x,dup\n4,p,Four\n');
    const items = await prepare(f, { column: 'kind', equals: 'p' });
    expect(items.map((i) => `${i.kind}:${i.pos.line}`)).toEqual(['valid:2', 'skip:3', 'reject:4', 'skip:5', 'valid:6']);
    const skip = items.find((i) => i.kind === 'skip')!;
    expect(skip).toMatchObject({ reason: 'filtered', data: { id: '2', kind: 'x', name: '' } });
  });

  it('a where: column missing from the header is SOURCE_MISSING_COLUMN (not a silent filter-everything)', async () => {
    const f = csv('b.csv', 'id,kind,name\n1,p,One\n');
    const err = await prepare(f, { column: 'Kind', equals: 'p' }).catch((e: unknown) => e);
    expect(isZpetlError(err) && err.code).toBe('SOURCE_MISSING_COLUMN');
    expect(String((err as Error).message)).toContain('"Kind"');
  });
});

describe('runStep with filtered rows', () => {
  it('counts them as skipped (and filtered), records them through the port, never sends them', async () => {
    const pos = (i: number) => ({ source: 'in.csv', line: i + 2, index: i });
    const items: PreparedItem[] = [
      { kind: 'valid', key: 'a', values: {}, pos: pos(0), data: {} },
      { kind: 'skip', reason: 'filtered', pos: pos(1), data: {} },
      { kind: 'skip', reason: 'filtered', pos: pos(2), data: {} },
      { kind: 'valid', key: 'b', values: {}, pos: pos(3), data: {} },
    ];
    const recorded: number[] = [];
    const sent: string[] = [];
    const port: StepPort = {
      name: 't',
      entity: 'task',
      batchSize: 10,
      initialCounts: emptyCounts,
      async *items() {
        yield* items;
      },
      reject: () => true,
      // The second skip is a repeat the store already had: not counted twice.
      skip: (it) => {
        recorded.push(it.pos.index);
        return it.pos.index !== 2;
      },
      load: async (b) => {
        sent.push(...b.map((i) => i.key));
        return { delta: { created: b.length, updated: 0, skipped: 0, rejected: 0, inDoubt: 0 }, results: [], unsent: [] };
      },
      cost: (b) => ({ endpoint: 'POST /projects/{project}/tasks', calls: b.length }),
      gate: async () => ({ go: true }),
      overLimit: () => undefined,
      emit: () => {},
    };
    const out = await runStep(port);
    expect(sent).toEqual(['a', 'b']);
    expect(recorded).toEqual([1, 2]);
    expect(out.counts).toMatchObject({ read: 3, valid: 2, created: 2, skipped: 1, filtered: 1, rejected: 0 });
  });
});

describe('checkpoint store: recordSkip', () => {
  it('counts a filtered row once per run as skipped + filtered, without a crosswalk entry; a new run counts it again', () => {
    const cdb = openCheckpointDb(join(dir, 'p.db'));
    try {
      const store = createCheckpointStore(cdb.db);
      const run = store.startRun('p');
      const pos = { source: 'in.csv', line: 3, index: 1, byteOffset: 20 };
      expect(store.recordSkip(run.id, 's', pos, 'filtered')).toBe(true);
      expect(store.recordSkip(run.id, 's', pos, 'filtered')).toBe(false);
      expect(store.counts(run.id, 's')).toMatchObject({ read: 1, skipped: 1, filtered: 1, created: 0, rejected: 0 });
      expect(store.crosswalkCount('s')).toBe(0);
      expect(store.countPending('s', ['planned', 'sent', 'in-doubt'])).toBe(0);
      store.finishRun(run.id, 'ok');
      const run2 = store.startRun('p');
      expect(store.recordSkip(run2.id, 's', pos, 'filtered')).toBe(true);
      expect(store.counts(run2.id, 's')).toMatchObject({ read: 1, skipped: 1, filtered: 1 });
    } finally {
      cdb.close();
    }
  });
});
