import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets } from '../../../src/core/redact.js';
import { isZpetlError, type ZpetlError } from '../../../src/core/errors.js';
import { createZohoClient, type ZohoClientOptions } from '../../../src/zoho/client.js';
import type { ClientEvent } from '../../../src/zoho/types.js';
import { createJumpClock, startStub, type Stub, type StubReply, type StubRequest } from '../../helpers/stub-server.js';

const SECRET = 'client-secret-0123456789';
const REFRESH = 'refresh-token-0123456789';
let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
  clearSecrets();
});

/** Token endpoint answering fresh tokens; `api` handles everything else. */
async function setup(api: (r: StubRequest, n: number) => StubReply | Promise<StubReply>, token?: (n: number) => StubReply, opts: ZohoClientOptions = {}) {
  let tokens = 0;
  let calls = 0;
  stub = await startStub((r) => {
    if (r.url.pathname === '/oauth/v2/token') {
      tokens++;
      return token ? token(tokens) : { json: { access_token: `1000.access${tokens}`, expires_in: 3600, token_type: 'Bearer' } };
    }
    calls++;
    return api(r, calls);
  });
  const clock = createJumpClock();
  const events: ClientEvent[] = [];
  const client = createZohoClient(
    { clientId: '1000.ID', clientSecret: SECRET, refreshToken: REFRESH, portalId: '777', apiUrl: stub.url, accountsUrl: stub.url },
    { clock, random: () => 0.5, ...opts },
  );
  client.on((e) => events.push(e));
  return { client, clock, events, stub, tokenCalls: () => tokens };
}

