import { describe, expect, it } from 'vitest';
import type { LookupSpec } from '../../../src/transform/lookup-spec.js';
import { createChainedResolver, refuseWarnedRow, resolveLookups, tryResolveLookupsSync } from '../../../src/transform/lookups.js';
import { NEEDS_IO, type LookupAnswer, type LookupResolver, type PendingLookup } from '../../../src/transform/lookup-types.js';
import type { MappedRecord } from '../../../src/transform/map-record.js';

const pos = { source: 'tasks.csv', line: 4, index: 2, byteOffset: 70 };

/** Answers from a table (key kind|scope|tasklist|value); `slow` values need I/O on the sync path. */
function table(t: Record<string, LookupAnswer>, slow: string[] = []): LookupResolver & { asked: string[] } {
  const asked: string[] = [];
  const key = (spec: LookupSpec, value: string, scope?: string, tasklist?: string) => `${spec.kind}|${scope ?? ''}|${tasklist ?? ''}|${value}`;
  return {
    asked,
    resolve: async (spec, value, scope, tasklist) => (asked.push(key(spec, value, scope, tasklist)), t[key(spec, value, scope, tasklist)]),
    resolveSync: (spec, value, scope, tasklist) => (slow.includes(value) ? NEEDS_IO : t[key(spec, value, scope, tasklist)]),
  };
}

const T = {
  'project-by-name|||Apollo': 'P1',
  'user-by-name|||Jonas Müller': 'U1',
  'user-by-name|||Ann Lee': 'U2',
  'user-by-name|||Sam Smith': { ambiguous: ['sam@a.example', 'sam@b.example'] },
  'user-by-name|||Unassigned': 'U0',
  'user-by-name|||Twin': { ambiguous: ['t1@x.example', 't2@x.example'] },
  'tasklist-by-name|P1||Phase 1': 'TL1',
  'task-by-name|P1|TL1|Design': 'TK1',
  'task-by-name|P1||Design': { ambiguous: ['TK1', 'TK2'] },
} satisfies Record<string, LookupAnswer>;

const owner = (onMissing?: LookupSpec['onMissing']): LookupSpec => ({ kind: 'user-by-name', ...(onMissing ? { onMissing } : {}) });
const one = (spec: LookupSpec, value: string, extra: Record<string, unknown> = {}): MappedRecord => ({ values: { name: 'n', owner: value, ...extra }, lookups: [{ field: 'owner', spec, value }] });

/** Both paths, which must agree. */
async function both(make: () => MappedRecord, r: LookupResolver = table(T)) {
  const async = await resolveLookups(make(), r, pos);
  const sync = tryResolveLookupsSync(make(), r, pos);
  expect(sync).toEqual(async);
  return async;
}

