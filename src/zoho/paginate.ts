/**
 * Pagination as async iterators (docs/zoho-api-notes.md#pagination): `page` (1-based) + `per_page`, continuing while
 * `page_info.has_next_page`; lists without page_info (the bare-array projects list) stop on a short
 * page; a 204 or an empty page ends any list.
 */
import type { CallSpec, Transport } from './transport.js';

export interface PageOptions {
  /** Items per page (default 100). */
  perPage?: number;
  /**
   * Where the items sit: a key of the body object (e.g. 'tasks'), or 'array' for a top-level array.
   * A function may pull them out of an odd shape.
   */
  items: string | 'array' | ((body: unknown) => unknown[] | undefined);
  /** Stop after this many pages (safety net against a server that never says "last"; default 100 000). */
  maxPages?: number;
}

function pageInfo(body: unknown): { has_next_page?: unknown } | undefined {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const pi = (body as Record<string, unknown>).page_info;
    if (pi && typeof pi === 'object') return pi as { has_next_page?: unknown };
  }
  return undefined;
}

function pick(body: unknown, items: PageOptions['items']): unknown[] {
  if (typeof items === 'function') return items(body) ?? [];
  if (items === 'array') return Array.isArray(body) ? body : [];
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const v = (body as Record<string, unknown>)[items];
    return Array.isArray(v) ? v : [];
  }
  // Some lists come back as a bare array even where an object was expected.
  return Array.isArray(body) ? body : [];
}

/** Yields every item of every page of a V3 list. */
export async function* paginate<T>(transport: Transport, spec: CallSpec, o: PageOptions): AsyncGenerator<T> {
  const perPage = o.perPage ?? 100;
  const maxPages = o.maxPages ?? 100_000;
  for (let page = 1; page <= maxPages; page++) {
    const res = await transport.call({ ...spec, query: { ...spec.query, page, per_page: perPage } });
    if (!res || res.status === 204 || res.body === undefined) return;
    const list = pick(res.body, o.items);
    for (const item of list) yield item as T;
    if (list.length === 0) return;
    const info = pageInfo(res.body);
    if (info && 'has_next_page' in info) {
      if (info.has_next_page !== true && info.has_next_page !== 'true') return;
    } else if (list.length < perPage) {
      return;
    }
  }
}
