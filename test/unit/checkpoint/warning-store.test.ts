import { describe, expect, it } from 'vitest';
import { createStoreContext } from '../../../src/checkpoint/store-context.js';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import { createWarningStore } from '../../../src/checkpoint/warning-store.js';
import { createManualClock } from '../../../src/core/clock.js';
import { pos, tempCheckpoints } from '../../helpers/temp-checkpoint.js';
import { sourceWarningOfRow, sourceWarningRow } from '../../../src/pipeline/prepare/source-warnings.js';

const files = tempCheckpoints();
const warning = (i: number, field: string, code: 'ROW_UNKNOWN_USER' | 'ROW_FOLDED_DIFFERS' = 'ROW_UNKNOWN_USER') => ({ code, message: `${field} left empty`, field, value: 'Ann', pos: pos(i) });

describe('warning store', () => {
  it('records a row\'s warnings once per run, code and field: a resumed run re-reading the row neither loses nor doubles one', () => {
    const store = createCheckpointStore(files.open().cdb.db);
    const run = store.startRun('demo');
    const row = { warnings: [warning(4, 'owner'), warning(4, 'user')], key: 'T-1', data: { Key: 'T-1', Owner: 'Ann' } };
    expect(store.recordWarnings(run.id, 'tasks', row)).toBe(2);
    expect(store.recordWarnings(run.id, 'tasks', row)).toBe(0);
    // The same row with one more warning (another code): only that one is new.
    expect(store.recordWarnings(run.id, 'tasks', { ...row, warnings: [...row.warnings, warning(4, 'owner', 'ROW_FOLDED_DIFFERS')] })).toBe(1);
    expect(store.counts(run.id, 'tasks')).toMatchObject({ warned: 1, read: 0 });
    // Another run warns afresh.
    const run2 = store.startRun('demo');
    expect(store.recordWarnings(run2.id, 'tasks', row)).toBe(2);
  });

  it('keeps position, key, columns in order and the value; listed per step in source order; rejects are untouched', () => {
    const ctx = createStoreContext(files.open().cdb.db, createManualClock(5));
    const store = createWarningStore(ctx);
    store.recordWarnings(1, 'tasks', { warnings: [warning(7, 'owner')], key: 'T-7', data: { B: '2', A: '1' } });
    store.recordWarnings(1, 'tasks', { warnings: [warning(2, 'owner')] });
    store.recordWarnings(1, 'logs', { warnings: [warning(3, 'user')] });
    const rows = [...store.warnings(1)];
    expect(rows.map((r) => `${r.step}:${r.index}`)).toEqual(['logs:3', 'tasks:2', 'tasks:7']);
    expect(rows[2]).toMatchObject({ key: 'T-7', code: 'ROW_UNKNOWN_USER', field: 'owner', value: 'Ann', stage: 'prepare', columns: [['B', '2'], ['A', '1']] });
    expect([...store.warnings(1, 'tasks')].map((r) => r.index)).toEqual([2, 7]);
    const full = createCheckpointStore(ctx.db);
    expect([...full.rejects(1)]).toEqual([]);
  });

  it('the warnings table has the columns of the rejects table (one writer and one reader serve both): name, type, NOT NULL, default, key', () => {
    const db = files.open().cdb.db;
    const columns = (table: string) =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; type: string; notnull: number; dflt_value: unknown; pk: number }[]).map(({ name, type, notnull, dflt_value, pk }) => ({ name, type, notnull, dflt_value, pk }));
    const rejects = columns('rejects');
    expect(rejects.length).toBeGreaterThan(0);
    expect(columns('warnings')).toEqual(rejects);
  });
});

describe('source warnings in the warnings table', () => {
  it('are recorded once per run (idx < 0), listed apart from the rows, counted per code, never as a warned row', () => {
    const store = createCheckpointStore(files.open().cdb.db);
    const run = store.startRun('demo');
    const dup = (ordinal: number, field: string) => sourceWarningRow({ code: 'SOURCE_DUPLICATE_HEADER', message: `header repeated, read as ${field}`, field, pos: { source: 'a.csv', line: 1, index: 0 } }, 'a.csv', ordinal);
    expect(store.recordSourceWarning(run.id, 'tasks', dup(0, 'Email_2'))).toBe(true);
    expect(store.recordSourceWarning(run.id, 'tasks', dup(0, 'Email_3'))).toBe(true);
    // A resumed read tells the same warning again: not recorded twice.
    expect(store.recordSourceWarning(run.id, 'tasks', dup(0, 'Email_2'))).toBe(false);
    // Two warnings of one code and no column are both kept (their ordinals differ).
    const plain = (ordinal: number) => sourceWarningRow({ code: 'SOURCE_DUPLICATE_HEADER', message: `alias ${ordinal}` }, 'a.csv', ordinal);
    expect(store.recordSourceWarning(run.id, 'tasks', plain(0))).toBe(true);
    expect(store.recordSourceWarning(run.id, 'tasks', plain(1))).toBe(true);
    store.recordWarnings(run.id, 'tasks', { warnings: [warning(4, 'owner')] });
    expect([...store.sourceWarnings(run.id, 'tasks')].map((r) => `${r.field}:${r.line}`)).toEqual(['Email_2:1', 'Email_3:1', ':1', ':1']);
    expect([...store.warnings(run.id)].map((r) => r.code)).toEqual(['ROW_UNKNOWN_USER']);
    expect(store.counts(run.id, 'tasks').warned).toBe(1);
    expect(store.warningsByCode(run.id)).toEqual({ ROW_UNKNOWN_USER: 1, SOURCE_DUPLICATE_HEADER: 4 });
    expect(sourceWarningOfRow([...store.sourceWarnings(run.id)][0]!)).toEqual({ code: 'SOURCE_DUPLICATE_HEADER', message: 'header repeated, read as Email_2', field: 'Email_2', pos: { source: 'a.csv', line: 1, index: 0 } });
    expect(() => store.recordSourceWarning(run.id, 'tasks', warning(3, 'x'))).toThrow(/negative index/);
  });
});
