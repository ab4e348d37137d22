import { afterEach, describe, expect, it } from 'vitest';
import { createFaultEngine } from '../../../src/sandbox/faults.js';
import { harness, tokenRequest, type Harness } from '../../helpers/sandbox-harness.js';

let h: Harness;
afterEach(async () => h?.s.close());

describe('sandbox rate limit', () => {
  it('every API response carries the RateLimit headers', async () => {
    h = await harness();
    const r = h.call('GET', '/projects');
    expect(r.headers).toMatchObject({ RateLimit: '200', 'RateLimit-Remaining': '199', 'RateLimit-Window': '120', 'RateLimit-Window-Unit': 'seconds' });
  });

  it('the call past the limit → 429 + Retry-After; the endpoint stays locked 600 s while others answer', async () => {
    h = await harness({ config: { rateLimit: 5 } });
    for (let i = 0; i < 5; i++) expect(h.call('GET', '/projects').status).toBe(200);
    const r = h.call('GET', '/projects');
    expect(r.status).toBe(429);
    expect(r.headers['Retry-After']).toBe('600');
    expect(r.headers['RateLimit-Remaining']).toBe('0');
    expect(h.call('GET', '/api/v3/portals').status).toBe(200);
    h.s.admin.advanceTime(300_000);
    const still = h.call('GET', '/projects');
    expect(still.status).toBe(429);
    expect(still.headers['Retry-After']).toBe('300');
    h.s.admin.advanceTime(300_000);
    expect(h.call('GET', '/projects').status).toBe(200);
    expect(h.s.admin.counters().endpoints['GET /projects']).toMatchObject({ calls: 8, ok: 6, rateLimited: 2 });
  });

  it('the window slides: calls older than the window free their slot', async () => {
    h = await harness({ config: { rateLimit: 3 } });
    h.call('GET', '/projects');
    h.s.admin.advanceTime(60_000);
    h.call('GET', '/projects');
    h.call('GET', '/projects');
    h.s.admin.advanceTime(60_001);
    expect(h.call('GET', '/projects').status).toBe(200); // the first call left the window
    expect(h.call('GET', '/projects').status).toBe(429);
  });

  it('tokens of the same owner share a window; METHOD + template is the unit', async () => {
    h = await harness({ config: { rateLimit: 2 } });
    const second = (tokenRequest(h.s).body as { access_token: string }).access_token;
    h.call('GET', '/projects');
    h.call('GET', '/projects', undefined, { authorization: `Bearer ${second}` });
    expect(h.call('GET', '/projects').status).toBe(429);
    expect(h.call('POST', '/projects', { name: 'p' }).status).toBe(201);
  });

  it("throttleStyle '400-rolling' answers 400 URL_ROLLING_THROTTLES_LIMIT_EXCEEDED", async () => {
    h = await harness({ config: { rateLimit: 1, throttleStyle: '400-rolling' } });
    h.call('GET', '/projects');
    const r = h.call('GET', '/projects');
    expect(r.status).toBe(400);
    expect(h.b(r).error).toMatchObject({ status_code: '400', title: 'URL_ROLLING_THROTTLES_LIMIT_EXCEEDED' });
    expect(r.headers['RateLimit-Remaining']).toBe('0');
  });

  it('time scale shrinks the windows: with scale 1000 the 600 s lock passes in under a second', async () => {
    h = await harness({ timeScale: 1000, config: { rateLimit: 1 } });
    h.call('GET', '/projects');
    expect(h.call('GET', '/projects').status).toBe(429);
    await new Promise((r) => setTimeout(r, 700));
    expect(h.call('GET', '/projects').status).toBe(200);
  });

  it('admin lockout locks one endpoint for everyone', async () => {
    h = await harness();
    h.s.admin.lockout('POST /projects/{project}/tasks', 60);
    const project = h.b(h.call('POST', '/projects', { name: 'p' })).id;
    const r = h.call('POST', `/projects/${project}/tasks`, { name: 't' });
    expect(r.status).toBe(429);
    expect(r.headers['Retry-After']).toBe('60');
    expect(h.call('GET', `/projects/${project}/tasks`).status).toBe(200);
  });
});

