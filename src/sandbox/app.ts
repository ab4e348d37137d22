/**
 * The request pipeline, socket-free: route → faults → auth → rate limit → scope → handler → headers.
 * Order follows what a client can observe on the real service: unknown URLs fail before auth,
 * the rate limit applies per token owner, scope checks after the limit took the call. Routing is
 * route-table.ts, the injected faults pre-fault.ts.
 */
import type { SandboxContext, EndpointCounter } from './context.js';
import type { FaultEngine } from './faults.js';
import { json, type SandboxRequest, type SandboxResponse } from './http.js';
import { authenticate, handleRevoke, handleToken, requireScope, restoreTokens } from './oauth.js';
import { postFault, preFault } from './pre-fault.js';
import type { RateLimiter } from './rate-limit.js';
import { createRouteTable, type RouteMatch } from './route-table.js';
import { setPendingRestores } from './runtime-state.js';
import type { Route } from './routes/common.js';
import { errorResponse, fail, V3Error } from './v3-error.js';

/** The endpoint key of the token grant (counted and faulted like any endpoint). */
export const TOKEN_ENDPOINT = 'POST /oauth/v2/token';

/** What the app is built from (src/sandbox/index.ts wires them). */
export interface AppDeps {
  ctx: SandboxContext;
  routes: Route[];
  limiter: RateLimiter;
  faults: FaultEngine;
  /** Admin API (`/__sandbox/...`), handled before anything else. */
  admin: (req: SandboxRequest) => SandboxResponse | undefined;
}

/** The socket-free sandbox: one request in, one response out (server.ts puts it on a socket). */
export interface App {
  handle(req: SandboxRequest): SandboxResponse;
}

/** Builds the request pipeline over the given routes, limiter, faults and admin API. */
export function createApp(deps: AppDeps): App {
  const { ctx, limiter } = deps;
  const table = createRouteTable(deps.routes);

  const counter = (key: string): EndpointCounter => {
    let c = ctx.counters.get(key);
    if (!c) ctx.counters.set(key, (c = { calls: 0, ok: 0, rateLimited: 0, errors: 0 }));
    return c;
  };
  const tally = (key: string | undefined, res: SandboxResponse, limited = false) => {
    if (!key) return;
    const c = counter(key);
    c.calls++;
    if (limited) c.rateLimited++;
    else if (res.status >= 200 && res.status < 300 && !res.socket && !isErrorBody(res.body)) c.ok++;
    else c.errors++;
  };

  const runRestores = () => {
    const now = ctx.clock.now();
    const due = ctx.pendingRestores.filter((t) => t <= now);
    if (due.length) {
      restoreTokens(ctx);
      setPendingRestores(ctx, ctx.pendingRestores.filter((t) => t > now));
    }
  };

  const api = (req: SandboxRequest): SandboxResponse => {
    let match: RouteMatch | undefined;
    try {
      match = table.match(req);
    } catch (e) {
      if (e instanceof V3Error) return errorResponse(e, req.path, req.method);
      throw e;
    }
    if (!match) return errorResponse(fail.noRoute(req.path), req.path, req.method);
    const { key, route } = match;

    const pre = preFault(deps, req, key);
    if (pre.res) {
      tally(key, pre.res);
      return pre.res;
    }
    let rateHeaders: Record<string, string> = {};
    let res: SandboxResponse;
    let limited = false;
    try {
      if (match.portal !== undefined && match.portal !== ctx.portalId()) {
        throw fail.invalid('portal_id', `no portal with id ${match.portal} for this user`);
      }
      const caller = authenticate(ctx, req);
      const decision = limiter.take(caller.ownerZpuid, key);
      rateHeaders = decision.headers;
      if (!decision.allowed) {
        limited = true;
        res = throttledResponse(ctx, decision.retryAfterS ?? 1, decision.headers, req);
      } else {
        if (!route) throw fail.method(req.method);
        requireScope(ctx, caller, route.scope);
        const params = match.params();
        const run = () => ctx.store.db.transaction(() => route.handle({ ctx, req, params, caller }))();
        if (pre.fault?.kind === 'late-commit') {
          const lateRes = lateCommit(ctx, run, pre.fault.delayMs ?? 5000);
          tally(key, lateRes);
          return lateRes;
        }
        res = run();
      }
    } catch (e) {
      if (!(e instanceof V3Error)) throw e;
      res = errorResponse(e, req.path, req.method);
    }
    res.headers = { ...rateHeaders, ...res.headers };
    postFault(pre.fault, res);
    tally(key, res, limited);
    return res;
  };

  const oauth = (req: SandboxRequest): SandboxResponse => {
    const key = req.path === '/oauth/v2/token' ? TOKEN_ENDPOINT : 'POST /oauth/v2/token/revoke';
    const pre = preFault(deps, req, key);
    if (pre.res) {
      tally(key, pre.res);
      return pre.res;
    }
    const res = req.path === '/oauth/v2/token' ? handleToken(ctx, req) : handleRevoke(ctx, req);
    postFault(pre.fault, res);
    tally(key, res);
    return res;
  };

  return {
    handle(req) {
      runRestores();
      const adminRes = deps.admin(req);
      if (adminRes) return adminRes;
      if ((req.path === '/oauth/v2/token' || req.path === '/oauth/v2/token/revoke') && req.method === 'POST') {
        return oauth(req);
      }
      if (req.path.startsWith('/oauth/')) return json(404, { error: 'invalid_request' });
      return api(req);
    },
  };
}

/** The answer of a call the rate limit refused, in the configured style. */
function throttledResponse(ctx: SandboxContext, retryAfterS: number, headers: Record<string, string>, req: SandboxRequest): SandboxResponse {
  if (ctx.config.throttleStyle === '400-rolling') {
    // The observed form carries no Retry-After (docs/zoho-api-notes.md#rate-limits, [WQ]: clients waited ~9 minutes blind).
    return errorResponse(
      new V3Error(400, 'URL_ROLLING_THROTTLES_LIMIT_EXCEEDED', [{ message: 'URL rolling throttles limit exceeded' }], headers),
      req.path,
      req.method,
    );
  }
  return errorResponse(
    new V3Error(429, 'RATE_LIMIT_EXCEEDED', [{ message: `rate limit exceeded; retry after ${retryAfterS} seconds` }], {
      ...headers,
      'Retry-After': String(retryAfterS),
    }),
    req.path,
    req.method,
  );
}

/** A `late-commit` fault: authenticated and counted now; the write lands after the client has given up (no answer). */
function lateCommit(ctx: SandboxContext, run: () => unknown, ms: number): SandboxResponse {
  return {
    status: 0,
    headers: {},
    socket: {
      kind: 'late',
      ms,
      commit: () => {
        ctx.clock.now(); // renews the persisted clock mark before the write's transaction
        try {
          run();
        } catch (e) {
          if (!(e instanceof V3Error)) throw e;
        }
      },
    },
  };
}

function isErrorBody(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && 'error' in body;
}
