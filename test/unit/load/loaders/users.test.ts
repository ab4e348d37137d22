/** The user loader's one rule for what cannot be created (refuseUnmatched), used by create(), and a row's result over several projects. */
import { describe, expect, it } from 'vitest';
import { createUserLoader } from '../../../../src/load/loaders/users.js';
import { combineMemberships, type MembershipResults } from '../../../../src/load/loaders/user-memberships.js';
import type { AttemptResult, LoadItem } from '../../../../src/load/types.js';
import { createFakeApi } from '../../../helpers/fake-api.js';

const pos = (i: number) => ({ source: 'users.csv', line: i + 2, index: i });

describe('refuseUnmatched', () => {
  it('portal scope: an e-mail that is no portal user is ROW_UNKNOWN_USER, and create() rejects it with that very error', async () => {
    const api = createFakeApi();
    api.portalUsers_.push({ id: '2000000000000000001', email: 'ann@acme.example' });
    const l = createUserLoader(api, { scope: 'portal' });
    const known: LoadItem = { key: 'ann', values: { email: 'Ann@acme.example' }, pos: pos(0) };
    const unknown: LoadItem = { key: 'zed', values: { email: 'zed@acme.example' }, pos: pos(1) };
    const refusal = l.refuseUnmatched!(unknown);
    expect(refusal).toMatchObject({ code: 'ROW_UNKNOWN_USER', field: 'email', value: 'zed@acme.example', pos: pos(1) });
    expect(refusal!.message).toContain('no portal invitation call');
    const out = await l.create([known, unknown]);
    expect(out.results).toEqual([
      { key: 'ann', status: 'skipped', zohoId: '2000000000000000001' },
      { key: 'zed', status: 'rejected', error: refusal },
    ]);
    expect(api.calls['user.add']).toBeUndefined();
  });

  it('project scope: creatable (undefined) unless a role or profile is no id', () => {
    const l = createUserLoader(createFakeApi(), { scope: 'project' });
    expect(l.refuseUnmatched!({ key: 'a', values: { email: 'a@x.io', projects: ['1', '2'] }, pos: pos(0) })).toBeUndefined();
    expect(l.refuseUnmatched!({ key: 'a', values: { email: 'a@x.io', project: '1', role: 'Boss' }, pos: pos(0) })).toMatchObject({ code: 'ROW_INVALID_VALUE', field: 'role' });
  });
});

describe('a row over several projects', () => {
  const it0: LoadItem = { key: 'ana', values: { email: 'ana@x.io' }, pos: pos(0) };
  const results = (per: Record<string, AttemptResult>): MembershipResults => new Map(Object.entries(per).map(([p, r]) => [p, new Map([[it0.key, r]])]));

  it('is created when a membership was added, skipped when all were there', () => {
    expect(combineMemberships(it0, ['A', 'B'], results({ A: { key: 'ana', status: 'skipped', zohoId: '9' }, B: { key: 'ana', status: 'created', zohoId: '9' } }))).toEqual({ key: 'ana', status: 'created', zohoId: '9' });
    expect(combineMemberships(it0, ['A', 'B'], results({ A: { key: 'ana', status: 'skipped', zohoId: '9' }, B: { key: 'ana', status: 'skipped', zohoId: '9' } }))).toMatchObject({ status: 'skipped' });
  });

  it('a refusal in one project names it and the projects joined; partly sent and then stopped is in doubt, never unsent', () => {
    const refused = combineMemberships(it0, ['A', 'B'], results({
      A: { key: 'ana', status: 'created', zohoId: '9' },
      B: { key: 'ana', status: 'rejected', error: { code: 'ROW_REJECTED_BY_ZOHO', message: 'Zoho refused the user', field: 'email', pos: pos(0) } },
    }));
    expect(refused).toMatchObject({ status: 'rejected', error: { message: 'Zoho refused the user (project B; a member of A now)' } });
    expect(combineMemberships(it0, ['A', 'B'], results({ A: { key: 'ana', status: 'created', zohoId: '9' }, B: { key: 'ana', status: 'unsent' } }))).toEqual({ key: 'ana', status: 'in-doubt' });
    expect(combineMemberships(it0, ['A', 'B'], results({ A: { key: 'ana', status: 'skipped', zohoId: '9' }, B: { key: 'ana', status: 'unsent' } }))).toEqual({ key: 'ana', status: 'unsent' });
  });
});
