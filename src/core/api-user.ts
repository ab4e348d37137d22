/**
 * The time-log `user` value that credits the API user explicitly (`user: { default: api-user }`): the
 * time-log loader then sends no `owner_zpuid` and Zoho books the log to the token's owner; the
 * 24 h-per-day rule counts such logs under the API user. Core holds it because the field table
 * (transform), the loader (load) and prepare (pipeline) all read it.
 */
export const API_USER = 'api-user';

/**
 * The one target field that may hold API_USER: the time log's `user` (no other entity has a field of
 * that name). Validate refuses `api-user` on every other field; mapping and lookups pass it through
 * only here, so an `owner: { default: api-user }` is never sent as an owner id.
 */
export const API_USER_FIELD = 'user';

/** Whether `value` on `field` is the explicit API-user credit, which is no record to look up. */
export function isApiUserCredit(field: string, value: unknown): boolean {
  return value === API_USER && field === API_USER_FIELD;
}
