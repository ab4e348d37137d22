/**
 * Admin inputs are validated in full before anything changes (src/sandbox/admin-input.ts): over HTTP a
 * bad value answers 400 naming the field, the expected and the given value; in-process the same check
 * throws SANDBOX_ADMIN_INVALID. Either way time, faults and entities stay as they were.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ZpetlError } from '../../../src/core/index.js';
import type { SandboxResponse } from '../../../src/sandbox/index.js';
import { harness, type Harness } from '../../helpers/sandbox-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.s.close();
  h = undefined;
});

/** An admin call through the full pipeline (no socket), with the admin token. */
function admin(hh: Harness, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return hh.s.inject(method, `/__sandbox/${path}`, {
    headers: { authorization: `Bearer ${hh.s.adminToken}`, ...headers },
    ...(body !== undefined ? { body } : {}),
  });
}

/** What must not change when an admin call is refused. */
function state(hh: Harness) {
  return { faults: hh.s.admin.faults(), entities: hh.s.admin.counters().entities, timeMs: hh.s.admin.time().nowMs };
}

function expectUnchanged(hh: Harness, before: ReturnType<typeof state>) {
  const after = state(hh);
  expect(after.faults).toEqual(before.faults);
  expect(after.entities).toEqual(before.entities);
  expect(after.timeMs - before.timeMs).toBeGreaterThanOrEqual(0);
  expect(after.timeMs - before.timeMs).toBeLessThan(60_000); // time scale 1: only real time passed
}

