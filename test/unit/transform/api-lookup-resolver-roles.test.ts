/** role-by-name and profile-by-name through the portal's listings: one listing each, names matched as for projects, an unknown name a coded reject. */
import { describe, expect, it } from 'vitest';
import { createApiLookupResolver } from '../../../src/transform/api-lookup-resolver.js';
import { resolveLookups } from '../../../src/transform/lookups.js';
import type { ZohoApi } from '../../../src/zoho/types.js';

const pos = { source: 'users.csv', line: 4, index: 2 };

function fakeApi() {
  const calls: string[] = [];
  const api = {
    portalId: '1',
    users: {
      listRoles: async () => (calls.push('roles'), [{ id: '101', name: 'Administrator' }, { id: '102', name: 'Manager' }, { id: '103', name: 'Lead' }, { id: '104', name: 'Lead' }]),
      listProfiles: async () => (calls.push('profiles'), [{ id: '201', name: 'Employee', is_default: true }, { id: '202', name: 'Admin' }]),
    },
  };
  return { api: api as unknown as ZohoApi, calls };
}

describe('role-by-name and profile-by-name', () => {
  it('list once per run and match exactly, then case-insensitively; a name held twice is ambiguous, naming both', async () => {
    const { api, calls } = fakeApi();
    const r = createApiLookupResolver(api);
    expect(await r.resolve({ kind: 'role-by-name' }, 'Manager')).toBe('102');
    expect(await r.resolve({ kind: 'role-by-name' }, ' manager ')).toBe('102');
    expect(await r.resolve({ kind: 'role-by-name' }, 'Lead')).toEqual({ ambiguous: ['103', '104'] });
    expect(await r.resolve({ kind: 'profile-by-name' }, 'employee')).toBe('201');
    expect(calls).toEqual(['roles', 'profiles']);
  });

  it('an unknown role is a reject with its code, field and value', async () => {
    const { api } = fakeApi();
    const out = await resolveLookups(
      { values: { email: 'a@x.io', role: 'Intern', profile: 'Employee' }, lookups: [{ field: 'role', spec: { kind: 'role-by-name' }, value: 'Intern' }, { field: 'profile', spec: { kind: 'profile-by-name' }, value: 'Employee' }] },
      createApiLookupResolver(api),
      pos,
    );
    expect(out).toMatchObject({ ok: false, error: { code: 'ROW_UNKNOWN_REFERENCE', field: 'role', value: 'Intern', pos, message: 'no portal role named "Intern"' } });
  });
});
