import { describe, expect, it } from 'vitest';
import { createDryRunResolver, registerDryRecord } from '../../../../src/pipeline/dry-run/dry-resolver.js';
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

  it('users a step adds to a project are found within it; user-by-name inside a placeholder project asks Zoho portal-wide', async () => {
    const s = createScratchStore();
    try {
      registerDryRecord(s, step('members', 'user', { email: { from: 'E' }, project: { from: 'P' } }), valid('a', { email: 'Ana@X.example', project: 'dry:project:A' }));
      const asked: (string | undefined)[] = [];
      const r = createDryRunResolver(s, { resolve: async (_spec, _v, scope) => (asked.push(scope), '2000000000000000001') });
      expect(r.resolveSync!({ kind: 'user-by-email', within: 'project' }, 'ana@x.example', 'dry:project:A')).toBe('dry:user:ana@x.example');
      expect(r.resolveSync!({ kind: 'user-by-email', within: 'project' }, 'ben@x.example', 'dry:project:A')).toBeUndefined();
      expect(await r.resolve({ kind: 'user-by-name', within: 'project' }, 'Ana Smith', 'dry:project:A')).toBe('2000000000000000001');
      expect(asked).toEqual([undefined]);
      expect(r.resolveSync!({ kind: 'user-by-name', within: 'project' }, 'Ana Smith', 'dry:project:A')).toBe('2000000000000000001');
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
