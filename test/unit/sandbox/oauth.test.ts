import { afterEach, describe, expect, it } from 'vitest';
import { ACCESS_DENIED_BODY } from '../../../src/sandbox/index.js';
import { harness, tokenRequest, type Harness } from '../../helpers/sandbox-harness.js';

let h: Harness;
afterEach(async () => h?.s.close());

describe('sandbox OAuth (accounts side)', () => {
  it('refresh_token grant answers the documented Zoho token shape with a 3600 s token', async () => {
    h = await harness();
    const r = tokenRequest(h.s);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ api_domain: 'https://www.zohoapis.com', token_type: 'Bearer', expires_in: 3600 });
    expect(h.b(r).access_token).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
  });

  it('accepts the parameters as a form body too', async () => {
    h = await harness();
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: h.s.env.ZOHO_CLIENT_ID,
      client_secret: h.s.env.ZOHO_CLIENT_SECRET,
      refresh_token: h.s.env.ZOHO_REFRESH_TOKEN,
    }).toString();
    const r = h.s.inject('POST', '/oauth/v2/token', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(h.b(r).access_token).toBeDefined();
  });

  it('unknown refresh token → HTTP 200 {"error":"invalid_code"}', async () => {
    h = await harness();
    const r = tokenRequest(h.s, { refresh_token: '1000.nope' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ error: 'invalid_code' });
  });

  it('wrong client id or secret → invalid_client', async () => {
    h = await harness();
    expect(tokenRequest(h.s, { client_secret: 'x' }).body).toEqual({ error: 'invalid_client' });
    expect(tokenRequest(h.s, { client_id: h.s.env.ZOHO_CLIENT_ID.slice(5) }).body).toEqual({ error: 'invalid_client' });
  });

  it('the 11th token request within 10 minutes gets the Access Denied body; the window slides', async () => {
    h = await harness(); // harness already used 1 request
    for (let i = 2; i <= 10; i++) expect(h.b(tokenRequest(h.s)).access_token).toBeDefined();
    const denied = tokenRequest(h.s);
    expect(denied.status).toBe(400);
    expect(denied.body).toEqual(ACCESS_DENIED_BODY);
    expect(denied.body).toEqual({
      error_description: 'You have made too many requests continuously. Please try again after some time.',
      error: 'Access Denied',
      status: 'failure',
    });
    h.s.admin.advanceTime(600_001);
    expect(h.b(tokenRequest(h.s)).access_token).toBeDefined();
  });

  it('throttle status is configurable', async () => {
    h = await harness({ config: { tokenThrottleStatus: 200, tokenRequestLimit: 1 } });
    expect(tokenRequest(h.s).status).toBe(200);
    expect(tokenRequest(h.s).body).toEqual(ACCESS_DENIED_BODY);
  });

  it('authorization_code grant: admin mints a code, exchange gives refresh + access; code is single-use', async () => {
    h = await harness();
    const code = h.s.admin.mintAuthCode({ scopes: ['ZohoProjects.portals.READ'] });
    const q = (c: string) =>
      `/oauth/v2/token?grant_type=authorization_code&client_id=${h.s.env.ZOHO_CLIENT_ID}&client_secret=${h.s.env.ZOHO_CLIENT_SECRET}&code=${c}`;
    const r = h.b(h.s.inject('POST', q(code)));
    expect(r.refresh_token).toMatch(/^1000\./);
    expect(r.scope).toBe('ZohoProjects.portals.READ');
    expect(h.s.inject('POST', q(code)).body).toEqual({ error: 'invalid_code' });
    // The minted token only has portals.READ: projects → INVALID_OAUTHSCOPE.
    h.token = r.access_token;
    expect(h.call('GET', '/api/v3/portals').status).toBe(200);
    const denied = h.call('GET', '/projects');
    expect(denied.status).toBe(401);
    expect(h.b(denied).error.title).toBe('INVALID_OAUTHSCOPE');
  });

  it('the 21st refresh token of a user invalidates the oldest (the seeded one)', async () => {
    h = await harness({ config: { maxRefreshTokensPerUser: 2, tokenRequestLimit: 100 } });
    const exchange = () =>
      h.b(
        h.s.inject(
          'POST',
          `/oauth/v2/token?grant_type=authorization_code&client_id=${h.s.env.ZOHO_CLIENT_ID}&client_secret=${h.s.env.ZOHO_CLIENT_SECRET}&code=${h.s.admin.mintAuthCode()}`,
        ),
      );
    exchange(); // seeded + 1 = 2: still fine
    expect(h.b(tokenRequest(h.s)).access_token).toBeDefined();
    exchange(); // 3 > 2: the seeded refresh token and its access tokens go
    expect(tokenRequest(h.s).body).toEqual({ error: 'invalid_code' });
    expect(h.call('GET', '/projects').status).toBe(401);
  });

  it('an expired grant code is refused', async () => {
    h = await harness();
    const code = h.s.admin.mintAuthCode({ ttlS: 60 });
    h.s.admin.advanceTime(61_000);
    const r = h.s.inject(
      'POST',
      `/oauth/v2/token?grant_type=authorization_code&client_id=${h.s.env.ZOHO_CLIENT_ID}&client_secret=${h.s.env.ZOHO_CLIENT_SECRET}&code=${code}`,
    );
    expect(r.body).toEqual({ error: 'invalid_code' });
  });

  it('client_credentials grant gives an access token and no refresh token', async () => {
    h = await harness();
    const r = h.b(
      h.s.inject(
        'POST',
        `/oauth/v2/token?grant_type=client_credentials&client_id=${h.s.env.ZOHO_CLIENT_ID}&client_secret=${h.s.env.ZOHO_CLIENT_SECRET}&scope=ZohoProjects.projects.ALL`,
      ),
    );
    expect(r.access_token).toBeDefined();
    expect(r.refresh_token).toBeUndefined();
    h.token = r.access_token;
    expect(h.call('GET', '/projects').status).toBe(200);
  });

  it('revoke: the refresh token and its access tokens stop working', async () => {
    h = await harness();
    const r = h.s.inject('POST', `/oauth/v2/token/revoke?token=${h.s.env.ZOHO_REFRESH_TOKEN}`);
    expect(r.status).toBe(200);
    expect(tokenRequest(h.s).body).toEqual({ error: 'invalid_code' });
    expect(h.b(h.call('GET', '/projects')).error.title).toBe('INVALID_OAUTHTOKEN');
  });

  it('keeps at most maxActiveAccessTokens per refresh token: the oldest is invalidated', async () => {
    h = await harness({ config: { maxActiveAccessTokens: 2 } });
    const first = h.token;
    tokenRequest(h.s);
    tokenRequest(h.s);
    expect(h.call('GET', '/projects').status).toBe(401);
    expect(first).toBe(h.token);
  });
});