async function catchErr(p: Promise<unknown>): Promise<ZpetlError> {
  try {
    await p;
  } catch (e) {
    if (isZpetlError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('createZohoClient against a local stub', () => {
  it('sends Zoho-oauthtoken to /api/v3/portal/{P}/… and parses ids as strings', async () => {
    const { client, stub } = await setup(() => ({ raw: '{"id":1512955000019693140,"name":"T"}' }));
    const t = await client.tasks.get('11', '22');
    expect(t.id).toBe('1512955000019693140');
    const req = stub.requests.find((r) => r.url.pathname.includes('/tasks/'))!;
    expect(req.url.pathname).toBe('/api/v3/portal/777/projects/11/tasks/22');
    expect(req.headers.authorization).toBe('Zoho-oauthtoken 1000.access1');
  });

  it('one refresh in flight for many concurrent requests', async () => {
    const { client, tokenCalls } = await setup(() => ({ json: { id: '1', name: 'x' } }));
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.tasks.get('1', String(i))));
    expect(tokenCalls()).toBe(1);
  });

  it('refreshes ≥5 minutes before expiry', async () => {
    const { client, clock, tokenCalls } = await setup(() => ({ json: { id: '1', name: 'x' } }));
    await client.tasks.get('1', '1');
    clock.advance(3600_000 - 300_000 - 1000);
    await client.tasks.get('1', '1');
    expect(tokenCalls()).toBe(1);
    clock.advance(2000);
    await client.tasks.get('1', '1');
    expect(tokenCalls()).toBe(2);
  });

  it('401 INVALID_OAUTHTOKEN → refresh and retry once; a second 401 is fatal', async () => {
    const s = await setup((r) =>
      r.headers.authorization === 'Zoho-oauthtoken 1000.access1'
        ? { status: 401, json: { error: { status_code: '401', title: 'INVALID_OAUTHTOKEN' } } }
        : { json: { id: '5', name: 'ok' } },
    );
    expect((await s.client.tasks.get('1', '5')).id).toBe('5');
    expect(s.tokenCalls()).toBe(2);
    await s.stub.close();
    const t = await setup(() => ({ status: 401, json: { error: { status_code: '401', title: 'INVALID_OAUTHTOKEN' } } }));
    const e = await catchErr(t.client.tasks.get('1', '5'));
    expect(e.code).toBe('ZOHO_TOKEN_INVALID');
    expect(e.disposition).toBe('fatal');
    expect(t.tokenCalls()).toBe(2);
  });

  it('invalid_code (HTTP 200!) is fatal and names the likely causes', async () => {
    const { client } = await setup(() => ({ json: {} }), () => ({ json: { error: 'invalid_code' } }));
    const e = await catchErr(client.tasks.get('1', '1'));
    expect(e.code).toBe('ZOHO_AUTH_INVALID_CODE');
    expect(e.message).toMatch(/revoked/);
    expect(e.message).toMatch(/data centre/);
  });

  it('Access Denied throttle waits (growing) instead of hammering, then succeeds', async () => {
    const { client, clock, events, tokenCalls } = await setup(
      () => ({ json: { id: '1', name: 'x' } }),
      (n) => (n <= 2 ? { status: 400, json: { error_description: 'You have made too many requests continuously. Please try again after some time.', error: 'Access Denied', status: 'failure' } } : { json: { access_token: '1000.late', expires_in: 3600 } }),
    );
    await client.tasks.get('1', '1');
    expect(tokenCalls()).toBe(3);
    expect(events.filter((e) => e.type === 'auth-throttled').map((e) => (e as { waitMs: number }).waitMs)).toEqual([60_000, 120_000]);
    expect(clock.sleeps).toContain(60_000);
  });

  it('5xx on a GET is retried with backoff; Retry-After on 503 is honoured', async () => {
    const { client, clock, events } = await setup((_r, n) => (n === 1 ? { status: 500 } : n === 2 ? { status: 503, headers: { 'retry-after': '7' } } : { json: { id: '1', name: 'x' } }));
    await client.tasks.get('1', '1');
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries).toHaveLength(2);
    expect(clock.sleeps).toEqual([500, 7000]); // full jitter with random 0.5 of 1000; then Retry-After
    expect(client.stats()['GET /projects/{project}/tasks/{task}']).toMatchObject({ calls: 3, retries: 2 });
  });

  it('retries are bounded: ZOHO_RETRIES_EXHAUSTED after maxRetries', async () => {
    const { client, stub } = await setup(() => ({ status: 502 }), undefined, { maxRetries: 2 });
    const e = await catchErr(client.tasks.get('1', '1'));
    expect(e.code).toBe('ZOHO_RETRIES_EXHAUSTED');
    expect(stub.requests.filter((r) => r.url.pathname.includes('tasks'))).toHaveLength(3);
  });

  it('a POST whose connection was reset is in-doubt and never re-sent', async () => {
    const { client, stub, events } = await setup(() => ({ reset: true }));
    const e = await catchErr(client.tasks.create('1', { name: 'A' }));
    expect(e.code).toBe('ZOHO_IN_DOUBT');
    expect(events.some((ev) => ev.type === 'in-doubt')).toBe(true);
    expect(stub.requests.filter((r) => r.method === 'POST' && r.url.pathname.includes('/tasks'))).toHaveLength(1);
  });

  it('a POST that timed out is in-doubt; a GET that timed out is retried', async () => {
    const { client, stub } = await setup(async (r) => {
      if (r.method === 'POST' || stub!.requests.filter((q) => q.method === 'GET' && q.url.pathname.includes('tasks')).length === 1) {
        await new Promise((res) => setTimeout(res, 300));
      }
      return { json: { id: '9', name: 'x' } };
    }, undefined, { timeoutMs: 100 });
    const e = await catchErr(client.tasks.create('1', { name: 'A' }));
    expect(e.code).toBe('ZOHO_IN_DOUBT');
    expect((await client.tasks.get('1', '9')).id).toBe('9');
  });

  it('429 with Retry-After locks that endpoint only; the retry waits for it', async () => {
    const { client, clock, events } = await setup((_r, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '540' } } : { json: { id: '1', name: 'x' } }));
    const t0 = clock.now();
    await client.tasks.get('1', '1');
    const rl = events.find((e) => e.type === 'rate-limited') as Extract<ClientEvent, { type: 'rate-limited' }>;
    expect(rl.untilMs - t0).toBeGreaterThanOrEqual(540_000);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(540_000);
    expect(client.estimateWaitMs('GET /projects/{project}/tasks', 1)).toBe(0);
  });

  it('400 URL_ROLLING_THROTTLES_LIMIT_EXCEEDED without Retry-After locks for 10 minutes', async () => {
    const { client, clock } = await setup((_r, n) => (n === 1 ? { status: 400, json: { error: { status_code: '400', title: 'URL_ROLLING_THROTTLES_LIMIT_EXCEEDED' } } } : { json: { id: '1', name: 'x' } }));
    const t0 = clock.now();
    await client.tasks.get('1', '1');
    expect(clock.now() - t0).toBeGreaterThanOrEqual(600_000);
  });

  it('a 200 with an error body is a reject-row with title, field, method, path and a redacted body', async () => {
    const { client } = await setup(() => ({
      json: { error: { status_code: '400', title: 'INVALID_PARAMETER_VALUE', details: [{ message: `bad value ${SECRET}`, field_name: 'start_date' }] } },
    }));
    const e = await catchErr(client.tasks.create('1', { name: 'A' }));
    expect(e).toMatchObject({ code: 'ZOHO_BAD_REQUEST', disposition: 'reject-row', field: 'start_date' });
    expect(e.details).toMatchObject({ status: 200, title: 'INVALID_PARAMETER_VALUE', method: 'POST', path: '/projects/1/tasks' });
    expect(JSON.stringify(e.details) + e.message).not.toContain(SECRET);
  });

  it('pagination: page_info.has_next_page, bare arrays stop on a short page, 204 ends a list', async () => {
    const { client } = await setup((r) => {
      const page = Number(r.url.searchParams.get('page'));
      if (r.url.pathname.endsWith('/tasks')) return { json: { tasks: [{ id: `t${page}` }], page_info: { page, has_next_page: page < 3 } } };
      if (r.url.pathname.endsWith('/projects')) return { json: page === 1 ? [{ id: 'p1' }, { id: 'p2' }] : [{ id: 'p3' }] };
      if (r.url.pathname.endsWith('/milestones')) return page === 1 ? { json: { milestones: [{ id: 'm1' }], page_info: { has_next_page: true } } } : { status: 204 };
      return { status: 404 };
    }, undefined, { perPage: 2 });
    const collect = async <T>(it: AsyncIterable<T>) => {
      const out: T[] = [];
      for await (const x of it) out.push(x);
      return out;
    };
    expect((await collect(client.tasks.list('1'))).map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    expect((await collect(client.projects.list())).map((t) => t.id)).toEqual(['p1', 'p2', 'p3']);
    expect((await collect(client.milestones.list('1'))).map((t) => t.id)).toEqual(['m1']);
  });

  it('close() during a rate-limit wait ends the call with RUN_INTERRUPTED (a ZpetlError)', async () => {
    const { client } = await setup(() => ({ status: 429, headers: { 'retry-after': '600' } }), undefined, {
      clock: { now: () => Date.UTC(2026, 10, 1), sleep: (_ms, signal) => new Promise((_r, reject) => signal?.addEventListener('abort', () => reject(signal.reason))) },
    });
    const pending = catchErr(client.tasks.get('1', '1'));
    await new Promise((r) => setTimeout(r, 50));
    await client.close();
    expect((await pending).code).toBe('RUN_INTERRUPTED');
  });

  it('getPortal answers undefined on 404; users live under /api/v3.1', async () => {
    const { client, stub } = await setup(() => ({ status: 404, json: { error: { status_code: '404', title: 'NOT_FOUND' } } }));
    expect(await client.users.getPortal('a@b.c')).toBeUndefined();
    expect(stub.requests.at(-1)!.url.pathname).toBe('/api/v3.1/portal/777/users/a%40b.c');
  });

  it('time logs: one listing per module type and ≤6-month window, flattened', async () => {
    const { client, stub } = await setup((r) => {
      const type = JSON.parse(r.url.searchParams.get('module')!).type as string;
      return { json: { time_logs: [{ date: r.url.searchParams.get('start_date'), log_details: [{ id: `${type}-${r.url.searchParams.get('start_date')}` }] }], page_info: { has_next_page: false } } };
    });
    const ids: string[] = [];
    for await (const l of client.timelogs.listProject('5', { startDate: '2025-01-01', endDate: '2025-08-31', moduleTypes: ['task', 'general'] })) ids.push(l.id);
    expect(ids).toEqual(['task-2025-01-01', 'general-2025-01-01', 'task-2025-07-01', 'general-2025-07-01']);
    const first = stub.requests.find((r) => r.url.pathname.endsWith('/timelogs'))!;
    expect(first.url.searchParams.get('view_type')).toBe('customdate');
    expect(first.url.searchParams.get('end_date')).toBe('2025-06-30');
  });
});