describe('sandbox faults', () => {
  it('the PRNG makes random faults reproducible for a seed', () => {
    const run = (seed: number) => {
      const e = createFaultEngine(seed, [{ kind: 'status', endpoint: '*', probability: 0.3 }]);
      return Array.from({ length: 50 }, () => (e.pick('GET', 'GET /projects') ? 1 : 0)).join('');
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
    expect(run(7)).toContain('1');
  });

  it('status (500/503) and error-200 replace the answer without running the handler', async () => {
    h = await harness({
      faults: [
        { kind: 'status', endpoint: 'POST /projects', nth: 1 },
        { kind: 'status', status: 503, endpoint: 'POST /projects', nth: 2 },
        { kind: 'error-200', endpoint: 'POST /projects', nth: 3 },
      ],
    });
    const a = h.call('POST', '/projects', { name: 'a' });
    expect(a.status).toBe(500);
    expect(h.b(a).error).toMatchObject({ status_code: '500', title: 'INTERNAL_SERVER_ERROR', error_type: 'OPERATIONAL_VALIDATION_ERROR' });
    expect(h.call('POST', '/projects', { name: 'b' }).status).toBe(503);
    const c = h.call('POST', '/projects', { name: 'c' });
    expect(c.status).toBe(200);
    expect(h.b(c).error.title).toBe('INTERNAL_SERVER_ERROR');
    expect(h.s.admin.counters().entities.projects).toBe(0);
    expect(h.call('POST', '/projects', { name: 'd' }).status).toBe(201);
  });

  it('reset-before commits nothing; reset-after and slow commit the write', async () => {
    h = await harness({
      faults: [
        { kind: 'reset-before', endpoint: 'POST /projects', nth: 1 },
        { kind: 'reset-after', endpoint: 'POST /projects', nth: 2 },
        { kind: 'slow', delayMs: 10, endpoint: 'POST /projects', nth: 3 },
      ],
    });
    expect(h.call('POST', '/projects', { name: 'a' }).socket).toEqual({ kind: 'reset' });
    expect(h.s.admin.counters().entities.projects).toBe(0);
    expect(h.call('POST', '/projects', { name: 'b' }).socket).toEqual({ kind: 'reset' });
    expect(h.s.admin.entities('projects').map((p: any) => p.name)).toEqual(['b']);
    const slow = h.call('POST', '/projects', { name: 'c' });
    expect(slow.socket).toEqual({ kind: 'delay', ms: 10 });
    expect(slow.status).toBe(201);
    expect(h.s.admin.counters().entities.projects).toBe(2);
  });

  it('late-commit answers nothing and commits only when the server runs the held write (after the client gave up)', async () => {
    h = await harness({ faults: [{ id: 'late', kind: 'late-commit', delayMs: 50, endpoint: 'POST /projects', nth: 1 }] });
    const late = h.call('POST', '/projects', { name: 'late' });
    expect(late.socket).toMatchObject({ kind: 'late', ms: 50 });
    // Counted as a call, but nothing committed yet: a lookup now finds nothing.
    expect(h.s.admin.counters().entities.projects).toBe(0);
    expect(h.s.admin.counters().endpoints['POST /projects']?.calls).toBe(1);
    // The server runs the held write once the delay is over (server.ts): the entity appears late.
    (late.socket as { commit: () => void }).commit();
    expect(h.s.admin.entities('projects').map((p: any) => p.name)).toEqual(['late']);
    // Only the nth request: the next one answers normally.
    expect(h.call('POST', '/projects', { name: 'next' }).status).toBe(201);
  });

  it('revoke invalidates access tokens; with refreshTokens + restoreAfterMs the refresh token comes back', async () => {
    h = await harness({ faults: [{ kind: 'revoke', endpoint: 'GET /projects', nth: 2, refreshTokens: true, restoreAfterMs: 30_000 }] });
    expect(h.call('GET', '/projects').status).toBe(200);
    expect(h.b(h.call('GET', '/projects')).error.title).toBe('INVALID_OAUTHTOKEN');
    expect(tokenRequest(h.s).body).toEqual({ error: 'invalid_code' });
    h.s.admin.advanceTime(30_000);
    h.token = (tokenRequest(h.s).body as { access_token: string }).access_token;
    expect(h.call('GET', '/projects').status).toBe(200);
  });

  it('lockout fault locks the endpoint; methods filter restricts to POSTs; times caps firings', async () => {
    h = await harness({
      faults: [
        { kind: 'lockout', endpoint: '*', methods: ['POST'], nth: 1, lockoutS: 120 },
        { kind: 'status', endpoint: '*', methods: ['GET'], probability: 1, times: 1 },
      ],
    });
    const r = h.call('POST', '/projects', { name: 'x' });
    expect(r.status).toBe(429);
    expect(r.headers['Retry-After']).toBe('120');
    expect(h.call('GET', '/projects').status).toBe(500);
    expect(h.call('GET', '/projects').status).toBe(200);
    const state = h.s.admin.faults();
    expect(state.map((f) => f.fired)).toEqual([1, 1]);
  });

  it('faults can be set and cleared at run time; invalid specs are refused', async () => {
    h = await harness();
    h.s.admin.setFaults([{ kind: 'status', endpoint: 'GET /projects', nth: [1, 3] }]);
    expect([1, 2, 3].map(() => h.call('GET', '/projects').status)).toEqual([500, 200, 500]);
    h.s.admin.clearFaults();
    expect(h.call('GET', '/projects').status).toBe(200);
    expect(() => h.s.admin.setFaults([{ kind: 'status' } as never])).toThrow(/nth|probability/);
  });

  it('faults apply to the token endpoint too', async () => {
    // nth 2: the harness itself made the first token request; `*` faults never hit the token endpoint.
    h = await harness({ faults: [{ kind: 'status', status: 503, endpoint: 'POST /oauth/v2/token', nth: 2 }, { kind: 'status', probability: 1 }] });
    expect(tokenRequest(h.s).status).toBe(503);
    expect(tokenRequest(h.s).status).toBe(200);
  });
});
