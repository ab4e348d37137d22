/**
 * The sandbox's admin API over HTTP is closed to everyone without the admin token, to other Host names
 * (DNS rebinding) and to cross-site form posts (text/plain); a refused admin input changes nothing,
 * also across a restart of a file-backed sandbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A raw request (fetch does not let a caller set Host). */
function raw(sb: Sandbox, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> {
  const { port } = new URL(sb.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = (sb: Sandbox) => ({ authorization: `Bearer ${sb.adminToken}` });

describe('admin token', () => {
  it('every /__sandbox/ call without the token or with a wrong one → 401 in the V3 error shape; with it → 200', async () => {
    s = await createSandbox({ seed: 'empty' });
    for (const path of ['credentials', 'counters', 'time', 'nope']) {
      const none = await fetch(`${s.baseUrl}/__sandbox/${path}`);
      expect(none.status, path).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const body = (await none.json()) as any;
      expect(body.error).toMatchObject({ status_code: '401', title: 'INVALID_ADMIN_TOKEN', instance: `/__sandbox/${path}`, method: 'GET' });
      expect(body.error.details[0]).toMatchObject({ field_name: 'Authorization', message: expect.stringMatching(/missing admin token/) });
      expect(JSON.stringify(body)).not.toContain(s.env.ZOHO_CLIENT_SECRET);
    }
    const wrong = await fetch(`${s.baseUrl}/__sandbox/credentials`, { headers: { authorization: `Bearer ${s.adminToken.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error.details[0].message).toMatch(/wrong admin token/);
    // an OAuth access token is not an admin token
    expect((await fetch(`${s.baseUrl}/__sandbox/credentials`, { headers: { authorization: `Zoho-oauthtoken ${s.adminToken}` } })).status).toBe(401);
    const ok = await fetch(`${s.baseUrl}/__sandbox/credentials`, { headers: bearer(s) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).clientSecret).toBe(s.env.ZOHO_CLIENT_SECRET);
  });

  it('reset without the token does nothing', async () => {
    s = await createSandbox({ seed: 'demo' });
    const before = s.admin.counters().entities;
    const res = await fetch(`${s.baseUrl}/__sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seed":"empty"}' });
    expect(res.status).toBe(401);
    expect(s.admin.counters().entities).toEqual(before);
  });

  it('a random token per start, or the one given; too short a given token is refused at start', async () => {
    const a = await createSandbox();
    const b = await createSandbox();
    try {
      expect(a.adminToken).not.toBe(b.adminToken);
    } finally {
      await a.close();
      await b.close();
    }
    s = await createSandbox({ adminToken: 'script-token-0123456789' });
    expect(s.adminToken).toBe('script-token-0123456789');
    expect(s.env.ZPETL_SANDBOX_ADMIN_TOKEN).toBe('script-token-0123456789');
    expect((await fetch(`${s.baseUrl}/__sandbox/time`, { headers: { authorization: 'Bearer script-token-0123456789' } })).status).toBe(200);
    await expect(createSandbox({ adminToken: 'short' })).rejects.toMatchObject({ code: 'SANDBOX_START_FAILED', message: expect.stringMatching(/adminToken/) });
  });
});

describe('cross-site requests', () => {
  it('a text/plain (form-like) admin POST → 415 and nothing is reset; no content type → 415', async () => {
    s = await createSandbox({ seed: 'demo' });
    const before = s.admin.counters().entities;
    const plain = await fetch(`${s.baseUrl}/__sandbox/reset`, { method: 'POST', headers: { ...bearer(s), 'content-type': 'text/plain' }, body: '{"seed":"empty"}' });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as any).error).toMatchObject({ status_code: '415', title: 'UNSUPPORTED_MEDIA_TYPE' });
    const none = await fetch(`${s.baseUrl}/__sandbox/tokens/revoke-all`, { method: 'POST', headers: bearer(s) });
    expect(none.status).toBe(415);
    expect(s.admin.counters().entities).toEqual(before);
    const json = await fetch(`${s.baseUrl}/__sandbox/reset`, { method: 'POST', headers: { ...bearer(s), 'content-type': 'application/json; charset=utf-8' }, body: '{"seed":"empty"}' });
    expect(json.status).toBe(200);
    expect(s.admin.counters().entities.projects).toBe(0);
  });

  it('a Host that is not the bound address or localhost → 403 on every path (DNS rebinding); loopback names pass', async () => {
    s = await createSandbox({ seed: 'empty' });
    const { port } = new URL(s.baseUrl);
    const q = new URLSearchParams({ grant_type: 'refresh_token', client_id: s.env.ZOHO_CLIENT_ID, client_secret: s.env.ZOHO_CLIENT_SECRET, refresh_token: s.env.ZOHO_REFRESH_TOKEN });
    for (const [method, path] of [
      ['GET', '/__sandbox/credentials'],
      ['POST', `/oauth/v2/token?${q}`],
      ['GET', '/api/v3/portals'],
    ] as const) {
      for (const host of [`rebind.attacker.example:${port}`, 'localhost:1', `127.0.0.1.nip.io:${port}`]) {
        const res = await raw(s, method, path, { host, ...bearer(s) });
        expect(res.status, `${host} ${path}`).toBe(403);
        expect(res.body.error).toMatchObject({ status_code: '403', title: 'HOST_NOT_ALLOWED' });
        expect(res.body.error.details[0].message).toContain(`127.0.0.1:${port}`);
      }
    }
    expect((await raw(s, 'POST', `/oauth/v2/token?${q}`, { host: 'attacker.example' })).status).toBe(403);
    expect(s.admin.counters().endpoints['POST /oauth/v2/token']).toBeUndefined(); // no token was handed out
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await raw(s, 'GET', '/__sandbox/time', { host, ...bearer(s) })).status, host).toBe(200);
    }
  });

  it('bound to 0.0.0.0: the real address in listenUrl, loopbackOnly false, clients still use 127.0.0.1', async () => {
    s = await createSandbox({ host: '0.0.0.0' });
    const { port } = new URL(s.baseUrl);
    expect(s.listenUrl).toBe(`http://0.0.0.0:${port}`);
    expect(s.loopbackOnly).toBe(false);
    expect(s.env.ZOHO_API_URL).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${s.baseUrl}/__sandbox/time`, { headers: bearer(s) })).status).toBe(200);
    expect((await raw(s, 'GET', '/api/v3/portals', { host: `evil.example:${port}` })).status).toBe(403);
    await s.close();
    s = await createSandbox();
    expect(s.loopbackOnly).toBe(true);
    expect(s.listenUrl).toBe(s.baseUrl);
  });
});

describe('a refused admin input and a file-backed restart', () => {
  it('advance by 1e308 ms → 400; the clock, the API and the restarted sandbox are unaffected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zpetl-sandbox-admin-'));
    try {
      const db = join(dir, 'sandbox.db');
      s = await createSandbox({ db, seed: 'demo', faults: [{ kind: 'status', endpoint: 'GET /projects', nth: 50 }] });
      const post = (path: string, body: unknown) =>
        fetch(`${s!.baseUrl}/__sandbox/${path}`, { method: 'POST', headers: { ...bearer(s!), 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const t0 = s.admin.time().nowMs;
      const bad = await post('time/advance', { ms: 1e308 });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as any).error.details[0]).toMatchObject({ field_name: 'ms', message: expect.stringMatching(/got 1e\+308/) });
      expect((await fetch(`${s.baseUrl}/__sandbox/time`, { headers: bearer(s) })).status).toBe(200);
      expect((await post('lockout', { endpoint: 'GET /projects', seconds: 1e308 })).status).toBe(400);
      expect((await post('entities/projects', [{ name: 'a' }, { name: '' }])).status).toBe(400);
      const entities = s.admin.counters().entities;
      const faults = s.admin.faults();
      await s.close();
      s = await createSandbox({ db, faults: [{ kind: 'status', endpoint: 'GET /projects', nth: 50 }] });
      const t1 = s.admin.time().nowMs;
      expect(t1).toBeGreaterThanOrEqual(t0);
      expect(t1 - t0).toBeLessThan(120_000);
      expect(s.admin.counters().entities).toEqual(entities);
      expect(s.admin.faults()).toEqual(faults);
      const tok = (await (await fetch(`${s.baseUrl}/oauth/v2/token?${new URLSearchParams({ grant_type: 'refresh_token', client_id: s.env.ZOHO_CLIENT_ID, client_secret: s.env.ZOHO_CLIENT_SECRET, refresh_token: s.env.ZOHO_REFRESH_TOKEN })}`, { method: 'POST' })).json()) as any;
      const api = await fetch(`${s.baseUrl}/api/v3/portal/${s.portalId}/projects`, { headers: { authorization: `Zoho-oauthtoken ${tok.access_token}` } });
      expect(api.status).toBe(200);
      await s.close();
      s = undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
