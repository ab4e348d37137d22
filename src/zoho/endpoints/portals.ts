/** Portals (docs/zoho-api-notes.md#hosts-and-paths): `GET /api/v3/portals` answers a top-level array. */
import type { Transport } from '../transport.js';
import { ENDPOINTS, type Portal } from '../types.js';
import { normaliseId } from './shared.js';

export function portalsEndpoints(t: Transport) {
  return {
    async list(): Promise<Portal[]> {
      const res = await t.call({ endpoint: ENDPOINTS.portalsList, path: '/portals', base: 'api' });
      const body = res?.body;
      const list = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as { portals?: unknown }).portals) ? (body as { portals: unknown[] }).portals : [];
      return list.map((p) => normaliseId(p as Record<string, unknown>) as Portal);
    },
  };
}
