/**
 * The user loader's refuseUnmatched: the one rule, asked by the run's create and the dry run alike, that
 * a portal-scope user matching nobody in the portal cannot be created (no portal invitation call).
 */
import { describe, expect, it } from 'vitest';
import { createUserLoader, isPortalScope } from '../../../../src/load/loaders/users.js';
import { createFakeApi } from '../../../helpers/fake-api.js';

const pos = { source: 'users.csv', line: 2, index: 0 };

describe('user loader: refuseUnmatched', () => {
  it('refuses a portal-scope user with ROW_UNKNOWN_USER naming the address, and nothing of a project-scope one', () => {
    const api = createFakeApi();
    const portal = createUserLoader(api, { scope: 'portal' });
    expect(portal.refuseUnmatched!({ key: 'k', values: { email: ' Zed@Example.com ' }, pos })).toMatchObject({ code: 'ROW_UNKNOWN_USER', field: 'email', value: 'zed@example.com', pos });
    expect(portal.refuseUnmatched!({ key: 'k', values: { email: 'zed@example.com' }, pos })!.message).toMatch(/^zed@example\.com is not a user of the portal; invite them/);
    expect(createUserLoader(api, { scope: 'project' }).refuseUnmatched!({ key: 'k', values: { email: 'zed@example.com', project: '9' }, pos })).toBeUndefined();
  });

  it("the run's create rejects exactly what refuseUnmatched refuses, and skips a portal user who is there", async () => {
    const api = createFakeApi();
    api.portalUsers_.push({ id: '1512955000000000042', email: 'ana@example.com' });
    const loader = createUserLoader(api, { scope: 'portal' });
    const zed = { key: 'z', values: { email: 'zed@example.com' }, pos };
    const { results } = await loader.create([zed, { key: 'a', values: { email: 'ana@example.com' }, pos }]);
    expect(results).toEqual([
      { key: 'z', status: 'rejected', error: loader.refuseUnmatched!(zed) },
      { key: 'a', status: 'skipped', zohoId: '1512955000000000042' },
    ]);
  });

  it('a scope: project row naming no project is ROW_REQUIRED, never a portal check; without a scope it is one', async () => {
    const api = createFakeApi();
    api.portalUsers_.push({ id: '1512955000000000042', email: 'ana@example.com' });
    const loader = createUserLoader(api, { scope: 'project' });
    const ana = { key: 'a', values: { email: 'ana@example.com', project: '', projects: [] }, pos };
    expect(loader.refuseUnmatched!(ana)).toMatchObject({ code: 'ROW_REQUIRED', field: 'project', pos });
    expect(await loader.findExisting(ana.values)).toEqual([]);
    const { results } = await loader.create([ana]);
    expect(results).toEqual([{ key: 'a', status: 'rejected', error: loader.refuseUnmatched!(ana) }]);
    // No scope and no project: the portal check (Ana is there).
    expect((await createUserLoader(api).create([ana])).results).toEqual([{ key: 'a', status: 'skipped', zohoId: '1512955000000000042' }]);
    expect([isPortalScope('portal', true), isPortalScope(undefined, false), isPortalScope('project', false), isPortalScope(undefined, true)]).toEqual([true, true, false, false]);
  });
});