describe('onMissing', () => {
  it('reject (the default): an unknown name rejects; an ambiguous one is ROW_AMBIGUOUS_REFERENCE naming the candidates', async () => {
    expect(await both(() => one(owner(), 'Nobody'))).toEqual({ ok: false, error: { code: 'ROW_UNKNOWN_USER', message: 'no user named "Nobody"', field: 'owner', value: 'Nobody', pos } });
    expect(await both(() => one(owner('reject'), 'Sam Smith'))).toEqual({
      ok: false,
      error: { code: 'ROW_AMBIGUOUS_REFERENCE', message: '"Sam Smith" names 2 users: sam@a.example, sam@b.example', field: 'owner', value: 'Sam Smith', pos },
    });
  });

  it('warn: the field is left out of the values and a warning with the not-found code, field, value and line comes back', async () => {
    expect(await both(() => one(owner('warn'), 'Nobody'))).toEqual({
      ok: true,
      value: { values: { name: 'n' }, warnings: [{ code: 'ROW_UNKNOWN_USER', message: 'no user named "Nobody"; onMissing: warn left the field empty', field: 'owner', value: 'Nobody', pos }] },
    });
    // Ambiguity is no missing value: it rejects under warn too, naming the candidates.
    const r = await both(() => one(owner('warn'), 'Sam Smith'));
    expect(r).toEqual({
      ok: false,
      error: { code: 'ROW_AMBIGUOUS_REFERENCE', message: '"Sam Smith" names 2 users: sam@a.example, sam@b.example (onMissing applies to names that match nothing; an ambiguous one is always rejected)', field: 'owner', value: 'Sam Smith', pos },
    });
  });

  it('warn on a list field drops the missing element (and the field when none is left)', async () => {
    const owners = (names: string[]): MappedRecord => ({
      values: { owners: [...names] },
      lookups: names.map((value, item): PendingLookup => ({ field: 'owners', spec: owner('warn'), value, item })),
    });
    const r = await both(() => owners(['Jonas Müller', 'Nobody', 'Ann Lee']));
    expect(r).toMatchObject({ ok: true, value: { values: { owners: ['U1', 'U2'] } } });
    expect(r.ok && r.value.warnings.map((w) => [w.code, w.value, w.message.endsWith('dropped it from the list')])).toEqual([['ROW_UNKNOWN_USER', 'Nobody', true]]);
    const none = await both(() => owners(['Nobody', 'Ghost']));
    expect(none).toMatchObject({ ok: true, value: { values: {} } });
    expect(none.ok && none.value.warnings.map((w) => w.code)).toEqual(['ROW_UNKNOWN_USER', 'ROW_UNKNOWN_USER']);
    // One ambiguous owner among them rejects the row.
    expect(await both(() => owners(['Nobody', 'Sam Smith']))).toMatchObject({ ok: false, error: { code: 'ROW_AMBIGUOUS_REFERENCE', value: 'Sam Smith' } });
  });

  it('default: the default is looked up the same way; not found either rejects naming both', async () => {
    expect(await both(() => one(owner({ default: 'Unassigned' }), 'Nobody'))).toEqual({ ok: true, value: { values: { name: 'n', owner: 'U0' }, warnings: [] } });
    expect(await both(() => one(owner({ default: 'Ghost' }), 'Nobody'))).toEqual({
      ok: false,
      error: { code: 'ROW_UNKNOWN_USER', message: 'no user named "Nobody", nor its onMissing default "Ghost"', field: 'owner', value: 'Nobody', pos },
    });
    // A found value never asks for the default.
    const r = table(T);
    expect(await resolveLookups(one(owner({ default: 'Unassigned' }), 'Ann Lee'), r, pos)).toMatchObject({ ok: true, value: { values: { owner: 'U2' } } });
    expect(r.asked).toEqual(['user-by-name|||Ann Lee']);
  });

  it('default never replaces an ambiguous name, and an ambiguous default rejects', async () => {
    const r = await both(() => one(owner({ default: 'Unassigned' }), 'Sam Smith'));
    expect(r).toMatchObject({ ok: false, error: { code: 'ROW_AMBIGUOUS_REFERENCE', field: 'owner', value: 'Sam Smith' } });
    expect(!r.ok && r.error.message).toContain('an ambiguous one is always rejected');
    const d = await both(() => one(owner({ default: 'Twin' }), 'Nobody'));
    expect(d).toMatchObject({ ok: false, error: { code: 'ROW_AMBIGUOUS_REFERENCE', message: '"Twin" names 2 users: t1@x.example, t2@x.example' } });
  });
});

describe('lookup rounds', () => {
  const task: LookupSpec = { kind: 'task-by-name', within: 'project', tasklist: 'tasklist' };
  const lookups = (withList: boolean): PendingLookup[] => [
    // Field order puts the task first: it still waits for the project and the task list it names.
    { field: 'task', spec: task, value: 'Design' },
    ...(withList ? [{ field: 'tasklist', spec: { kind: 'tasklist-by-name', within: 'project' } as LookupSpec, value: 'Phase 1' }] : []),
    { field: 'project', spec: { kind: 'project-by-name' }, value: 'Apollo' },
  ];
  const rec = (withList: boolean): MappedRecord => ({ values: { task: 'Design', project: 'Apollo', ...(withList ? { tasklist: 'Phase 1' } : {}) }, lookups: lookups(withList) });

  it('task-by-name waits for its project and task list, and is narrowed by the task list when the row has one', async () => {
    const r = table(T);
    expect(await both(() => rec(true), r)).toEqual({ ok: true, value: { values: { task: 'TK1', project: 'P1', tasklist: 'TL1' }, warnings: [] } });
    expect(r.asked).toEqual(['project-by-name|||Apollo', 'tasklist-by-name|P1||Phase 1', 'task-by-name|P1|TL1|Design']);
    // Without a task list the whole project is searched: two tasks of that name.
    expect(await both(() => rec(false))).toMatchObject({ ok: false, error: { code: 'ROW_AMBIGUOUS_REFERENCE', message: '"Design" names 2 tasks in project P1: TK1, TK2' } });
  });

  it('the sync path says NEEDS_IO, changing nothing, when a later round needs I/O', () => {
    const m = rec(true);
    const before = structuredClone(m);
    expect(tryResolveLookupsSync(m, table(T, ['Design']), pos)).toBe(NEEDS_IO);
    expect(m).toEqual(before);
  });

  it('task-by-key over several steps names them all when the key is in none', async () => {
    const spec: LookupSpec = { kind: 'task-by-key', step: ['tasks', 'subtasks'] };
    expect(await both(() => ({ values: { task: 'X-1' }, lookups: [{ field: 'task', spec, value: 'X-1' }] }))).toMatchObject({
      ok: false,
      error: { code: 'ROW_MISSING_PARENT', message: 'no task with key "X-1" in steps "tasks", "subtasks"' },
    });
  });
});