describe('sandbox OAuth (API side)', () => {
  it('accepts Zoho-oauthtoken and Bearer; never a query parameter', async () => {
    h = await harness();
    expect(h.call('GET', '/projects').status).toBe(200);
    expect(h.call('GET', '/projects', undefined, { authorization: `Bearer ${h.token}` }).status).toBe(200);
    const q = h.s.inject('GET', `/api/v3/portal/${h.s.portalId}/projects?authtoken=${h.token}`);
    expect(q.status).toBe(401);
  });

  it('missing, invalid and expired tokens → 401 INVALID_OAUTHTOKEN with the V3 error body', async () => {
    h = await harness();
    const missing = h.s.inject('GET', `/api/v3/portal/${h.s.portalId}/projects`);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { status_code: '401', title: 'INVALID_OAUTHTOKEN', method: 'GET' } });
    expect(h.call('GET', '/projects', undefined, { authorization: 'Zoho-oauthtoken 1000.bad' }).status).toBe(401);
    h.s.admin.advanceTime(3_599_000);
    expect(h.call('GET', '/projects').status).toBe(200);
    h.s.admin.advanceTime(1_000);
    const expired = h.call('GET', '/projects');
    expect(expired.status).toBe(401);
    expect(h.b(expired).error.title).toBe('INVALID_OAUTHTOKEN');
  });

  it('invalidTokenStatus 400 selects the documented form', async () => {
    h = await harness({ config: { invalidTokenStatus: 400 } });
    const r = h.call('GET', '/projects', undefined, { authorization: 'Bearer nope' });
    expect(r.status).toBe(400);
    expect(h.b(r).error.status_code).toBe('400');
  });

  it('admin revoke-all then restore: refresh fails with invalid_code, then works again', async () => {
    h = await harness();
    h.s.admin.revokeAllTokens();
    expect(h.call('GET', '/projects').status).toBe(401);
    expect(tokenRequest(h.s).body).toEqual({ error: 'invalid_code' });
    h.s.admin.restoreTokens();
    expect(h.b(tokenRequest(h.s)).access_token).toBeDefined();
  });
});
