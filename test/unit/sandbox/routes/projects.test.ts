import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../helpers/sandbox-harness.js';

let h: Harness;
afterEach(async () => h?.s.close());

describe('sandbox portals and projects', () => {
  it('GET /api/v3/portals answers a bare array with the portal', async () => {
    h = await harness();
    const r = h.call('GET', '/api/v3/portals');
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(h.b(r)[0].id).toBe(h.s.portalId);
  });

  it('the plural /api/v3/portals/{id}/... and unknown paths → 400 URL_RULE_NOT_CONFIGURED', async () => {
    h = await harness();
    const r = h.call('GET', `/api/v3/portals/${h.s.portalId}/projects`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { status_code: '400', title: 'URL_RULE_NOT_CONFIGURED' } });
    expect(h.b(h.call('GET', '/nothing-here')).error.title).toBe('URL_RULE_NOT_CONFIGURED');
    expect(h.b(h.call('GET', '/projects/')).error.title).toBe('URL_RULE_NOT_CONFIGURED'); // no trailing slash in V3
  });

  it('create → 201 with a 19-digit string id; list is a bare array without page_info; get; PATCH', async () => {
    h = await harness();
    const c = h.call('POST', '/projects', { name: 'Alpha', start_date: '2026-01-01', end_date: '2026-02-01' });
    expect(c.status).toBe(201);
    const p = h.b(c);
    expect(p.id).toMatch(/^\d{19}$/);
    expect(BigInt(p.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(p.start_date).toBe('2026-01-01');
    const list = h.call('GET', '/projects');
    expect(Array.isArray(list.body)).toBe(true);
    expect(h.b(list).map((x: any) => x.id)).toEqual([p.id]);
    expect(h.b(h.call('GET', `/projects/${p.id}`)).name).toBe('Alpha');
    const u = h.call('PATCH', `/projects/${p.id}`, { name: 'Beta', description: 'd' });
    expect(u.status).toBe(200);
    expect(h.b(u)).toMatchObject({ name: 'Beta', description: 'd' });
  });

  it('projects list pages with page/per_page and ends with a short page', async () => {
    h = await harness();
    h.s.admin.insert('projects', Array.from({ length: 5 }, (_, i) => ({ name: `P${i}` })));
    expect(h.b(h.call('GET', '/projects?page=1&per_page=2'))).toHaveLength(2);
    expect(h.b(h.call('GET', '/projects?page=3&per_page=2'))).toHaveLength(1);
    expect(h.b(h.call('GET', '/projects?page=4&per_page=2'))).toHaveLength(0);
  });

  it('trash → 204; then PATCH → 410 and it leaves the list; DELETE on the project → 404', async () => {
    h = await harness();
    const id = h.b(h.call('POST', '/projects', { name: 'Gone' })).id;
    expect(h.call('DELETE', `/projects/${id}`).status).toBe(404);
    const t = h.call('POST', `/projects/${id}/trash`);
    expect(t.status).toBe(204);
    expect(t.body).toBeUndefined();
    expect(h.call('PATCH', `/projects/${id}`, { name: 'x' }).status).toBe(410);
    expect(h.b(h.call('GET', '/projects'))).toEqual([]);
    expect(h.s.admin.counters().entities.projects).toBe(0);
  });

  it('PUT and POST on a project → 400 INVALID_METHOD naming the verb', async () => {
    h = await harness();
    const id = h.b(h.call('POST', '/projects', { name: 'X' })).id;
    for (const verb of ['PUT', 'POST']) {
      const r = h.call(verb, `/projects/${id}`, { name: 'y' });
      expect(r.status).toBe(400);
      expect(h.b(r).error).toMatchObject({ title: 'INVALID_METHOD', details: [{ field_name: verb }] });
    }
  });

  it('validation: missing name, bad JSON, array body, unknown key, bad date', async () => {
    h = await harness();
    expect(h.b(h.call('POST', '/projects', {})).error).toMatchObject({
      title: 'LESS_THAN_MIN_OCCURANCE',
      error_type: 'FIELDS_VALIDATION_ERROR',
      details: [{ field_name: 'name' }],
    });
    expect(h.b(h.call('POST', '/projects', '{"name":')).error.title).toBe('JSON_PARSE_ERROR');
    expect(h.b(h.call('POST', '/projects', [{ name: 'a' }])).error.title).toBe('JSON_PARSE_ERROR');
    expect(h.b(h.call('POST', '/projects', { name: 'a', colour: 'red' })).error).toMatchObject({
      title: 'EXTRA_KEY_FOUND_IN_JSON',
      details: [{ field_name: 'colour' }],
    });
    expect(h.b(h.call('POST', '/projects', { name: 'a', start_date: '05-26-2014' })).error).toMatchObject({
      title: 'INVALID_PARAMETER_VALUE',
      details: [{ field_name: 'start_date' }],
    });
  });

  it('unknownKeys: ignore drops unknown keys silently', async () => {
    h = await harness({ config: { unknownKeys: 'ignore' } });
    const r = h.call('POST', '/projects', { name: 'a', colour: 'red' });
    expect(r.status).toBe(201);
    expect(h.b(r).colour).toBeUndefined();
  });

  it('a wrong portal id is refused', async () => {
    h = await harness();
    const r = h.call('GET', '/api/v3/portal/123/projects');
    expect(r.status).toBe(400);
    expect(h.b(r).error.details[0].field_name).toBe('portal_id');
  });

  it('an unknown project → 404 with the V3 body', async () => {
    h = await harness();
    const r = h.call('GET', '/projects/1512955000000000000');
    expect(r.status).toBe(404);
    expect(h.b(r).error.status_code).toBe('404');
  });

  it('empty lists: 200 with [] by default, 204 when configured', async () => {
    h = await harness();
    expect(h.call('GET', '/projects').status).toBe(200);
    await h.s.close();
    h = await harness({ config: { emptyListStatus: 204 } });
    expect(h.call('GET', '/projects').status).toBe(204);
  });
});
