import { describe, expect, it } from 'vitest';
import { createDryRunResolver, isUnverifiedName, registerDryRecord } from '../../../../src/pipeline/dry-run/dry-resolver.js';
import { LoadStepSchema, type LoadStepConfig } from '../../../../src/pipeline/file/schema.js';
import type { PreparedValid } from '../../../../src/core/prepared-item.js';
import { createScratchStore } from '../../../../src/pipeline/prepare/scratch-store.js';
import type { LookupSpec } from '../../../../src/transform/lookup-spec.js';
import { NEEDS_IO, type LookupResolver } from '../../../../src/transform/lookup-types.js';

const USER: LookupSpec = { kind: 'user-by-email' } as LookupSpec;
const TASK: LookupSpec = { kind: 'task-by-key', step: 'tasks' } as LookupSpec;

describe('dry-run resolver cache', () => {
  it('finds a name registered after an earlier miss (no cached miss: project owners looked up before project-scoped users exist)', () => {
    const s = createScratchStore();
    try {
      const r = createDryRunResolver(s);
      expect(r.resolveSync!(USER, 'Ana@Example.com')).toBeUndefined();
      expect(r.resolveSync!(TASK, 'T1')).toBeUndefined();
      s.putName('user', '', 'ana@example.com', 'dry:user:ana@example.com');
      s.putName('task', 'tasks', 'T1', 'dry:task:tasks:T1');
      expect(r.resolveSync!(USER, 'Ana@Example.com')).toBe('dry:user:ana@example.com');
      expect(r.resolveSync!(TASK, 'T1')).toBe('dry:task:tasks:T1');
      // A found id is cached and stays (the scratch store keeps the first registration).
      s.putName('task', 'tasks', 'T1', 'other');
      expect(r.resolveSync!(TASK, 'T1')).toBe('dry:task:tasks:T1');
    } finally {
      s.close();
    }
  });

  it('asks Zoho once per missing name, yet still finds it once an earlier step registers it', async () => {
    const s = createScratchStore();
    try {
      let calls = 0;
      const api: LookupResolver = {
        async resolve() {
          calls++;
          return undefined;
        },
      };
      const r = createDryRunResolver(s, api);
      expect(r.resolveSync!(USER, 'ben@example.com')).toBe(NEEDS_IO);
      expect(await r.resolve(USER, 'ben@example.com')).toBeUndefined();
      expect(r.resolveSync!(USER, 'ben@example.com')).toBeUndefined(); // Zoho's miss is remembered
      expect(await r.resolve(USER, 'ben@example.com')).toBeUndefined();
      expect(calls).toBe(1);
      s.putName('user', '', 'ben@example.com', 'dry:user:ben@example.com');
      expect(await r.resolve(USER, 'ben@example.com')).toBe('dry:user:ben@example.com');
      expect(calls).toBe(1);
    } finally {
      s.close();
    }
  });
});

const pos = { source: 'x.csv', line: 2, index: 0 };
const valid = (key: string, values: Record<string, unknown>): PreparedValid => ({ kind: 'valid', key, values, pos, data: {} });
const step = (name: string, entity: string, fields: Record<string, unknown>): LoadStepConfig =>
  LoadStepSchema.parse({ name, entity, source: { type: 'csv', path: 'x.csv' }, key: ['id'], fields });
const TASK_FIELDS = { project: { from: 'P' }, name: { from: 'N' } };