function expect400(res: SandboxResponse, field: string, given: RegExp) {
  expect(res.status).toBe(400);
  const err = (res.body as any).error;
  expect(err).toMatchObject({ status_code: '400', title: 'INVALID_PARAMETER_VALUE', method: expect.any(String), instance: expect.stringMatching(/^\/__sandbox\//) });
  expect(err.details[0].field_name).toBe(field);
  expect(err.details[0].message).toMatch(/expected .+, got /);
  expect(err.details[0].message).toMatch(given);
}

describe('admin inputs over HTTP: 400 and nothing applied', () => {
  const cases: [string, string, string, unknown, string, RegExp][] = [
    ['advance by 1e308 ms', 'POST', 'time/advance', { ms: 1e308 }, 'ms', /at most 315360000000 ms \(10 years\), got 1e\+308/],
    ['advance by a negative ms', 'POST', 'time/advance', { ms: -1 }, 'ms', /got -1/],
    ['advance by a string', 'POST', 'time/advance', { ms: '5' }, 'ms', /got "5"/],
    ['advance without ms', 'POST', 'time/advance', {}, 'ms', /got nothing/],
    ['advance with an unknown key', 'POST', 'time/advance', { ms: 1, by: 2 }, 'by', /no such key, got 2/],
    ['advance with an array body', 'POST', 'time/advance', [1], 'body', /a JSON object, got \[1\]/],
    ['lockout for 1e308 s', 'POST', 'lockout', { endpoint: 'GET /projects', seconds: 1e308 }, 'seconds', /got 1e\+308/],
    ['lockout for 0 s', 'POST', 'lockout', { endpoint: 'GET /projects', seconds: 0 }, 'seconds', /seconds > 0, got 0/],
    ['lockout of an unknown endpoint', 'POST', 'lockout', { endpoint: 'GET /widgets' }, 'endpoint', /got "GET \/widgets"/],
    ['reset to an unknown seed', 'POST', 'reset', { seed: 'full' }, 'seed', /one of "demo", "empty", got "full"/],
    ['auth code living 1e308 s', 'POST', 'tokens/auth-code', { ttlS: 1e308 }, 'ttlS', /got 1e\+308/],
    ['auth code for an unknown user', 'POST', 'tokens/auth-code', { ownerZpuid: '1' }, 'ownerZpuid', /portal user, got "1"/],
    ['a fault with a 1e9 ms delay', 'PUT', 'faults', [{ kind: 'slow', nth: 1, delayMs: 1e9 }], 'faults[0].delayMs', /got 1000000000/],
    ['a fault of an unknown kind', 'PUT', 'faults', [{ kind: 'explode', nth: 1 }], 'faults[0].kind', /got "explode"/],
    ['a lockout fault of 1e308 s', 'PUT', 'faults', [{ kind: 'lockout', nth: 1, lockoutS: 1e308 }], 'faults[0].lockoutS', /got 1e\+308/],
    ['insert: the second of two projects has no name', 'POST', 'entities/projects', [{ name: 'ok' }, { title: 'x' }], 'items[1].name', /got nothing/],
    ['insert: a log with a bad hour', 'POST', 'entities/timelogs', [{ project_id: '1', date: '2026-01-01', log_hour: '1.5' }], 'items[0].log_hour', /HH:MM, got "1.5"/],
    ['insert: a body that is not an array', 'POST', 'entities/users', { email: 'a@b.c' }, 'items', /JSON array/],
    ['insert of an unknown kind', 'POST', 'entities/widgets', [], 'kind', /got "widgets"/],
    // The message names the schema's own bound, not zod's safe-integer limit.
    ['a fault with a 1e20 ms delay', 'PUT', 'faults', [{ kind: 'slow', nth: 1, delayMs: 1e20 }], 'faults[0].delayMs', /at most 600000, got 100000000000000000000/],
    ['a fault restoring after 1e20 ms', 'PUT', 'faults', [{ kind: 'revoke', nth: 1, refreshTokens: true, restoreAfterMs: 1e20 }], 'faults[0].restoreAfterMs', /at most 315360000000, got/],
    ['a fault with an nth list of 10 001 entries', 'PUT', 'faults', [{ kind: 'status', nth: Array.from({ length: 10_001 }, (_, i) => i + 1) }], 'faults[0].nth', /at most 10000 occurrences, got \[1,2,3/],
    ['a fault with an nth of 0 in its list', 'PUT', 'faults', [{ kind: 'status', nth: [1, 0] }], 'faults[0].nth[1]', /at least 1, got 0/],
    ['insert: two logs with the same id', 'POST', 'entities/timelogs', [{ id: '1512955000099000001', project_id: '1', date: '2026-01-01', log_hour: '01:00' }, { id: '1512955000099000001', project_id: '1', date: '2026-01-01', log_hour: '01:00' }], 'items[1].id', /not given twice \(items\[0\]\.id is the same\), got "1512955000099000001"/],
    ['insert: a log with an id that is not a digit string', 'POST', 'entities/timelogs', [{ id: 'dup', project_id: '1', date: '2026-01-01', log_hour: '01:00' }], 'items[0].id', /an id \(a digit string\), got "dup"/],
    ['insert: a log dated 2026-99-99', 'POST', 'entities/timelogs', [{ project_id: '1', date: '2026-99-99', log_hour: '01:00' }], 'items[0].date', /real date YYYY-MM-DD, got "2026-99-99"/],
    ['insert: a log dated 2026-02-30', 'POST', 'entities/timelogs', [{ project_id: '1', date: '2026-02-30', log_hour: '01:00' }], 'items[0].date', /got "2026-02-30"/],
    ['insert: a project ending 2026-13-01', 'POST', 'entities/projects', [{ name: 'p', end_date: '2026-13-01' }], 'items[0].end_date', /real date YYYY-MM-DD \(or an ISO-8601 datetime\), got "2026-13-01"/],
    ['insert: two projects with the same id', 'POST', 'entities/projects', [{ id: '1512955000099000002', name: 'a' }, { id: '1512955000099000002', name: 'b' }], 'items[1].id', /not given twice/],
  ];
  for (const [name, method, path, body, field, given] of cases) {
    it(name, async () => {
      h = await harness({ seed: 'demo', faults: [{ kind: 'status', endpoint: 'GET /projects', nth: 99 }] });
      const before = state(h);
      expect400(admin(h, method, path, body), field, given);
      expectUnchanged(h, before);
      expect(h.call('GET', '/projects').status).toBe(200); // the API still answers
    });
  }

  it('insert: a later item naming an unknown project rolls back the earlier ones (one transaction)', async () => {
    h = await harness({ seed: 'demo' });
    const project = (h.s.admin.entities('projects')[0] as { id: string }).id;
    const before = state(h);
    const res = admin(h, 'POST', 'entities/timelogs', [
      { project_id: project, date: '2026-01-01', log_hour: '01:00' },
      { project_id: '1512955000000000001', date: '2026-01-01', log_hour: '01:00' },
    ]);
    expect400(res, 'items[1].project_id', /stored project, got "1512955000000000001"/);
    expectUnchanged(h, before);
  });

  it('insert: an item nested 200 000 levels deep → 400 (not a stack overflow), nothing stored', async () => {
    h = await harness({ seed: 'demo' });
    const before = state(h);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const res = admin(h, 'POST', 'entities/projects', `[{"name":"x","extra":${deep}}]`, { 'content-type': 'application/json' });
    expect400(res, 'items', /at most 64 levels of nested arrays and objects, got "\(deeper\)"/);
    expectUnchanged(h, before);
    // 64 levels are fine
    const ok = admin(h, 'POST', 'entities/projects', `[{"name":"x","extra":${'['.repeat(62)}${']'.repeat(62)}}]`, { 'content-type': 'application/json' });
    expect(ok.status).toBe(200);
  });

  it('insert: an id already stored → 400, the batch stores nothing; a new id is kept', async () => {
    h = await harness({ seed: 'demo' });
    const project = (h.s.admin.entities('projects')[0] as { id: string }).id;
    const log = { id: '1512955000099000009', project_id: project, date: '2026-01-01', log_hour: '01:00' };
    expect(admin(h, 'POST', 'entities/timelogs', [log]).body).toEqual({ inserted: 1, ids: ['1512955000099000009'] });
    const before = state(h);
    const res = admin(h, 'POST', 'entities/timelogs', [{ ...log, id: '1512955000099000010' }, log]);
    expect400(res, 'items[1].id', /the id of no stored timelog, got "1512955000099000009"/);
    expectUnchanged(h, before);
    expect400(admin(h, 'POST', 'entities/projects', [{ id: project, name: 'again' }]), 'items[0].id', /no stored project, got/);
    expectUnchanged(h, before);
  });

  it('bad JSON → 400 JSON_PARSE_ERROR', async () => {
    h = await harness();
    const res = admin(h, 'POST', 'time/advance', '{"ms":', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect((res.body as any).error.title).toBe('JSON_PARSE_ERROR');
  });

  it('a valid advance still works and is bounded only by the year 9999', async () => {
    h = await harness();
    const t0 = h.s.admin.time().nowMs;
    const res = admin(h, 'POST', 'time/advance', { ms: 315_360_000_000 });
    expect(res.status).toBe(200);
    expect((res.body as any).nowMs - t0).toBeGreaterThanOrEqual(315_360_000_000);
  });
});

describe('the in-process sandbox.admin validates with the same schema', () => {
  const invalid = (fn: () => unknown, field: string) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ZpetlError);
      expect((e as ZpetlError).code).toMatch(/^SANDBOX_(ADMIN|FAULTS)_INVALID$/);
      expect((e as ZpetlError).field).toBe(field);
      return;
    }
    throw new Error(`no error for ${field}`);
  };

  it('every bad value throws SANDBOX_ADMIN_INVALID naming the field and changes nothing', async () => {
    h = await harness({ seed: 'demo', faults: [{ kind: 'status', endpoint: 'GET /projects', nth: 99 }] });
    const a = h.s.admin;
    const before = state(h);
    invalid(() => a.advanceTime(1e308), 'ms');
    invalid(() => a.advanceTime(Number.NaN), 'ms');
    invalid(() => a.advanceTime(-5), 'ms');
    invalid(() => a.lockout('GET /projects', Number.POSITIVE_INFINITY), 'seconds');
    invalid(() => a.lockout('GET /nothing'), 'endpoint');
    invalid(() => a.reset('full' as never), 'seed');
    invalid(() => a.mintAuthCode({ ttlS: -1 }), 'ttlS');
    invalid(() => a.mintAuthCode({ scopes: [] }), 'scopes');
    invalid(() => a.setFaults([{ kind: 'revoke', nth: 1, refreshTokens: true, restoreAfterMs: 1e308 }]), 'faults[0].restoreAfterMs');
    invalid(() => a.insert('tasks', [{ name: 'no project' }]), 'items[0].project_id');
    invalid(() => a.insert('users', [{ email: 'not-an-address' }]), 'items[0].email');
    invalid(() => a.entities('widgets' as never), 'kind');
    expectUnchanged(h, before);
    expect(h.call('GET', '/projects').status).toBe(200);
  });
});

describe('malformed percent-encoding in a URL', () => {
  it('answers 400 in the V3 error shape, in the portal segment and in a resource id', async () => {
    h = await harness();
    for (const path of ['/api/v3/portal/%E0%A4%A/projects', `/api/v3/portal/${h.s.portalId}/projects/%E0%A4%A`]) {
      const res = h.call('GET', path);
      expect(res.status, path).toBe(400);
      expect((res.body as any).error).toMatchObject({ status_code: '400', title: 'URL_RULE_NOT_CONFIGURED', instance: path, method: 'GET' });
      expect((res.body as any).error.details[0].message).toMatch(/malformed percent-encoding in %E0%A4%A/);
    }
  });
});
