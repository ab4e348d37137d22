import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, sandboxEndpoints, type Sandbox } from '../../src/sandbox/index.js';

let s: Sandbox | undefined;
afterEach(async () => s?.close());

describe('every sandbox route over HTTP', () => {
  it('answers each routed endpoint and counts it under its METHOD /template key', async () => {
    s = await createSandbox({ seed: 'demo' });
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: s.env.ZOHO_CLIENT_ID,
      client_secret: s.env.ZOHO_CLIENT_SECRET,
      refresh_token: s.env.ZOHO_REFRESH_TOKEN,
    });
    const tok = ((await (await fetch(`${s.baseUrl}/oauth/v2/token`, { method: 'POST', body: form })).json()) as any).access_token;
    const v3 = `${s.baseUrl}/api/v3/portal/${s.portalId}`;
    const v31 = `${s.baseUrl}/api/v3.1/portal/${s.portalId}`;
    const call = async (method: string, url: string, body?: unknown, form = false) => {
      const res = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${tok}`, 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
        ...(body !== undefined ? { body: form ? String(body) : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
    };
    const mod = encodeURIComponent('{"type":"task"}');
    expect((await call('GET', `${s.baseUrl}/api/v3/portals`)).status).toBe(200);
    const P = (await call('POST', `${v3}/projects`, { name: 'R' })).body.id;
    expect((await call('GET', `${v3}/projects`)).status).toBe(200);
    expect((await call('GET', `${v3}/projects/${P}`)).status).toBe(200);
    expect((await call('PATCH', `${v3}/projects/${P}`, { description: 'x' })).status).toBe(200);
    const M = (await call('POST', `${v3}/projects/${P}/milestones`, { name: 'M', start_date: '2026-01-01', end_date: '2026-01-31' })).body.id;
    expect((await call('GET', `${v3}/projects/${P}/milestones`)).status).toBe(200);
    expect((await call('GET', `${v3}/projects/${P}/milestones/${M}`)).status).toBe(200);
    expect((await call('PATCH', `${v3}/projects/${P}/milestones/${M}`, { name: 'M2' })).body.name).toBe('M2');
    const TL = (await call('POST', `${v3}/projects/${P}/tasklists`, { name: 'TL', milestone: { id: M } })).body.id;
    expect((await call('GET', `${v3}/projects/${P}/tasklists`)).status).toBe(200);
    expect((await call('GET', `${v3}/projects/${P}/tasklists/${TL}`)).body.milestone.id).toBe(M);
    expect((await call('PATCH', `${v3}/projects/${P}/tasklists/${TL}`, { status: 'completed' })).body.status).toBe('completed');
    const T = (await call('POST', `${v3}/projects/${P}/tasks`, { name: 'T', tasklist: { id: TL } })).body.id;
    expect((await call('GET', `${v3}/projects/${P}/tasks`)).status).toBe(200);
    expect((await call('GET', `${v3}/projects/${P}/tasks/${T}`)).body.milestone.id).toBe(M);
    expect((await call('PATCH', `${v3}/projects/${P}/tasks/${T}`, { priority: 'low' })).status).toBe(200);
    const users = (await call('GET', `${v31}/users`)).body.users;
    expect((await call('GET', `${v31}/users/${users[0].id}`)).status).toBe(200);
    const ud = encodeURIComponent(JSON.stringify([{ email_id: users[1].email }]));
    expect((await call('POST', `${v3}/projects/${P}/projectusers?userdetails=${ud}`)).status).toBe(200);
    expect((await call('POST', `${v3}/projects/${P}/users`, `userdetails=${ud}`, true)).status).toBe(200);
    expect((await call('GET', `${v3}/projects/${P}/users`)).body.users).toHaveLength(2);
    expect((await call('GET', `${v3}/settings/roles`)).body.roles.map((r: { name: string }) => r.name)).toContain('Manager');
    expect((await call('GET', `${v3}/settings/profiles`)).body.profiles.map((r: { name: string }) => r.name)).toContain('Employee');
    // The other spelling answers only with config.roleListingPaths 'plain' or 'both'.
    expect((await call('GET', `${v3}/roles`)).body.error.title).toBe('URL_RULE_NOT_CONFIGURED');
    expect((await call('GET', `${v3}/profiles`)).status).toBe(400);
    const L = (await call('POST', `${v3}/projects/${P}/log`, { date: '2026-01-02', bill_status: 'Billable', hours: '1:00', module: { type: 'task', id: T } }))
      .body.time_logs[0].log_details[0].id;
    expect((await call('GET', `${v3}/projects/${P}/timelogs?view_type=week&start_date=2026-01-02&module=${mod}`)).body.time_logs).toHaveLength(1);
    expect((await call('GET', `${v3}/timelogs?view_type=customdate&start_date=2026-01-01&end_date=2026-01-31&module=${mod}`)).status).toBe(200);
    expect((await call('GET', `${v3}/projects/${P}/logs/${L}`)).status).toBe(200);
    expect((await call('PATCH', `${v3}/projects/${P}/logs/${L}`, { notes: 'n' })).status).toBe(200);
    expect((await call('DELETE', `${v3}/projects/${P}/logs/${L}`)).status).toBe(204);
    expect((await call('DELETE', `${v3}/projects/${P}/tasks/${T}`)).status).toBe(204);
    expect((await call('DELETE', `${v3}/projects/${P}/tasklists/${TL}`)).status).toBe(204);
    expect((await call('DELETE', `${v3}/projects/${P}/milestones/${M}`)).status).toBe(204);
    expect((await call('DELETE', `${v3}/projects/${P}`)).status).toBe(404);
    expect((await call('POST', `${v3}/projects/${P}/trash`)).status).toBe(204);
    expect((await call('GET', `${v3}/projects/${P}`)).status).toBe(410);

    const counted = Object.keys(s.admin.counters().endpoints).filter((k) => !k.includes('/oauth/'));
    expect(new Set(counted)).toEqual(new Set(sandboxEndpoints()));
  });

  it('a body over maxBodyBytes → 400 INVALID_INPUTSTREAM', async () => {
    s = await createSandbox({ seed: 'empty', config: { maxBodyBytes: 100 } });
    const res = await fetch(`${s.baseUrl}/api/v3/portal/${s.portalId}/projects`, { method: 'POST', body: 'x'.repeat(200) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.title).toBe('INVALID_INPUTSTREAM');
  });
});
