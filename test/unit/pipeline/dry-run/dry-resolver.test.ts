import { describe, expect, it } from 'vitest';
import { createDryRunResolver } from '../../../../src/pipeline/dry-run/dry-resolver.js';
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
