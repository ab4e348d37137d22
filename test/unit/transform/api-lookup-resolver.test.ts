import { describe, expect, it } from 'vitest';
import { createApiLookupResolver } from '../../../src/transform/api-lookup-resolver.js';
import { userDisplayName } from '../../../src/zoho/user-display-name.js';
import { findName, foldName, indexNames, normName } from '../../../src/transform/name-match.js';
import type { ZohoApi } from '../../../src/zoho/types.js';

async function* gen<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

const P = '1000000000000000001';
const users = [
  { id: '2000000000000000001', email: 'jonas@x.example', full_name: 'Jonas Müller', first_name: 'Jonas', last_name: 'Mueller' },
  { id: '2000000000000000002', email: 'ann@x.example', first_name: 'Ann', last_name: 'Lee' },
  { id: '2000000000000000003', email: 'bot@x.example', name: 'Build Bot' },
  { id: '2000000000000000004', email: 'sam@a.example', full_name: 'Sam Smith' },
  { id: '2000000000000000005', email: 'sam@b.example', full_name: 'sam smith' },
  { id: '2000000000000000006', email: 'sam@c.example', full_name: 'sam smith' },
];

function fakeApi() {
  const calls: string[] = [];
  const api = {
    users: {
      listPortal: () => (calls.push('users'), gen(users)),
      listProject: (p: string) => (calls.push(`users|${p}`), gen(users.slice(1, 2))),
    },
    tasks: {
      list: (p: string) => (
        calls.push(`tasks|${p}`),
        gen([
          { id: '5000000000000000001', name: 'Design', tasklist: { id: 'TL1', name: 'Phase 1' } },
          { id: '5000000000000000002', name: 'Design', tasklist: { id: 'TL2', name: 'Phase 2' } },
          { id: '5000000000000000003', name: 'Build', tasklist: { id: 'TL1' }, depth: 1 },
        ])
      ),
    },
  };
  return { api: api as unknown as ZohoApi, calls };
}

describe('name matching', () => {
  it('NFC and trimmed exactly, then case-insensitively with white space collapsed; an exact match to one wins', () => {
    const decomposed = 'Mu\u0308ller';
    expect(normName(` ${decomposed} `)).toBe('Müller');
    expect(foldName(' Jonas   MÜLLER ')).toBe('jonas müller');
    const ix = indexNames([
      { name: 'Gemini', id: '1', label: '1' },
      { name: 'gemini', id: '2', label: '2' },
      { name: 'Solo', id: '3', label: '3', tag: 'a' },
    ]);
    expect(findName(ix, 'Gemini')).toBe('1');
    expect(findName(ix, 'GEMINI')).toEqual({ ambiguous: ['1', '2'] });
    expect(findName(ix, 'solo')).toBe('3');
    expect(findName(ix, 'Solo', 'b')).toBeUndefined();
    expect(findName(ix, 'Nope')).toBeUndefined();
  });
});

describe('user-by-name', () => {
  it('the display name is full_name, else first and last name, else name', () => {
    expect(users.map(userDisplayName)).toEqual(['Jonas Müller', 'Ann Lee', 'Build Bot', 'Sam Smith', 'sam smith', 'sam smith']);
    expect(userDisplayName({ full_name: '  ', first_name: 'Ann' })).toBe('Ann');
  });

  it('matches the display name (either Unicode form), refuses an ambiguous one naming the e-mails, and shares the users listing with user-by-email', async () => {
    const { api, calls } = fakeApi();
    const r = createApiLookupResolver(api);
    expect(await r.resolve({ kind: 'user-by-name' }, 'Jonas Mu\u0308ller')).toBe('2000000000000000001');
    // The first + last name pair is not the display name when full_name differs.
    expect(await r.resolve({ kind: 'user-by-name' }, 'Jonas Mueller')).toBeUndefined();
    expect(await r.resolve({ kind: 'user-by-name' }, 'ann lee')).toBe('2000000000000000002');
    expect(await r.resolve({ kind: 'user-by-name' }, 'Build Bot')).toBe('2000000000000000003');
    expect(await r.resolve({ kind: 'user-by-name' }, 'Sam Smith')).toBe('2000000000000000004');
    expect(await r.resolve({ kind: 'user-by-name' }, 'SAM SMITH')).toEqual({ ambiguous: ['sam@a.example', 'sam@b.example', 'sam@c.example'] });
    expect(await r.resolve({ kind: 'user-by-name' }, 'sam smith')).toEqual({ ambiguous: ['sam@b.example', 'sam@c.example'] });
    expect(await r.resolve({ kind: 'user-by-email' }, 'ANN@x.example')).toBe('2000000000000000002');
    // E-mails are normalised as everywhere (core/norm-email.ts): trimmed and lower-cased.
    expect(await r.resolve({ kind: 'user-by-email' }, ' ann@X.example ')).toBe('2000000000000000002');
    // within: project looks among the project's users only.
    expect(await r.resolve({ kind: 'user-by-name', within: 'project' }, 'Jonas Müller', P)).toBeUndefined();
    expect(await r.resolve({ kind: 'user-by-name', within: 'project' }, 'Ann Lee', P)).toBe('2000000000000000002');
    expect(calls).toEqual(['users', `users|${P}`]);
  });
});

describe('task-by-name', () => {
  it('reads the project task listing once, narrowed by the task list when given; subtasks count', async () => {
    const { api, calls } = fakeApi();
    const r = createApiLookupResolver(api);
    const spec = { kind: 'task-by-name', within: 'project', tasklist: 'tasklist' } as const;
    expect(await r.resolve(spec, 'Design', P)).toEqual({ ambiguous: ['5000000000000000001', '5000000000000000002'] });
    expect(await r.resolve(spec, 'design', P, 'TL2')).toBe('5000000000000000002');
    expect(await r.resolve(spec, 'Build', P)).toBe('5000000000000000003');
    expect(await r.resolve(spec, 'Build', P, 'TL2')).toBeUndefined();
    expect(await r.resolve(spec, 'Build')).toBeUndefined();
    expect(calls).toEqual([`tasks|${P}`]);
  });
});
