import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCESS_DENIED_BODY, createSandbox, formatEnvLines, type Sandbox } from '../../src/sandbox/index.js';

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const json = (r: Response): Promise<any> => r.json();

/** An admin API call over HTTP, with the sandbox's admin token (and a JSON body when given). */
function adminFetch(sb: Sandbox, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sb.baseUrl}/__sandbox/${path}`, {
    method,
    headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function token(sb: Sandbox): Promise<any> {
  const res = await fetch(`${sb.env.ZOHO_ACCOUNTS_URL}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sb.env.ZOHO_CLIENT_ID,
      client_secret: sb.env.ZOHO_CLIENT_SECRET,
      refresh_token: sb.env.ZOHO_REFRESH_TOKEN,
    }),
  });
  return { status: res.status, body: await res.json() };
}

function client(sb: Sandbox, accessToken: string) {
  const base = `${sb.env.ZOHO_API_URL}/api/v3/portal/${sb.env.ZOHO_PORTAL_ID}`;
  return async (method: string, path: string, body?: unknown, init: RequestInit = {}) => {
    const url = path.startsWith('/api') || path.startsWith('/__') ? `${sb.baseUrl}${path}` : `${base}${path}`;
    const res = await fetch(url, {
      method,
      headers: { Authorization: `Zoho-oauthtoken ${accessToken}`, 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...init,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

describe('sandbox over HTTP', () => {
  it('starts in well under 2 s and prints env-file lines', async () => {
    const t0 = performance.now();
    s = await createSandbox();
    expect(performance.now() - t0).toBeLessThan(2000);
    const lines = formatEnvLines(s).split('\n');
    expect(lines.map((l) => l.split('=')[0])).toEqual([
      'ZOHO_API_URL',
      'ZOHO_ACCOUNTS_URL',
      'ZOHO_CLIENT_ID',
      'ZOHO_CLIENT_SECRET',
      'ZOHO_REFRESH_TOKEN',
      'ZOHO_PORTAL_ID',
      'ZPETL_SANDBOX_ADMIN_TOKEN',
    ]);
    expect(s.env.ZPETL_SANDBOX_ADMIN_TOKEN).toBe(s.adminToken);
    expect(s.adminToken).toMatch(/^[\w-]{43}$/); // 32 random bytes, base64url
    expect(s.env.ZOHO_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('the acceptance scenario: token, portals, project, task list, task + subtask, two users in one call, log time', async () => {
    s = await createSandbox({ seed: 'empty' });
    const t = await token(s);
    expect(t.status).toBe(200);
    const api = client(s, t.body.access_token);
    const portals = await api('GET', '/api/v3/portals');
    expect(portals.body[0].id).toBe(s.env.ZOHO_PORTAL_ID);
    const project = (await api('POST', '/projects', { name: 'Migration rehearsal' })).body;
    const tasklist = (await api('POST', `/projects/${project.id}/tasklists`, { name: 'Phase 1' })).body;
    const task = await api('POST', `/projects/${project.id}/tasks`, { name: 'Parent', tasklist: { id: tasklist.id } });
    expect(task.status).toBe(201);
    const sub = await api('POST', `/projects/${project.id}/tasks`, { name: 'Child', parental_info: { parent_task_id: task.body.id } });
    expect(sub.body.parental_info.parent_task_id).toBe(task.body.id);
    const userdetails = encodeURIComponent(JSON.stringify([{ email_id: 'ann@example.com' }, { email_id: 'bob@example.com' }]));
    const added = await api('POST', `/projects/${project.id}/projectusers?userdetails=${userdetails}&notify=false`);
    expect(Object.keys(added.body.emailvszpuid)).toEqual(['ann@example.com', 'bob@example.com']);
    const log = await api('POST', `/projects/${project.id}/log`, {
      date: '2026-11-02',
      bill_status: 'Billable',
      hours: '01:30',
      module: { type: 'task', id: sub.body.id },
      owner_zpuid: added.body.emailvszpuid['ann@example.com'],
      notes: 'rehearsal',
    });
    expect(log.status).toBe(201);
    const entities = await json(await adminFetch(s, 'GET', `entities/timelogs?project=${project.id}`));
    expect(entities).toHaveLength(1);
    expect(entities[0]).toMatchObject({ log_hour: '01:30', owner: { email: 'ann@example.com' } });
    const counters = await json(await adminFetch(s, 'GET', 'counters'));
    expect(counters.endpoints['POST /projects/{project}/tasks']).toEqual({ calls: 2, ok: 2, rateLimited: 0, errors: 0 });
    expect(counters.endpoints['POST /projects/{project}/projectusers'].ok).toBe(1);
    expect(counters.entities).toMatchObject({ projects: 1, tasklists: 1, tasks: 2, users: 3, timelogs: 1 });
  });

  it('the 201st call in a window → 429 + Retry-After while another endpoint still answers 200', async () => {
    s = await createSandbox({ seed: 'empty' });
    const api = client(s, (await token(s)).body.access_token);
    const statuses = await Promise.all(Array.from({ length: 200 }, () => api('GET', '/projects').then((r) => r.status)));
    expect(statuses.every((x) => x === 200)).toBe(true);
    const over = await api('GET', '/projects');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBe(600);
    expect(over.headers.get('ratelimit-remaining')).toBe('0');
    const other = await api('GET', '/api/v3/portals');
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit')).toBe('200');
    expect(other.headers.get('ratelimit-window')).toBe('120');
    expect(other.headers.get('ratelimit-window-unit')).toBe('seconds');
  });

  it('pagination ends with has_next_page false over HTTP', async () => {
    s = await createSandbox({ seed: 'demo' });
    const api = client(s, (await token(s)).body.access_token);
    const project = (await api('GET', '/projects')).body[0].id;
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const r = await api('GET', `/projects/${project}/tasks?page=${page}&per_page=2`);
      seen.push(...r.body.tasks.map((t: any) => t.id));
      if (!r.body.page_info.has_next_page) break;
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });

  it('token expiry under time scale, and through /__sandbox/time/advance', async () => {
    s = await createSandbox({ seed: 'empty', timeScale: 7200 }); // 3600 s pass in 0.5 s
    const api = client(s, (await token(s)).body.access_token);
    expect((await api('GET', '/projects')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    const expired = await api('GET', '/projects');
    expect(expired.status).toBe(401);
    expect(expired.body.error.title).toBe('INVALID_OAUTHTOKEN');
    await s.close();
    s = await createSandbox({ seed: 'empty' });
    const api2 = client(s, (await token(s)).body.access_token);
    const before = await json(await adminFetch(s, 'GET', 'time'));
    const after = await json(await adminFetch(s, 'POST', 'time/advance', { ms: 3_600_000 }));
    expect(after.nowMs - before.nowMs).toBeGreaterThanOrEqual(3_600_000);
    expect((await api2('GET', '/projects')).status).toBe(401);
  });

  it('the refresh throttle answers the Access Denied body', async () => {
    s = await createSandbox({ seed: 'empty' });
    for (let i = 0; i < 10; i++) expect((await token(s)).body.access_token).toBeDefined();
    const denied = await token(s);
    expect(denied.body).toEqual(ACCESS_DENIED_BODY);
  });

  it('socket faults: reset before (nothing stored), reset after commit (stored), slow beyond the client timeout (stored)', async () => {
    s = await createSandbox({
      seed: 'empty',
      faults: [
        { kind: 'reset-before', endpoint: 'POST /projects', nth: 1 },
        { kind: 'reset-after', endpoint: 'POST /projects', nth: 2 },
        { kind: 'slow', endpoint: 'POST /projects', nth: 3, delayMs: 400 },
      ],
    });
    const api = client(s, (await token(s)).body.access_token);
    await expect(api('POST', '/projects', { name: 'a' })).rejects.toThrow();
    expect(s.admin.counters().entities.projects).toBe(0);
    await expect(api('POST', '/projects', { name: 'b' })).rejects.toThrow();
    expect(s.admin.entities('projects').map((p: any) => p.name)).toEqual(['b']);
    await expect(api('POST', '/projects', { name: 'c' }, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(s.admin.entities('projects').map((p: any) => p.name)).toEqual(['b', 'c']);
    expect((await api('POST', '/projects', { name: 'd' })).status).toBe(201);
  });

  it('admin API: faults GET/PUT/DELETE, lockout, tokens revoke-all/restore, bulk insert, reset', async () => {
    s = await createSandbox({ seed: 'demo' });
    const admin = (method: string, path: string, body?: unknown) =>
      adminFetch(s!, method, path, body).then(async (r) => ({ status: r.status, body: await json(r) }));
    let api = client(s, (await token(s)).body.access_token);
    const put = await admin('PUT', 'faults', [{ kind: 'status', status: 503, endpoint: 'GET /projects', nth: 1 }]);
    expect(put.body[0]).toMatchObject({ kind: 'status', seen: 0, fired: 0 });
    expect((await api('GET', '/projects')).status).toBe(503);
    expect((await admin('GET', 'faults')).body[0].fired).toBe(1);
    expect((await admin('PUT', 'faults', [{ kind: 'bogus', nth: 1 }])).status).toBe(400);
    expect((await admin('DELETE', 'faults')).body).toEqual([]);
    await admin('POST', 'lockout', { endpoint: 'GET /projects', seconds: 30 });
    expect((await api('GET', '/projects')).status).toBe(429);
    expect((await api('GET', '/api/v3/portals')).status).toBe(200);
    await admin('POST', 'tokens/revoke-all');
    expect((await api('GET', '/api/v3/portals')).status).toBe(401);
    expect((await token(s)).body).toEqual({ error: 'invalid_code' });
    await admin('POST', 'tokens/restore');
    api = client(s, (await token(s)).body.access_token);
    expect((await api('GET', '/api/v3/portals')).status).toBe(200);
    const project = s.admin.entities('projects')[0] as any;
    const ins = await admin(
      'POST',
      'entities/timelogs',
      Array.from({ length: 3 }, (_, i) => ({ project: { id: project.id }, date: `2026-05-0${i + 1}`, log_hour: '02:00', type: 'issue' })),
    );
    expect(ins.body.inserted).toBe(3);
    expect((await admin('POST', 'entities/timelogs', [{ date: 'x' }])).status).toBe(400);
    expect((await admin('GET', 'entities/widgets')).status).toBe(400);
    expect((await admin('GET', `entities/timelogs?project=${project.id}`)).body).toHaveLength(6);
    const creds = (await admin('GET', 'credentials')).body;
    const reset = await admin('POST', 'reset', { seed: 'empty' });
    expect(reset.body.counters.entities).toMatchObject({ projects: 0, users: 1, timelogs: 0 });
    expect(reset.body.counters.endpoints).toEqual({});
    expect((await admin('GET', 'credentials')).body).toEqual(creds); // the printed env keeps working
    expect((await api('GET', '/projects')).status).toBe(200); // and so does a cached access token
    expect((await token(s)).body.access_token).toBeDefined();
    expect((await admin('GET', 'nope')).status).toBe(404);
  });

  it('a db file survives restarts: same credentials and entities, no re-seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zpetl-sandbox-'));
    try {
      const db = join(dir, 'sandbox.db');
      s = await createSandbox({ db, seed: 'empty' });
      const env = s.env;
      const api = client(s, (await token(s)).body.access_token);
      const id = (await api('POST', '/projects', { name: 'Kept' })).body.id;
      await s.close();
      s = await createSandbox({ db, seed: 'demo' });
      expect(s.env.ZOHO_REFRESH_TOKEN).toBe(env.ZOHO_REFRESH_TOKEN);
      expect(s.env.ZOHO_CLIENT_SECRET).toBe(env.ZOHO_CLIENT_SECRET);
      const api2 = client(s, (await token(s)).body.access_token);
      expect((await api2('GET', '/projects')).body.map((p: any) => p.id)).toEqual([id]);
      await s.close();
      s = undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
