/** Helpers shared by the endpoint modules. */
import { ZpetlError } from '../../core/errors.js';
import type { CallResult } from '../transport.js';

/** Encodes one path segment (ids are digit strings, but never trust input). */
export const seg = (id: string): string => encodeURIComponent(String(id));

/**
 * Unwraps a single-entity answer that V3 returns in one of several shapes: the entity at the root,
 * under `key`, or as `plural[0]` (docs/zoho-api-notes.md#request-and-response-shapes: the task-list create answer varies).
 */
export function unwrapOne<T>(res: CallResult | undefined, what: string, key: string, plural: string): T {
  const body = res?.body;
  if (body && typeof body === 'object') {
    if (Array.isArray(body) && body[0] && typeof body[0] === 'object') return body[0] as T;
    const b = body as Record<string, unknown>;
    if (typeof b.id === 'string' || typeof b.id === 'number') return normaliseId(b) as T;
    const one = b[key];
    if (one && typeof one === 'object' && !Array.isArray(one)) return normaliseId(one as Record<string, unknown>) as T;
    const many = b[plural];
    if (Array.isArray(many) && many[0] && typeof many[0] === 'object') return normaliseId(many[0] as Record<string, unknown>) as T;
  }
  throw new ZpetlError('ZOHO_UNEXPECTED_RESPONSE', `the ${what} answer carries no ${what} object (HTTP ${res?.status ?? 'none'})`, {
    details: { status: res?.status },
  });
}

/** Ids stay strings: a numeric `id` (V2 habit) is turned into its string form. */
export function normaliseId<T extends Record<string, unknown>>(o: T): T {
  if (typeof o.id === 'number') return { ...o, id: String(o.id) };
  return o;
}
