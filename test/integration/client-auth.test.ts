import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets } from '../../src/core/redact.js';
import type { ClientEvent } from '../../src/zoho/types.js';
import { rejection, startRig, type Rig } from '../helpers/client-helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  clearSecrets();
});

const refreshes = (events: ClientEvent[]) => events.filter((e) => e.type === 'token-refresh' && e.ok).length;
const tokenCalls = (r: Rig) => r.sandbox.admin.counters().endpoints['POST /oauth/v2/token']?.calls ?? 0;

describe('client auth against the sandbox', () => {
  it('token expiry in the middle of a run: refreshed ahead of time, no call fails', async () => {
    rig = await startRig({}, { jump: true });
    const { client, sandbox, projectId, events } = rig;
    for (let i = 0; i < 5; i++) await client.projects.get(projectId);
    sandbox.admin.advanceTime(3600_000 - 240_000); // 4 minutes left: inside the 5-minute margin
    for (let i = 0; i < 5; i++) await client.projects.get(projectId);
    sandbox.admin.advanceTime(3600_000 + 60_000); // well past expiry of the second token
    for (let i = 0; i < 5; i++) await client.projects.get(projectId);
    expect(refreshes(events)).toBe(3);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(0);
    expect(sandbox.admin.counters().endpoints['GET /projects/{project}']).toMatchObject({ calls: 15, ok: 15 });
  });

  it('an access token revoked mid-run (401) is refreshed once and the call retried', async () => {
    rig = await startRig({}, { jump: true });
    const { client, sandbox, projectId, events } = rig;
    await client.projects.get(projectId);
    sandbox.admin.revokeAllTokens();
    sandbox.admin.restoreTokens(); // access tokens stay revoked, the refresh token works again
    await client.projects.get(projectId);
    expect(refreshes(events)).toBe(2);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
  });

  it('the refresh throttle (Access Denied) is waited out, not hammered', async () => {
    rig = await startRig({ config: { tokenRequestLimit: 2, tokenRequestWindowS: 600 } }, { jump: true });
    const { client, sandbox, projectId, events } = rig;
    for (let i = 0; i < 3; i++) {
      await client.projects.get(projectId); // each needs a fresh token: 1st and 2nd allowed, 3rd throttled
      sandbox.admin.revokeAllTokens();
      sandbox.admin.restoreTokens();
    }
    const throttled = events.filter((e) => e.type === 'auth-throttled') as Extract<ClientEvent, { type: 'auth-throttled' }>[];
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    expect(throttled[0]!.waitMs).toBeGreaterThanOrEqual(60_000);
    // 2 allowed + a handful of spaced attempts until the 10-minute window let go; never a burst
    expect(tokenCalls(rig)).toBeLessThanOrEqual(2 + 5);
    expect(refreshes(events)).toBe(3);
  });

  it('a revoked refresh token is fatal with a message naming the likely causes', async () => {
    rig = await startRig({}, { jump: true });
    rig.sandbox.admin.revokeAllTokens();
    const e = await rejection(rig.client.projects.get(rig.projectId));
    expect(e.code).toBe('ZOHO_AUTH_INVALID_CODE');
    expect(e.disposition).toBe('fatal');
    expect(e.message).toMatch(/revoked/);
    expect(e.message).toMatch(/data centre/);
    expect(tokenCalls(rig)).toBe(1); // fatal at once: no retry loop against the accounts server
  });

  it('redaction: no secret or access token appears in any event, error text or error detail', async () => {
    rig = await startRig({}, { jump: true });
    const { client, sandbox, projectId, events, accessTokens } = rig;
    const texts: string[] = [];
    const capture = (e: Awaited<ReturnType<typeof rejection>>) =>
      texts.push(e.message, e.format(), e.stack ?? '', JSON.stringify(e.details), JSON.stringify(e));
    await client.projects.get(projectId);
    // a refused row (unknown key): the error carries the redacted body
    capture(await rejection(client.tasks.create(projectId, { name: 'x', bogus_key: 1 } as never)));
    // a 401 and a refresh
    sandbox.admin.revokeAllTokens();
    sandbox.admin.restoreTokens();
    await client.projects.get(projectId);
    // a revoked refresh token (fresh client: no cached token)
    sandbox.admin.revokeAllTokens();
    capture(await rejection(rig.newClient().projects.get(projectId)));
    texts.push(JSON.stringify(events));
    const all = texts.join('\n');
    const secrets = [sandbox.env.ZOHO_CLIENT_SECRET, sandbox.env.ZOHO_REFRESH_TOKEN, ...accessTokens];
    expect(accessTokens.size).toBeGreaterThanOrEqual(2);
    for (const s of secrets) expect(all.includes(s), `secret leaked: ${s.slice(0, 8)}…`).toBe(false);
    expect(all).toContain('EXTRA_KEY_FOUND_IN_JSON');
  });
});