describe('refuseWarnedRow', () => {
  it('a row that warn left without a field the entity needs is refused with the lookup code and the rule', async () => {
    const logTask: LookupSpec = { kind: 'task-by-key', step: 'tasks', onMissing: 'warn' };
    const base = { project: 'P1', user: 'U1', date: '2026-01-05', minutes: 30, billing: 'Billable' };
    const r = await resolveLookups({ values: { ...base, task: 'T-9' }, lookups: [{ field: 'task', spec: logTask, value: 'T-9' }] }, table(T), pos);
    expect(r.ok).toBe(true);
    const refused = refuseWarnedRow('timelog', r.ok ? r.value : { values: {}, warnings: [] }, pos);
    expect(refused).toMatchObject({ code: 'ROW_MISSING_PARENT', field: 'task', value: 'T-9', pos });
    expect(refused!.message).toBe('no task with key "T-9" in step "tasks"; onMissing: warn left the field empty, but "task" cannot be empty here: a time log without "task" is a general log and needs "logName"');
    // With a logName the same row loads as a general log, its warning kept.
    const general = await resolveLookups({ values: { ...base, task: 'T-9', logName: 'Misc' }, lookups: [{ field: 'task', spec: logTask, value: 'T-9' }] }, table(T), pos);
    expect(general.ok && refuseWarnedRow('timelog', general.value, pos)).toBeUndefined();
    // Rows without warnings are not validated again.
    expect(refuseWarnedRow('timelog', { values: {}, warnings: [] }, pos)).toBeUndefined();
  });
});

describe('createChainedResolver', () => {
  it('an ambiguous answer is an answer: the next resolver is not asked', async () => {
    const later = table({ 'user-by-name|||Sam Smith': 'U9' });
    const c = createChainedResolver(table(T), later);
    expect(await c.resolve(owner(), 'Sam Smith')).toEqual({ ambiguous: ['sam@a.example', 'sam@b.example'] });
    expect(c.resolveSync!(owner(), 'Sam Smith')).toEqual({ ambiguous: ['sam@a.example', 'sam@b.example'] });
    expect(later.asked).toEqual([]);
    expect(await c.resolve(owner(), 'Nobody')).toBeUndefined();
  });
});

describe('onMissing: { default: api-user } on a time log user', () => {
  const user = (field: string): MappedRecord => ({
    values: { [field]: 'gone@x.example' },
    lookups: [{ field, spec: { kind: 'user-by-email', onMissing: { default: 'api-user' } }, value: 'gone@x.example' }],
  });

  it('credits the API user (nothing more to look up), on both paths', async () => {
    const r = table(T);
    expect(await both(() => user('user'), r)).toMatchObject({ ok: true, value: { values: { user: 'api-user' } } });
    expect(r.asked).toEqual(['user-by-email|||gone@x.example']);
  });

  it('on another field the default is looked up as a user, and not found is a reject naming both', async () => {
    expect(await both(() => user('owner'))).toMatchObject({ ok: false, error: { field: 'owner', message: expect.stringContaining('nor its onMissing default "api-user"') } });
  });
});
