/**
 * Roles and profiles by name, and the user step's refusals, against the sandbox: the client reads the
 * portal's listings under either unconfirmed path, `role-by-name` / `profile-by-name` resolve through
 * them in a real run, and the rows that cannot be loaded are rejected with their codes (an unknown
 * role name, a role name given without its lookup, an e-mail that is not a portal user).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { createScaledClock } from '../../src/core/clock.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import { createApiLookupResolver } from '../../src/transform/api-lookup-resolver.js';
import { sandboxClient } from '../helpers/sandbox-client.js';

describe('the portal role and profile listings', () => {
  it('are read from /settings/roles and /settings/profiles (the default)', async ({ sandbox }) => {
    const client = sandboxClient(sandbox);
    try {
      expect((await client.users.listRoles()).map((r) => r.name)).toEqual(['Administrator', 'Manager', 'Employee', 'Customer']);
      expect((await client.users.listProfiles()).find((p) => p.is_default)?.name).toBe('Employee');
      expect(sandbox.admin.counters().endpoints['GET /roles']).toBeUndefined();
    } finally {
      await client.close();
    }
  });

});

describe('the listings on a portal that routes only /roles and /profiles', () => {
  it.override({ sandboxOptions: { config: { roleListingPaths: 'plain' } } });
  it('fall back to /roles and /profiles when the portal has no /settings/… URL rule', async ({ sandbox }) => {
    const client = sandboxClient(sandbox);
    try {
      const resolver = createApiLookupResolver(client);
      const manager = await resolver.resolve({ kind: 'role-by-name' }, 'manager');
      expect(manager).toBe((await client.users.listRoles()).find((r) => r.name === 'Manager')!.id);
      expect(await resolver.resolve({ kind: 'profile-by-name' }, 'Customer')).toMatch(/^\d+$/);
      expect(await resolver.resolve({ kind: 'role-by-name' }, 'Intern')).toBeUndefined();
      const counters = sandbox.admin.counters().endpoints;
      expect(counters['GET /settings/roles']!.errors).toBeGreaterThan(0);
      expect(counters['GET /roles']!.ok).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});

describe('user steps in a run', () => {
  it.override({ sandboxOptions: { seed: 'demo', timeScale: 100 } });
  it('resolves roles and profiles by name, and rejects what cannot be loaded with its code', async ({ sandbox, tmp }) => {
    writeFileSync(join(tmp, 'people.csv'), [
      'Email,Role,Profile',
      'eve@acme.example,Manager,Employee',
      'fay@acme.example,Intern,Employee',
      'gus@acme.example,,Contractor',
    ].join('\n') + '\n');
    writeFileSync(join(tmp, 'by-id.csv'), 'Email,Role\nhal@acme.example,Manager\n');
    writeFileSync(join(tmp, 'portal.csv'), 'Email\nana.lima@sandbox.example\nnobody@acme.example\n');
    writeFileSync(join(tmp, 'people.yaml'), `
version: 1
name: people
steps:
  - name: members
    entity: user
    scope: project
    source: { type: csv, path: people.csv }
    key: [Email]
    fields:
      email: { from: Email, converter: email }
      project: { default: Sandbox sample project, lookup: { kind: project-by-name } }
      role: { from: Role, lookup: { kind: role-by-name } }
      profile: { from: Profile, lookup: { kind: profile-by-name } }
  - name: no-lookup
    entity: user
    scope: project
    source: { type: csv, path: by-id.csv }
    key: [Email]
    fields:
      email: { from: Email, converter: email }
      project: { default: Sandbox sample project, lookup: { kind: project-by-name } }
      role: { from: Role }
  - name: portal
    entity: user
    scope: portal
    source: { type: csv, path: portal.csv }
    key: [Email]
    fields:
      email: { from: Email, converter: email }
`);
    const events: PipelineEvent[] = [];
    const clock = createScaledClock(100, sandbox.clock.now());
    const res = await runPipeline(join(tmp, 'people.yaml'), { env: { ...sandbox.env }, cwd: tmp, clock, onEvent: (e) => events.push(e) });
    const rejects = events.flatMap((e) => (e.type === 'reject' ? [{ step: e.step, code: e.error.code, value: e.error.value, message: e.error.message }] : []));
    expect(res.counts.members).toMatchObject({ read: 3, created: 1, rejected: 2 });
    expect(rejects.filter((r) => r.step === 'members').map((r) => [r.code, r.value])).toEqual([
      ['ROW_UNKNOWN_REFERENCE', 'Intern'],
      ['ROW_UNKNOWN_REFERENCE', 'Contractor'],
    ]);
    const eve = (sandbox.admin.entities('project-users') as { email: string; project_role?: { name: string }; portal_profile?: { name: string } }[]).find((u) => u.email === 'eve@acme.example');
    expect(eve?.project_role?.name).toBe('Manager');
    expect(eve?.portal_profile?.name).toBe('Employee');
    // A role name without the lookup is refused before anything is sent, pointing at the lookup.
    expect(res.counts['no-lookup']).toMatchObject({ read: 1, created: 0, rejected: 1 });
    const noLookup = rejects.find((r) => r.step === 'no-lookup')!;
    expect(noLookup.code).toBe('ROW_INVALID_VALUE');
    expect(noLookup.message).toContain('lookup: { kind: role-by-name }');
    // Portal scope: a portal user is skipped, an unknown e-mail is ROW_UNKNOWN_USER (no invitation call).
    expect(res.counts.portal).toMatchObject({ read: 2, skipped: 1, rejected: 1 });
    expect(rejects.find((r) => r.step === 'portal')).toMatchObject({ code: 'ROW_UNKNOWN_USER', value: 'nobody@acme.example' });
    expect((sandbox.admin.entities('users') as { email: string }[]).some((u) => u.email === 'nobody@acme.example')).toBe(false);
  });
});