describe('dry-run resolver: names as the run would find them in Zoho', () => {
  it('task-by-name finds tasks earlier steps would create, in the project and narrowed by task list; two of one name are ambiguous', async () => {
    const s = createScratchStore();
    try {
      const tasks = step('tasks', 'task', { ...TASK_FIELDS, tasklist: { from: 'L' } });
      registerDryRecord(s, tasks, valid('T-1', { project: 'dry:project:A', tasklist: 'dry:tasklist:L1', name: 'Design' }));
      registerDryRecord(s, tasks, valid('T-2', { project: 'dry:project:A', tasklist: 'dry:tasklist:L2', name: 'Design' }));
      registerDryRecord(s, step('subtasks', 'subtask', { ...TASK_FIELDS, parent: { from: 'X' } }), valid('S-1', { project: 'dry:project:A', name: 'Review', parent: 'dry:task:tasks:T-1' }));
      let calls = 0;
      const r = createDryRunResolver(s, { resolve: async () => (calls++, undefined) });
      const spec: LookupSpec = { kind: 'task-by-name', within: 'project', tasklist: 'tasklist' };
      expect(r.resolveSync!(spec, 'design', 'dry:project:A', 'dry:tasklist:L2')).toBe('dry:task:tasks:T-2');
      expect(r.resolveSync!(spec, 'Design', 'dry:project:A')).toEqual({ ambiguous: ['dry:task:tasks:T-1', 'dry:task:tasks:T-2'] });
      expect(r.resolveSync!(spec, ' Review ', 'dry:project:A')).toBe('dry:task:subtasks:S-1');
      // Inside a placeholder project Zoho knows nothing: unknown without asking.
      expect(await r.resolve(spec, 'Other', 'dry:project:A')).toBeUndefined();
      expect(calls).toBe(0);
      // In a real project Zoho is asked (a task that exists only there).
      expect(r.resolveSync!(spec, 'Other', '1000000000000000001')).toBe(NEEDS_IO);
    } finally {
      s.close();
    }
  });

  it('two projects of one name an earlier step would create are ambiguous; an exact match to one wins over case variants', () => {
    const s = createScratchStore();
    try {
      const projects = step('projects', 'project', { name: { from: 'N' } });
      registerDryRecord(s, projects, valid('1', { name: 'Apollo' }));
      registerDryRecord(s, projects, valid('2', { name: 'apollo' }));
      registerDryRecord(s, projects, valid('3', { name: 'Gemini' }));
      registerDryRecord(s, projects, valid('4', { name: 'Gemini' }));
      const r = createDryRunResolver(s);
      const spec: LookupSpec = { kind: 'project-by-name' };
      expect(r.resolveSync!(spec, 'Apollo')).toBe('dry:project:1');
      expect(r.resolveSync!(spec, 'APOLLO')).toEqual({ ambiguous: ['dry:project:1', 'dry:project:2'] });
      expect(r.resolveSync!(spec, 'Gemini')).toEqual({ ambiguous: ['dry:project:3', 'dry:project:4'] });
    } finally {
      s.close();
    }
  });

  it('task-by-key over several steps: the first step in list order holding the key wins', () => {
    const s = createScratchStore();
    try {
      s.putName('task', 'tasks', 'K-1', 'dry:task:tasks:K-1');
      s.putName('task', 'subtasks', 'K-1', 'dry:task:subtasks:K-1');
      s.putName('task', 'subtasks', 'K-2', 'dry:task:subtasks:K-2');
      const r = createDryRunResolver(s);
      expect(r.resolveSync!({ kind: 'task-by-key', step: ['tasks', 'subtasks'] }, 'K-1')).toBe('dry:task:tasks:K-1');
      expect(r.resolveSync!({ kind: 'task-by-key', step: ['subtasks', 'tasks'] }, 'K-1')).toBe('dry:task:subtasks:K-1');
      expect(r.resolveSync!({ kind: 'task-by-key', step: ['tasks', 'subtasks'] }, 'K-2')).toBe('dry:task:subtasks:K-2');
      expect(r.resolveSync!({ kind: 'task-by-key', step: ['tasks'] }, 'K-2')).toBeUndefined();
    } finally {
      s.close();
    }
  });

  it('users a step adds to a project are found within it; by display name inside a placeholder project, the portal users added to it, else unverified', async () => {
    const s = createScratchStore();
    try {
      const members = step('members', 'user', { email: { from: 'E' }, project: { from: 'P' }, projects: { from: 'Q' } });
      // Ana is new to the portal (a placeholder id); Bo is a portal user (his Zoho id), added to A and B.
      registerDryRecord(s, members, valid('a', { email: 'Ana@X.example', project: 'dry:project:A' }));
      registerDryRecord(s, members, valid('b', { email: 'bo@x.example', project: 'dry:project:A', projects: ['dry:project:B'] }), '2000000000000000002');
      const asked: (string | undefined)[] = [];
      const portal: Record<string, string> = { 'Bo Lund': '2000000000000000002', 'Cy Doe': '2000000000000000003' };
      const r = createDryRunResolver(s, { resolve: async (_spec, v, scope) => (asked.push(scope), portal[v]) });
      const byEmail = { kind: 'user-by-email', within: 'project' } as LookupSpec;
      const byName = { kind: 'user-by-name', within: 'project' } as LookupSpec;
      expect(r.resolveSync!(byEmail, 'ana@x.example', 'dry:project:A')).toBe('dry:user:ana@x.example');
      expect(r.resolveSync!(byEmail, 'bo@x.example', 'dry:project:B')).toBe('2000000000000000002');
      expect(r.resolveSync!(byEmail, 'ben@x.example', 'dry:project:A')).toBeUndefined();
      expect(await r.resolve(byName, 'Bo Lund', 'dry:project:B')).toBe('2000000000000000002');
      // Cy is a portal user, but nobody adds him to A; Ana joins A, and her Zoho name is not known yet.
      const cy = await r.resolve(byName, 'Cy Doe', 'dry:project:A');
      expect(isUnverifiedName(cy)).toBe(true);
      expect(await r.resolve(byName, 'Cy Doe', 'dry:project:B')).toBeUndefined();
      expect(asked).toEqual([undefined, undefined]);
      expect(r.resolveSync!(byName, 'Bo Lund', 'dry:project:B')).toBe('2000000000000000002');
    } finally {
      s.close();
    }
  });

  it("a new project's owner is found by display name within it (Zoho adds the owner), another portal user is not", async () => {
    const s = createScratchStore();
    try {
      const id = registerDryRecord(s, step('projects', 'project', { name: { from: 'N' }, owner: { from: 'O' } }), valid('P1', { name: 'Fresh', owner: '2000000000000000007' }))!;
      const portal: Record<string, string> = { 'Olivia Brown': '2000000000000000007', 'Mia Novak': '2000000000000000008' };
      const r = createDryRunResolver(s, { resolve: async (_spec, v) => portal[v] });
      const byName = { kind: 'user-by-name', within: 'project' } as LookupSpec;
      expect(await r.resolve(byName, 'Olivia Brown', id)).toBe('2000000000000000007');
      expect(await r.resolve(byName, 'Mia Novak', id)).toBeUndefined();
      // Within an existing project: Zoho's member of that name, and a portal user added there under it, are two.
      registerDryRecord(s, step('members', 'user', { email: { from: 'E' }, project: { from: 'P' } }), valid('m', { email: 'mia@x.example', project: '1000000000000000001' }), '2000000000000000008');
      const r2 = createDryRunResolver(s, { resolve: async (_spec, v, scope) => (scope === undefined ? portal[v] : v === 'Mia Novak' ? '2000000000000000009' : undefined) });
      expect(await r2.resolve(byName, 'Mia Novak', '1000000000000000001')).toEqual({ ambiguous: ['2000000000000000008', '2000000000000000009'] });
    } finally {
      s.close();
    }
  });

  it('remembers an ambiguous answer from Zoho (asked once)', async () => {
    const s = createScratchStore();
    try {
      let calls = 0;
      const r = createDryRunResolver(s, { resolve: async () => (calls++, { ambiguous: ['a@x', 'b@x'] }) });
      const spec: LookupSpec = { kind: 'user-by-name' };
      expect(await r.resolve(spec, 'Sam')).toEqual({ ambiguous: ['a@x', 'b@x'] });
      expect(r.resolveSync!(spec, 'Sam')).toEqual({ ambiguous: ['a@x', 'b@x'] });
      expect(calls).toBe(1);
    } finally {
      s.close();
    }
  });
});
