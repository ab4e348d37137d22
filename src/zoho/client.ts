/**
 * `createZohoClient(config, options)`: the typed Zoho Projects V3 client every loader and the payroll
 * export stand on. See auth.ts (tokens), rate-budget.ts (pacing), transport.ts (retries, in-doubt),
 * error-table.ts (status → action) and endpoints/* (wire shapes).
 */
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.js';
import { registerSecret } from '../core/redact.js';
import type { ZohoConfig } from '../config/load-config.js';
import { createAuthManager } from './auth.js';
import { milestonesEndpoints } from './endpoints/milestones.js';
import { portalsEndpoints } from './endpoints/portals.js';
import { projectsEndpoints } from './endpoints/projects.js';
import { tasklistsEndpoints } from './endpoints/tasklists.js';
import { tasksEndpoints } from './endpoints/tasks.js';
import { timelogsEndpoints } from './endpoints/timelogs.js';
import { usersEndpoints } from './endpoints/users.js';
import { RateBudget } from './rate-budget.js';
import { createTransport } from './transport.js';
import type { BudgetStore } from '../core/budget-store.js';
import type { ClientEvent, EndpointTemplate, ZohoClient } from './types.js';

/** The parts of the configuration the client reads (ZohoConfig satisfies it). */
export type ZohoClientConfig = Pick<ZohoConfig, 'clientId' | 'clientSecret' | 'refreshToken' | 'portalId' | 'apiUrl' | 'accountsUrl'>;

export interface ZohoClientOptions {
  /** Time source for pacing, backoff and token expiry (default: system clock). */
  clock?: Clock;
  /** Persists the rate budget (default: none, memory only). Use createSqliteBudgetStore(db). */
  budgetStore?: BudgetStore;
  /** Concurrent HTTP calls across all endpoints (default 4). */
  concurrency?: number;
  /** Per-attempt timeout, real ms (default 30 000). */
  timeoutMs?: number;
  /** Fraction of each endpoint's limit left unused (default DEFAULT_HEADROOM in rate-limit.ts). */
  headroom?: number;
  /** Retries of 5xx / network failures per call (default 5). Rate-limit waits are counted apart (3). */
  maxRetries?: number;
  /** fetch implementation (default: global fetch). */
  fetch?: typeof fetch;
  /**
   * Identifies the token owner in the budget key `portal|owner|METHOD /template`. Default: a short
   * SHA-256 digest of client id + refresh token (never the token itself), so that a restarted run
   * with the same credentials finds its budget again.
   */
  ownerKey?: string;
  /** Documented limit per window and window length, ms (default ZOHO_RATE_LIMIT in rate-limit.ts): overridable for other tiers. */
  limit?: number;
  windowMs?: number;
  /** Lock after a throttle answer without Retry-After, ms (default ZOHO_RATE_LIMIT.lockMs). */
  lockMs?: number;
  /** Extra ms a call stays in our window past the server's (default 500). */
  marginMs?: number;
  /** Refresh the access token this long before expiry, ms (default 300 000). */
  refreshBeforeMs?: number;
  /** Backoff: first ceiling (default 1000 ms) and cap (default 60 000 ms). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Items per list page (default 100). */
  perPage?: number;
  /** Random source for jitter (tests). */
  random?: () => number;
}

/** Default owner key: not reversible to the refresh token, stable across restarts. */
export function defaultOwnerKey(config: Pick<ZohoConfig, 'clientId' | 'refreshToken'>): string {
  return createHash('sha256').update(`${config.clientId}\n${config.refreshToken}`).digest('hex').slice(0, 16);
}

export function createZohoClient(config: ZohoClientConfig, options: ZohoClientOptions = {}): ZohoClient {
  registerSecret(config.clientSecret);
  registerSecret(config.refreshToken);
  const clock = options.clock ?? systemClock;
  const abort = new AbortController();
  const listeners = new Set<(e: ClientEvent) => void>();
  const emit = (e: ClientEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        /* a listener's failure must not break a call */
      }
    }
  };
  const budget = new RateBudget({
    clock,
    store: options.budgetStore,
    limit: options.limit,
    windowMs: options.windowMs,
    headroom: options.headroom,
    lockMs: options.lockMs,
    marginMs: options.marginMs,
  });
  const auth = createAuthManager({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    refreshToken: config.refreshToken,
    accountsUrl: config.accountsUrl,
    clock,
    fetch: options.fetch ?? fetch,
    refreshBeforeMs: options.refreshBeforeMs,
    timeoutMs: options.timeoutMs,
    random: options.random,
    signal: abort.signal,
    onRefresh: (ok, durationMs) => emit({ type: 'token-refresh', ok, durationMs }),
    onThrottled: (waitMs) => emit({ type: 'auth-throttled', waitMs }),
  });
  const transport = createTransport({
    apiUrl: config.apiUrl,
    portalId: config.portalId,
    ownerKey: options.ownerKey ?? defaultOwnerKey(config),
    clock,
    auth,
    budget,
    fetch: options.fetch ?? fetch,
    emit,
    signal: abort.signal,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    backoffBaseMs: options.backoffBaseMs,
    backoffCapMs: options.backoffCapMs,
    random: options.random,
  });
  const perPage = options.perPage ?? 100;
  return {
    portalId: config.portalId,
    portals: portalsEndpoints(transport),
    projects: projectsEndpoints(transport, perPage),
    milestones: milestonesEndpoints(transport, perPage),
    tasklists: tasklistsEndpoints(transport, perPage),
    tasks: tasksEndpoints(transport, perPage),
    users: usersEndpoints(transport, perPage),
    timelogs: timelogsEndpoints(transport, perPage),
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stats: () => transport.stats(),
    estimateWaitMs: (endpoint: EndpointTemplate, calls: number) => budget.waitMs(transport.keyFor(endpoint), Math.max(1, calls)),
    budgetFor: (endpoint: EndpointTemplate) => budget.budgetFor(transport.keyFor(endpoint)),
    async close() {
      abort.abort(new Error('Zoho client closed'));
      listeners.clear();
    },
  };
}
