import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';

let s: Sandbox | undefined;
afterEach(async () => s?.close());

describe('sandbox volume', () => {
  it('bulk-inserts 20 000 logs and pages through them over HTTP, each exactly once, in a few seconds', async () => {
    s = await createSandbox({ seed: 'demo', config: { rateLimit: 10_000 } });
    const project = (s.admin.entities('projects')[0] as { id: string }).id;
    const owner = (s.admin.entities('project-users', { project })[1] as { id: string }).id;
    const t0 = performance.now();
    const logs = Array.from({ length: 20_000 }, (_, i) => ({
      project: { id: project },
      date: `2026-${String(1 + (i % 6)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      log_hour: '00:30',
      owner: { zpuid: owner },
    }));
    expect(s.admin.insert('timelogs', logs).inserted).toBe(20_000);
    const insertMs = performance.now() - t0;
    const tok = (await (
      await fetch(`${s.baseUrl}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: s.env.ZOHO_CLIENT_ID,
          client_secret: s.env.ZOHO_CLIENT_SECRET,
          refresh_token: s.env.ZOHO_REFRESH_TOKEN,
        }),
      })
    ).json()) as { access_token: string };
    const module = encodeURIComponent('{"type":"task"}');
    const ids = new Set<string>();
    let pages = 0;
    const t1 = performance.now();
    for (let page = 1; ; page++) {
      const url = `${s.baseUrl}/api/v3/portal/${s.portalId}/timelogs?view_type=customdate&start_date=2026-01-01&end_date=2026-06-30&module=${module}&per_page=200&page=${page}`;
      const body = (await (await fetch(url, { headers: { Authorization: `Bearer ${tok.access_token}` } })).json()) as any;
      for (const g of body.time_logs) for (const d of g.log_details) ids.add(d.id);
      pages++;
      if (!body.page_info.has_next_page) break;
    }
    const pageMs = performance.now() - t1;
    expect(ids.size).toBe(20_003); // + the 3 demo logs
    expect(pages).toBe(101);
    // Generous bounds: CI machines are shared; measured ~1 s each on an idle laptop-class core.
    expect(insertMs).toBeLessThan(8000);
    expect(pageMs).toBeLessThan(10_000);
  });
});
