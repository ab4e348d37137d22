import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { openCheckpointDb } from '../../src/checkpoint/db.js';
import { createSqliteBudgetStore } from '../../src/checkpoint/budget-store.js';
import { clearSecrets } from '../../src/core/redact.js';
import type { ClientEvent } from '../../src/zoho/types.js';
import { rejection, secondAccessToken, startRig, type Rig } from '../helpers/client-helpers.js';
import { it } from '../helpers/fixtures.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  clearSecrets();
});

const GET_PROJECT = 'GET /projects/{project}';
const LIST_TASKS = 'GET /projects/{project}/tasks';
const CREATE_TASK = 'POST /projects/{project}/tasks';
const server = (r: Rig, endpoint: string) => r.sandbox.admin.counters().endpoints[endpoint] ?? { calls: 0, ok: 0, rateLimited: 0, errors: 0 };
const tasksNamed = (r: Rig, name: string) => (r.sandbox.admin.entities('tasks', { project: r.projectId }) as { name: string }[]).filter((t) => t.name === name);

describe('client pacing and retries against the sandbox', () => {
  it('429 with Retry-After: waits exactly that long, does not hammer, then succeeds', async () => {
    rig = await startRig({}, { jump: true });
    const { client, sandbox, projectId, events } = rig;
    sandbox.admin.lockout(GET_PROJECT, 300);
    const t0 = sandbox.clock.now();
    await client.projects.get(projectId);
    const rl = events.find((e) => e.type === 'rate-limited') as Extract<ClientEvent, { type: 'rate-limited' }>;
    expect(rl).toMatchObject({ endpoint: GET_PROJECT, source: '429' });
    expect(rl.untilMs - t0).toBeGreaterThanOrEqual(299_000);
    expect(sandbox.clock.now() - t0).toBeGreaterThanOrEqual(299_000);
    expect(server(rig, GET_PROJECT)).toMatchObject({ rateLimited: 1, ok: 1 });
  });

  it('a lock on one endpoint pauses only that endpoint while another keeps working', async () => {
    rig = await startRig({ timeScale: 300 });
    const { client, sandbox, projectId } = rig;
    await client.projects.get(projectId); // token in hand: the create reaches the server at once
    sandbox.admin.lockout(CREATE_TASK, 600);
    const t0 = sandbox.clock.now();
    let createdAt = 0;
    const create = client.tasks.create(projectId, { name: 'after the lock' }).then(() => (createdAt = sandbox.clock.now()));
    await new Promise((r) => setTimeout(r, 50)); // let the create meet its 429
    let readsDoneAt = 0;
    for (let i = 0; i < 20; i++) await client.projects.get(projectId);
    readsDoneAt = sandbox.clock.now();
    await create;
    expect(readsDoneAt - t0).toBeLessThan(600_000);
    expect(createdAt - t0).toBeGreaterThanOrEqual(599_000);
    expect(server(rig, CREATE_TASK)).toMatchObject({ rateLimited: 1, ok: 1 });
    expect(server(rig, GET_PROJECT)).toMatchObject({ rateLimited: 0, ok: 21 });
    expect(client.estimateWaitMs(CREATE_TASK, 1)).toBe(0);
  });

  it('400 URL_ROLLING_THROTTLES_LIMIT_EXCEEDED (no Retry-After) locks that endpoint for 10 minutes', async () => {
    rig = await startRig({ config: { throttleStyle: '400-rolling' } }, { jump: true });
    const { client, sandbox, projectId, events } = rig;
    sandbox.admin.lockout(GET_PROJECT, 30);
    const t0 = sandbox.clock.now();
    await client.projects.get(projectId);
    expect(events.find((e) => e.type === 'rate-limited')).toMatchObject({ source: 'rolling-throttle' });
    expect(sandbox.clock.now() - t0).toBeGreaterThanOrEqual(600_000);
  });

  it('5xx answers are retried with backoff (GET), and a 503 create is re-sent because it did not happen', async () => {
    rig = await startRig(
      {
        faults: [
          { kind: 'status', status: 500, endpoint: GET_PROJECT, nth: [1, 2] },
          { kind: 'status', status: 503, endpoint: CREATE_TASK, nth: 1 },
        ],
      },
      { jump: true },
    );
    const { client, projectId } = rig;
    await client.projects.get(projectId);
    expect(client.stats()[GET_PROJECT]).toMatchObject({ calls: 3, retries: 2, errors: 0 });
    await client.tasks.create(projectId, { name: 'once after 503' });
    expect(tasksNamed(rig, 'once after 503')).toHaveLength(1);
  });

  it('a connection reset on a create comes back in-doubt; it is not re-sent and exists exactly once', async () => {
    rig = await startRig({ faults: [{ kind: 'reset-after', endpoint: CREATE_TASK, nth: 1 }] }, { jump: true });
    const { client, projectId, events } = rig;
    const e = await rejection(client.tasks.create(projectId, { name: 'reset me' }));
    expect(e.code).toBe('ZOHO_IN_DOUBT');
    expect(events.filter((x) => x.type === 'in-doubt')).toHaveLength(1);
    expect(server(rig, CREATE_TASK).calls).toBe(1);
    expect(tasksNamed(rig, 'reset me')).toHaveLength(1);
  });

  it('a 500 on a create is in-doubt too (the write may have happened); a reset GET is retried', async () => {
    rig = await startRig(
      {
        faults: [
          { kind: 'status', status: 500, endpoint: CREATE_TASK, nth: 1 },
          { kind: 'reset-before', endpoint: GET_PROJECT, nth: 1 },
        ],
      },
      { jump: true },
    );
    const { client, projectId } = rig;
    expect((await rejection(client.tasks.create(projectId, { name: 'maybe' }))).code).toBe('ZOHO_IN_DOUBT');
    expect(server(rig, CREATE_TASK).calls).toBe(1);
    await client.projects.get(projectId);
    expect(client.stats()[GET_PROJECT]).toMatchObject({ retries: 1 });
  });

  it('learns from RateLimit-Remaining when another token of the same user pre-consumed the endpoint: no 429', async () => {
    // A server limit of 40 (the client learns it from the RateLimit header) keeps the test short.
    rig = await startRig({ config: { rateLimit: 40 } }, { jump: true });
    const { client, sandbox, projectId, events } = rig;
    const other = await secondAccessToken(sandbox);
    const url = `${sandbox.baseUrl}/api/v3/portal/${sandbox.portalId}/projects/${projectId}`;
    for (let i = 0; i < 30; i++) {
      const res = await fetch(url, { headers: { authorization: `Zoho-oauthtoken ${other}` } });
      expect(res.status).toBe(200);
      await res.text();
    }
    for (let i = 0; i < 30; i++) await client.projects.get(projectId);
    expect(server(rig, GET_PROJECT)).toMatchObject({ rateLimited: 0, ok: 60 });
    expect(client.stats()[GET_PROJECT]!.rateLimited).toBe(0);
    expect(client.budgetFor(GET_PROJECT).limit).toBe(39);
    expect(events.some((e) => e.type === 'budget-wait' && e.endpoint === GET_PROJECT)).toBe(true);
  });

  it('a restarted client with the persisted budget does not burst past what the server counted', async ({ tmp: dir }) => {
    const dbPath = join(dir, 'run.db');
    rig = await startRig({ config: { rateLimit: 40 } }, { jump: true });
    const { sandbox, projectId } = rig;
    let cp = openCheckpointDb(dbPath);
    const first = rig.newClient({ budgetStore: createSqliteBudgetStore(cp.db) });
    for (let i = 0; i < 30; i++) await first.projects.get(projectId);
    await first.close();
    cp.close();

    cp = openCheckpointDb(dbPath);
    const rows = cp.db.prepare('SELECT key, calls_json FROM rate_budget').all() as { key: string; calls_json: string }[];
    expect(rows.some((r) => r.key.endsWith(`|${GET_PROJECT}`) && (JSON.parse(r.calls_json) as number[]).length >= 30)).toBe(true);
    const dump = JSON.stringify(cp.db.prepare('SELECT * FROM rate_budget').all());
    for (const s of [sandbox.env.ZOHO_CLIENT_SECRET, sandbox.env.ZOHO_REFRESH_TOKEN, ...rig.accessTokens]) expect(dump.includes(s)).toBe(false);

    const waits: ClientEvent[] = [];
    const second = rig.newClient({ budgetStore: createSqliteBudgetStore(cp.db) });
    second.on((e) => e.type === 'budget-wait' && waits.push(e));
    expect(second.estimateWaitMs(GET_PROJECT, 20)).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) await second.projects.get(projectId);
    cp.close();
    expect(server(rig, GET_PROJECT)).toMatchObject({ rateLimited: 0, ok: 50 });
    expect(waits.length).toBeGreaterThan(0);
  });

  it('retries pass through the budget: a burst of 5xx never pushes an endpoint past its window', async () => {
    rig = await startRig(
      { timeScale: 600, config: { rateLimit: 40 }, faults: [{ kind: 'status', status: 503, endpoint: GET_PROJECT, probability: 0.3 }] },
      { maxRetries: 20 },
    );
    const { client, projectId } = rig;
    await client.projects.get(projectId).catch(() => undefined); // learn the limit of 40 first
    await Promise.all(Array.from({ length: 60 }, () => client.projects.get(projectId)));
    const s = server(rig, GET_PROJECT);
    expect(s.rateLimited).toBe(0);
    expect(s.ok).toBeGreaterThanOrEqual(60);
    expect(s.calls).toBeGreaterThan(62);
  });
});
