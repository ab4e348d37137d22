/**
 * The admin API under `/__sandbox/` and its in-process mirror `sandbox.admin`. Tests, benches and users
 * read what a run really did here. Over HTTP every call needs `Authorization: Bearer <admin token>`
 * (the token printed as ZPETL_SANDBOX_ADMIN_TOKEN) and every POST/PUT an `application/json` body, so a
 * web page the user visits can neither read the credentials nor reset the sandbox. Every input is
 * validated in full (admin-input.ts) before anything changes; the in-process object needs no token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ZpetlError } from '../core/index.js';
import {
  adminInvalid,
  adminKind,
  advanceInput,
  authCodeInput,
  lockoutInput,
  parseAdminInput,
  resetInput,
  type AdminKind,
} from './admin-input.js';
import { bulkInsert, entityCounts, listKind } from './bulk.js';
import type { EndpointCounter, SandboxContext } from './context.js';
import type { FaultEngine, FaultState } from './faults.js';
import { json, type SandboxRequest, type SandboxResponse } from './http.js';
import { mintAuthCode, restoreTokens, revokeAll } from './oauth.js';
import { MAX_CLOCK_MS, type FaultSpec, type SandboxConfig } from './options.js';
import type { RateLimiter } from './rate-limit.js';
import { setPendingRestores } from './runtime-state.js';
import type { Credentials, SeedName } from './seed.js';
import { errorResponse, V3Error, type V3Title } from './v3-error.js';

export interface SandboxCounters {
  /** Keyed `METHOD /template` as in src/zoho/types.ts ENDPOINTS (plus `POST /oauth/v2/token`). */
  endpoints: Record<string, EndpointCounter>;
  entities: Record<string, number>;
}

export interface SandboxTime {
  nowMs: number;
  iso: string;
  scale: number;
}

export interface SandboxAdmin {
  counters(): SandboxCounters;
  /** The behaviour switches in effect (defaults with --config / --set / `config` applied): what a rehearsal runs against. */
  config(): SandboxConfig;
  /** Stored objects (V3 shapes) of one kind, optionally for one project. */
  entities(kind: AdminKind, opts?: { project?: string }): unknown[];
  /** Inserts V3-shaped objects directly (no auth, limits or faults); one transaction. */
  insert(kind: AdminKind, items: unknown[]): { inserted: number; ids: string[] };
  /** Wipes all entities and counters and seeds again; the OAuth credentials stay the same. */
  reset(seed?: SeedName): void;
  faults(): FaultState[];
  setFaults(specs: FaultSpec[]): void;
  clearFaults(): void;
  /** Revokes every access token and the refresh tokens (until restoreTokens). */
  revokeAllTokens(): void;
  restoreTokens(): void;
  /** Locks `endpoint` (`METHOD /template`) for `seconds` virtual seconds (default config.lockS) for `owner` (default every owner). */
  lockout(endpoint: string, seconds?: number, owner?: string): void;
  time(): SandboxTime;
  /** Moves the virtual clock forward by `ms`. */
  advanceTime(ms: number): SandboxTime;
  /** A grant code for the authorization_code flow (valid 180 virtual seconds by default). */
  mintAuthCode(opts?: { scopes?: string[]; ownerZpuid?: string; ttlS?: number }): string;
  credentials(): Credentials;
}

export interface AdminDeps {
  ctx: SandboxContext;
  limiter: RateLimiter;
  faults: FaultEngine;
  reseed(seed: SeedName): void;
  credentials(): Credentials;
  /** Every `METHOD /template` a lock-out may name. */
  endpoints: readonly string[];
}

