/**
 * The request pipeline, socket-free: route → faults → auth → rate limit → scope → handler → headers.
 * Order follows what a client can observe on the real service: unknown URLs fail before auth,
 * the rate limit applies per token owner, scope checks after the limit took the call.
 */
import type { SandboxContext, EndpointCounter } from './context.js';
import type { FaultEngine } from './faults.js';
import { json, type SandboxRequest, type SandboxResponse } from './http.js';
import { authenticate, handleRevoke, handleToken, requireScope, revokeAll, restoreTokens } from './oauth.js';
import type { RateLimiter } from './rate-limit.js';
import { setPendingRestores } from './runtime-state.js';
import type { Route } from './routes/common.js';
import { errorResponse, fail, V3Error, v3ErrorBody } from './v3-error.js';

interface Compiled {
  route: Route;
  re: RegExp;
  names: string[];
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const src = route.template.replace(/\{(\w+)\}/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { route, re: new RegExp(`^${src}$`), names };
}

export const TOKEN_ENDPOINT = 'POST /oauth/v2/token';

export interface AppDeps {
  ctx: SandboxContext;
  routes: Route[];
  limiter: RateLimiter;
  faults: FaultEngine;
  /** Admin API (`/__sandbox/...`), handled before anything else. */
  admin: (req: SandboxRequest) => SandboxResponse | undefined;
}

export interface App {
  handle(req: SandboxRequest): SandboxResponse;
}

interface Resolved {
  version: 'v3' | 'v3.1';
  sub: string;
  portal?: string;
}

/** A decoded path segment; malformed percent-encoding (`%E0%A4%A`) is the client's error: 400. */
function decodeSegment(segment: string, path: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new V3Error(400, 'URL_RULE_NOT_CONFIGURED', [{ message: `malformed percent-encoding in ${segment} of the path ${path}` }]);
  }
}

function splitApiPath(path: string): Resolved | undefined {
  if (path === '/api/v3/portals') return { version: 'v3', sub: '/portals' };
  const m = /^\/api\/(v3|v3\.1)\/portal\/([^/]+)(\/.*)$/.exec(path);
  if (!m) return undefined;
  return { version: m[1] as 'v3' | 'v3.1', portal: decodeSegment(m[2]!, path), sub: m[3]! };
}

export function createApp(deps: AppDeps): App {
  const { ctx, limiter, faults } = deps;
  const compiled = deps.routes.map(compile);

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

  /** Applies a pre-handler fault; returns a response when the fault replaces the answer. */
  const preFault = (req: SandboxRequest, key: string) => {
    const f = faults.pick(req.method, key, key.includes('/oauth/'));
    if (!f) return { fault: undefined, res: undefined };
    const errBody = (status: number) =>
      v3ErrorBody(status, 'INTERNAL_SERVER_ERROR', [{ message: 'Internal server error (sandbox fault)' }], req.path, req.method);
    switch (f.kind) {
      case 'status':
        return { fault: f, res: json(f.status ?? 500, errBody(f.status ?? 500)) };
      case 'error-200':
        return { fault: f, res: json(200, errBody(500)) };
      case 'reset-before':
        return { fault: f, res: { status: 0, headers: {}, socket: { kind: 'reset' } } as SandboxResponse };
      case 'revoke':
        revokeAll(ctx, f.refreshTokens === true);
        if (f.refreshTokens && f.restoreAfterMs) setPendingRestores(ctx, [...ctx.pendingRestores, ctx.clock.now() + f.restoreAfterMs]);
        return { fault: f, res: undefined };
      case 'lockout':
        limiter.lock(key, f.lockoutS ?? ctx.config.lockS, '*'); // every owner: a forced lock-out of the endpoint
        return { fault: f, res: undefined };
      default:
        return { fault: f, res: undefined }; // reset-after, slow: applied after the handler; late-commit: instead of it
    }
  };

  const throttledResponse = (retryAfterS: number, headers: Record<string, string>, req: SandboxRequest) => {
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
    let where;
    try {
      where = splitApiPath(req.path);
    } catch (e) {
      if (e instanceof V3Error) return errorResponse(e, req.path, req.method);
      throw e;
    }
    if (!where) return errorResponse(fail.noRoute(req.path), req.path, req.method);
    const candidates = compiled.filter((c) => (c.route.version ?? 'v3') === where.version && c.re.test(where.sub));
    const hit = candidates.find((c) => c.route.method === req.method);
    const template = (hit ?? candidates[0])?.route.template;
    if (!template) return errorResponse(fail.noRoute(req.path), req.path, req.method);
    const key = `${req.method} ${template}`;

    const pre = preFault(req, key);
    if (pre.res) {
      tally(key, pre.res);
      return pre.res;
    }
    let rateHeaders: Record<string, string> = {};
    let res: SandboxResponse;
    let limited = false;
    try {
      if (where.portal !== undefined && where.portal !== ctx.portalId()) {
        throw fail.invalid('portal_id', `no portal with id ${where.portal} for this user`);
      }
      const caller = authenticate(ctx, req);
      const decision = limiter.take(caller.ownerZpuid, key);
      rateHeaders = decision.headers;
      if (!decision.allowed) {
        limited = true;
        res = throttledResponse(decision.retryAfterS ?? 1, decision.headers, req);
      } else {
        if (!hit) throw fail.method(req.method);
        requireScope(ctx, caller, hit.route.scope);
        const m = hit.re.exec(where.sub)!;
        const params: Record<string, string> = {};
        hit.names.forEach((n, i) => (params[n] = decodeSegment(m[i + 1]!, req.path)));
        const run = () => ctx.store.db.transaction(() => hit.route.handle({ ctx, req, params, caller }))();
        if (pre.fault?.kind === 'late-commit') {
          // Authenticated and counted now; the write lands after the client has given up (no answer).
          const lateRes: SandboxResponse = {
            status: 0,
            headers: {},
            socket: {
              kind: 'late',
              ms: pre.fault.delayMs ?? 5000,
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
    if (pre.fault?.kind === 'reset-after') res.socket = { kind: 'reset' };
    if (pre.fault?.kind === 'slow') res.socket = { kind: 'delay', ms: pre.fault.delayMs ?? 5000 };
    tally(key, res, limited);
    return res;
  };

  const oauth = (req: SandboxRequest): SandboxResponse => {
    const key = req.path === '/oauth/v2/token' ? TOKEN_ENDPOINT : 'POST /oauth/v2/token/revoke';
    const pre = preFault(req, key);
    if (pre.res) {
      tally(key, pre.res);
      return pre.res;
    }
    const res = req.path === '/oauth/v2/token' ? handleToken(ctx, req) : handleRevoke(ctx, req);
    if (pre.fault?.kind === 'reset-after') res.socket = { kind: 'reset' };
    if (pre.fault?.kind === 'slow') res.socket = { kind: 'delay', ms: pre.fault.delayMs ?? 5000 };
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

function isErrorBody(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && 'error' in body;
}
