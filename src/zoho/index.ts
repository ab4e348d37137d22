export * from './types.js';
export { createZohoClient, defaultOwnerKey } from './client.js';
export type { ZohoClientOptions, ZohoClientConfig } from './client.js';
export { RateBudget, parseRateHeaders } from './rate-budget.js';
export type { RateBudgetOptions, Reservation, RateHeaders } from './rate-budget.js';
export { classifyResponse, readErrorBody, TITLE_TABLE, STATUS_TABLE } from './error-table.js';
export type { ErrorAction, Classification } from './error-table.js';
export { backoffMs, parseRetryAfterMs } from './backoff.js';
export { splitDateRange, flattenTimeLogs } from './endpoints/timelogs.js';
