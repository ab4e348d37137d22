import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../helpers/sandbox-harness.js';

let h: Harness;
afterEach(async () => h?.s.close());
const ud = (emails: string[]) => encodeURIComponent(JSON.stringify(emails.map((e) => ({ email_id: e }))));

describe('sandbox users', () => {
  it('portal users live under /api/v3.1 only: list with page_info, get by zpuid and by email', async () => {
    h = await harness({ seed: 'demo' });
    const base = `/api/v3.1/portal/${h.s.portalId}`;
    const list = h.b(h.call('GET', `${base}/users?type=portal_user&view_type=active&page=1&per_page=2`));
    expect(list.users).toHaveLength(2);
    expect(list.page_info.has_next_page).toBe(true);
    const last = h.b(h.call('GET', `${base}/users?page=3&per_page=2`));
    expect(last.users).toHaveLength(1);
    expect(last.page_info.has_next_page).toBe(false);
    const u = list.users[1];
    expect(h.b(h.call('GET', `${base}/users/${u.id}`)).email).toBe(u.email);
    expect(h.b(h.call('GET', `${base}/users/${encodeURIComponent(u.email)}`)).id).toBe(u.id);
    expect(h.call('GET', `${base}/users/nobody@example.com`).status).toBe(404);
    expect(h.b(h.call('GET', '/users')).error.title).toBe('URL_RULE_NOT_CONFIGURED');
  });

  it('maxUsersPerPage bounds per_page on the v3.1 users list', async () => {
    h = await harness({ config: { maxUsersPerPage: 50 } });
    const r = h.call('GET', `/api/v3.1/portal/${h.s.portalId}/users?per_page=100`);
    expect(h.b(r).error).toMatchObject({ title: 'INVALID_PARAMETER_VALUE', details: [{ field_name: 'per_page' }] });
    expect(h.b(h.call('GET', `/api/v3.1/portal/${h.s.portalId}/users`)).page_info.per_page).toBe(50);
  });

  it('bulk add: several e-mails in one call → emailvszpuid; unknown e-mails join the portal; repeat is idempotent', async () => {
    h = await harness();
    const project = h.b(h.call('POST', '/projects', { name: 'P' })).id;
    const before = h.s.admin.counters().entities.users;
    const r = h.call('POST', `/projects/${project}/projectusers?userdetails=${ud(['a@x.com', 'b@x.com'])}&notify=false`);
    expect(r.status).toBe(200);
    const map = h.b(r).emailvszpuid;
    expect(Object.keys(map)).toEqual(['a@x.com', 'b@x.com']);
    expect(map['a@x.com']).toMatch(/^\d{19}$/);
    expect(h.s.admin.counters().entities.users).toBe(before! + 2);
    const again = h.b(h.call('POST', `/projects/${project}/projectusers?userdetails=${ud(['a@x.com'])}`)).emailvszpuid;
    expect(again['a@x.com']).toBe(map['a@x.com']);
    const members = h.b(h.call('GET', `/projects/${project}/users`)).users;
    // the creator (portal owner) is a member of the project it created
    expect(members.map((m: any) => m.email).sort()).toEqual(['a@x.com', 'b@x.com', 'owner@sandbox.example']);
  });

  it('accepts the form-body variant on POST /projects/{J}/users', async () => {
    h = await harness();
    const project = h.b(h.call('POST', '/projects', { name: 'P' })).id;
    const body = `notify=false&userdetails=${ud(['c@x.com'])}`;
    const r = h.call('POST', `/projects/${project}/users`, body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(h.b(r).emailvszpuid['c@x.com']).toMatch(/^\d{19}$/);
  });

  it('userdetails errors: missing, not JSON, not an array, bad e-mail, extra key', async () => {
    h = await harness();
    const project = h.b(h.call('POST', '/projects', { name: 'P' })).id;
    const at = (q: string) => h.b(h.call('POST', `/projects/${project}/projectusers${q}`)).error;
    expect(at('')).toMatchObject({ title: 'LESS_THAN_MIN_OCCURANCE', details: [{ field_name: 'userdetails' }] });
    expect(at('?userdetails=nope').title).toBe('JSON_PARSE_ERROR');
    expect(at(`?userdetails=${encodeURIComponent('{"email_id":"a@x.com"}')}`).title).toBe('JSON_PARSE_ERROR');
    expect(at(`?userdetails=${ud(['not-an-email'])}`)).toMatchObject({ title: 'INVALID_PARAMETER_VALUE', details: [{ field_name: 'email_id' }] });
    expect(at(`?userdetails=${encodeURIComponent('[{"email_id":"a@x.com","name":"A"}]')}`).title).toBe('EXTRA_KEY_FOUND_IN_JSON');
    expect(h.s.admin.counters().entities.users).toBe(1);
  });
});
