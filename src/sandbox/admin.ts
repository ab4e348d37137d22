/**
 * The admin API under `/__sandbox/` (no auth; apart from every Zoho path) and its in-process mirror
 * `sandbox.admin`. Tests, benches and users read what a run really did here.
 */
import type { EndpointCounter, SandboxContext } from './context.js';
import { ADMIN_KINDS, AdminInputError, bulkInsert, entityCounts, listKind, type AdminKind } from './bulk.js';
import type { FaultEngine, FaultState } from './faults.js';
import { json, type SandboxRequest, type SandboxResponse } from './http.js';
import { mintAuthCode, restoreTokens, revokeAll } from './oauth.js';
import type { FaultSpec } from './options.js';
import type { RateLimiter } from './rate-limit.js';
import type { Credentials, SeedName } from './seed.js';
import { ZpetlError } from '../core/index.js';

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
}

export function createAdmin(d: AdminDeps): SandboxAdmin {
  const { ctx } = d;
  const time = (): SandboxTime => ({ nowMs: ctx.clock.now(), iso: new Date(ctx.clock.now()).toISOString(), scale: ctx.clock.scale });
  return {
    counters: () => ({
      endpoints: Object.fromEntries([...ctx.counters].map(([k, v]) => [k, { ...v }])),
      entities: entityCounts(ctx),
    }),
    entities: (kind, opts = {}) => listKind(ctx, kind, opts.project),
    insert: (kind, items) => bulkInsert(ctx, kind, items),
    reset(seed = (ctx.store.getMeta('seed') as SeedName | undefined) ?? 'demo') {
      ctx.counters.clear();
      ctx.tokenRequests.clear();
      ctx.pendingRestores = [];
      d.limiter.reset();
      d.reseed(seed);
    },
    faults: () => d.faults.list(),
    setFaults: (specs) => d.faults.set(specs),
    clearFaults: () => d.faults.clear(),
    revokeAllTokens: () => revokeAll(ctx, true),
    restoreTokens: () => restoreTokens(ctx),
    lockout: (endpoint, seconds = ctx.config.lockS, owner = '*') => d.limiter.lock(endpoint, seconds, owner),
    time,
    advanceTime(ms) {
      ctx.clock.advance(ms);
      return time();
    },
    mintAuthCode: (opts) => mintAuthCode(ctx, opts),
    credentials: () => d.credentials(),
  };
}

function bodyOf(req: SandboxRequest): unknown {
  if (req.body.trim() === '') return {};
  try {
    return JSON.parse(req.body);
  } catch {
    throw new AdminInputError('body is not valid JSON');
  }
}

/** Routes `/__sandbox/*`; returns undefined for every other path. */
export function adminHandler(admin: SandboxAdmin): (req: SandboxRequest) => SandboxResponse | undefined {
  return (req) => {
    if (!req.path.startsWith('/__sandbox/')) return undefined;
    const parts = req.path.slice('/__sandbox/'.length).split('/');
    const route = `${req.method} ${parts[0]}${parts[1] && parts[0] !== 'entities' ? `/${parts[1]}` : ''}`;
    try {
      switch (route) {
        case 'GET counters':
          return json(200, admin.counters());
        case 'GET entities':
        case 'POST entities': {
          const kind = parts[1] as AdminKind;
          if (!ADMIN_KINDS.includes(kind)) throw new AdminInputError(`unknown entity kind ${parts[1]}; one of ${ADMIN_KINDS.join(', ')}`);
          if (req.method === 'GET') {
            const project = req.query.get('project') ?? undefined;
            return json(200, admin.entities(kind, project !== undefined ? { project } : {}));
          }
          return json(200, admin.insert(kind, bodyOf(req) as unknown[]));
        }
        case 'POST reset': {
          const seed = (bodyOf(req) as { seed?: unknown }).seed;
          if (seed !== undefined && seed !== 'demo' && seed !== 'empty') throw new AdminInputError('seed must be demo or empty');
          admin.reset(seed);
          return json(200, { ok: true, counters: admin.counters() });
        }
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
        case 'POST tokens/auth-code': {
          const b = bodyOf(req) as { scopes?: string[]; ownerZpuid?: string; ttlS?: number };
          return json(200, { code: admin.mintAuthCode(b) });
        }
        case 'GET credentials':
          return json(200, admin.credentials());
        case 'POST lockout': {
          const b = bodyOf(req) as { endpoint?: unknown; seconds?: unknown; owner?: unknown };
          if (typeof b.endpoint !== 'string') throw new AdminInputError('endpoint (METHOD /template) is required');
          if (b.seconds !== undefined && !(typeof b.seconds === 'number' && b.seconds > 0)) {
            throw new AdminInputError('seconds must be a positive number');
          }
          admin.lockout(b.endpoint, b.seconds as number | undefined, typeof b.owner === 'string' ? b.owner : undefined);
          return json(200, { ok: true });
        }
        case 'GET time':
          return json(200, admin.time());
        case 'POST time/advance': {
          const ms = (bodyOf(req) as { ms?: unknown }).ms;
          if (typeof ms !== 'number' || !(ms >= 0)) throw new AdminInputError('ms must be a number >= 0');
          return json(200, admin.advanceTime(ms));
        }
        default:
          return json(404, { error: `no admin route ${req.method} ${req.path}` });
      }
    } catch (e) {
      if (e instanceof AdminInputError || e instanceof ZpetlError) return json(400, { error: e.message });
      throw e;
    }
  };
}
