/**
 * A user's display name, the one rule: `user-by-name` lookups (transform) match it and the payroll
 * export (payroll) names employees by it. Zoho holds it here because both layers read the user object.
 */
import type { User } from './types.js';

/** A user's display name as the V3 user object carries it: full_name, else first + last name, else name (docs/zoho-api-notes.md#users). */
export function userDisplayName(u: Pick<User, 'full_name' | 'first_name' | 'last_name'> & { name?: unknown }): string {
  const full = typeof u.full_name === 'string' ? u.full_name.trim() : '';
  if (full !== '') return full;
  const parts = [u.first_name, u.last_name].filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
  if (parts.length > 0) return parts.join(' ');
  return typeof u.name === 'string' ? u.name.trim() : '';
}