export function createAdmin(d: AdminDeps): SandboxAdmin {
  const { ctx } = d;
  const time = (): SandboxTime => {
    const nowMs = ctx.clock.now();
    return { nowMs, iso: new Date(nowMs).toISOString(), scale: ctx.clock.scale };
  };
  return {
    config: () => ({ ...ctx.config }),
    counters: () => ({
      endpoints: Object.fromEntries([...ctx.counters].map(([k, v]) => [k, { ...v }])),
      entities: entityCounts(ctx),
    }),
    entities: (kind, opts = {}) => listKind(ctx, adminKind(kind), opts.project),
    insert: (kind, items) => bulkInsert(ctx, adminKind(kind), items),
    reset(seed) {
      const given = parseAdminInput(resetInput, seed === undefined ? {} : { seed }).seed;
      ctx.clock.now(); // renews the persisted clock mark outside the reseed transaction
      ctx.counters.clear();
      ctx.tokenRequests.clear();
      setPendingRestores(ctx, []);
      d.limiter.reset();
      d.reseed(given ?? (ctx.store.getMeta('seed') as SeedName | undefined) ?? 'demo');
    },
    faults: () => d.faults.list(),
    setFaults: (specs) => d.faults.set(specs),
    clearFaults: () => d.faults.clear(),
    revokeAllTokens: () => revokeAll(ctx, true),
    restoreTokens: () => restoreTokens(ctx),
    lockout(endpoint, seconds, owner) {
      const b = parseAdminInput(lockoutInput, { endpoint, ...(seconds !== undefined ? { seconds } : {}), ...(owner !== undefined ? { owner } : {}) });
      if (!d.endpoints.includes(b.endpoint)) throw adminInvalid('endpoint', 'METHOD /template of a sandbox endpoint, e.g. "POST /projects/{project}/tasks"', b.endpoint);
      d.limiter.lock(b.endpoint, b.seconds ?? ctx.config.lockS, b.owner ?? '*');
    },
    time,
    advanceTime(ms) {
      const b = parseAdminInput(advanceInput, { ms });
      const now = ctx.clock.now();
      if (now + b.ms > MAX_CLOCK_MS) throw adminInvalid('ms', `at most ${MAX_CLOCK_MS - now} (the clock stops at the end of year 9999)`, b.ms);
      ctx.clock.advance(b.ms);
      return time();
    },
    mintAuthCode(opts = {}) {
      const b = parseAdminInput(authCodeInput, opts);
      if (b.ownerZpuid !== undefined && !ctx.store.get('user', b.ownerZpuid)) throw adminInvalid('ownerZpuid', 'the zpuid of a portal user', b.ownerZpuid);
      return mintAuthCode(ctx, b);
    },
    credentials: () => d.credentials(),
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of a presented and the expected admin token (equal-length digests). */
function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

function adminError(req: SandboxRequest, status: number, title: V3Title, message: string, field?: string, headers: Record<string, string> = {}): SandboxResponse {
  return errorResponse(new V3Error(status, title, [{ message, ...(field !== undefined ? { field_name: field } : {}) }], headers), req.path, req.method);
}

function bodyOf(req: SandboxRequest): unknown {
  if (req.body.trim() === '') return {};
  try {
    return JSON.parse(req.body);
  } catch {
    throw new V3Error(400, 'JSON_PARSE_ERROR', [{ field_name: 'body', message: 'the body is not valid JSON' }]);
  }
}

/** The fields of a JSON object body (an array or a scalar is refused). */
function objectBody(req: SandboxRequest): Record<string, unknown> {
  const b = bodyOf(req);
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw adminInvalid('body', 'a JSON object', b);
  return b as Record<string, unknown>;
}

/**
 * Routes `/__sandbox/*`; returns undefined for every other path. Order: token (401), media type of a
 * POST/PUT (415), route (404), input (400).
 */
export function adminHandler(admin: SandboxAdmin, opts: { token: string }): (req: SandboxRequest) => SandboxResponse | undefined {
  return (req) => {
    if (!req.path.startsWith('/__sandbox/')) return undefined;
    const presented = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (presented === undefined || !tokenMatches(presented, opts.token)) {
      return adminError(
        req,
        401,
        'INVALID_ADMIN_TOKEN',
        `${presented === undefined ? 'missing' : 'wrong'} admin token: send Authorization: Bearer <ZPETL_SANDBOX_ADMIN_TOKEN>, the token zpetl sandbox printed`,
        'Authorization',
        { 'WWW-Authenticate': 'Bearer realm="zpetl sandbox admin"' },
      );
    }
    if (req.method === 'POST' || req.method === 'PUT') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        return adminError(req, 415, 'UNSUPPORTED_MEDIA_TYPE', `admin ${req.method} needs Content-Type: application/json, got ${type || 'none'}`, 'Content-Type');
      }
    }
    const parts = req.path.slice('/__sandbox/'.length).split('/');
    const route = `${req.method} ${parts[0]}${parts[1] && parts[0] !== 'entities' ? `/${parts[1]}` : ''}`;
    try {
      switch (route) {
        case 'GET counters':
          return json(200, admin.counters());
        case 'GET config':
          return json(200, admin.config());
        case 'GET entities': {
          const project = req.query.get('project') ?? undefined;
          return json(200, admin.entities(parts[1] as AdminKind, project !== undefined ? { project } : {}));
        }
        case 'POST entities':
          return json(200, admin.insert(adminKind(parts[1]), bodyOf(req) as unknown[]));
        case 'POST reset':
          admin.reset(parseAdminInput(resetInput, objectBody(req)).seed);
          return json(200, { ok: true, counters: admin.counters() });
        case 'GET faults':
          return json(200, admin.faults());
        case 'PUT faults':
          admin.setFaults(bodyOf(req) as FaultSpec[]);
          return json(200, admin.faults());
        case 'DELETE faults':
          admin.clearFaults();
          return json(200, []);
        case 'POST tokens/revoke-all':
          admin.revokeAllTokens();
          return json(200, { ok: true });
        case 'POST tokens/restore':
          admin.restoreTokens();
          return json(200, { ok: true });
        case 'POST tokens/auth-code':
          return json(200, { code: admin.mintAuthCode(parseAdminInput(authCodeInput, objectBody(req))) });
        case 'GET credentials':
          return json(200, admin.credentials());
        case 'POST lockout': {
          const b = parseAdminInput(lockoutInput, objectBody(req));
          admin.lockout(b.endpoint, b.seconds, b.owner);
          return json(200, { ok: true });
        }
        case 'GET time':
          return json(200, admin.time());
        case 'POST time/advance':
          return json(200, admin.advanceTime(parseAdminInput(advanceInput, objectBody(req)).ms));
        default:
          return adminError(req, 404, 'URL_RULE_NOT_CONFIGURED', `no admin route ${req.method} ${req.path}`);
      }
    } catch (e) {
      if (e instanceof V3Error) return errorResponse(e, req.path, req.method);
      if (e instanceof ZpetlError && (e.code === 'SANDBOX_ADMIN_INVALID' || e.code === 'SANDBOX_FAULTS_INVALID')) {
        return adminError(req, 400, 'INVALID_PARAMETER_VALUE', e.message, e.field);
      }
      throw e;
    }
  };
}
