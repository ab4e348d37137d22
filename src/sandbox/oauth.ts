/**
 * The accounts side (docs/zoho-api-notes.md#oauth-and-tokens): POST /oauth/v2/token (refresh_token, authorization_code, client_credentials),
 * POST /oauth/v2/token/revoke, and validation of `Authorization` headers on the API side.
 * Zoho's accounts server answers most errors with HTTP 200 and an `error` key (docs/zoho-api-notes.md#token-errors).
 */
import { randomBytes } from 'node:crypto';
import type { Caller, SandboxContext } from './context.js';
import { formBody, json, type SandboxRequest, type SandboxResponse } from './http.js';
import { V3Error } from './v3-error.js';

/** The body Zoho sends when a refresh token asks too often, in Zoho's exact words (docs/zoho-api-notes.md#token-errors). */
export const ACCESS_DENIED_BODY = {
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
} as const;

/** Scopes the toolkit needs (docs/zoho-api-notes.md#scopes); the seeded credentials carry them. */
export const DEFAULT_SCOPES = [
  'ZohoProjects.portals.READ',
  'ZohoProjects.projects.ALL',
  'ZohoProjects.milestones.ALL',
  'ZohoProjects.tasklists.ALL',
  'ZohoProjects.tasks.ALL',
  'ZohoProjects.timesheets.ALL',
  'ZohoProjects.users.ALL',
];

const API_DOMAIN = 'https://www.zohoapis.com';

export function newToken(): string {
  return `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
}

function params(req: SandboxRequest): URLSearchParams {
  const p = new URLSearchParams(req.query);
  const form = formBody(req);
  if (form) for (const [k, v] of form) p.set(k, v);
  return p;
}

interface ClientRow {
  client_id: string;
  client_secret: string;
  owner_zpuid: string;
  scopes: string;
}
interface RefreshRow {
  token: string;
  client_id: string;
  owner_zpuid: string;
  scopes: string;
  revoked: number;
}
interface AccessRow {
  token: string;
  owner_zpuid: string;
  scopes: string;
  expires_ms: number;
  revoked: number;
}

/** True when `key` may ask for another token now; records the request when it may. */
function takeTokenRequest(ctx: SandboxContext, key: string): boolean {
  const now = ctx.clock.now();
  const windowMs = ctx.config.tokenRequestWindowS * 1000;
  const times = (ctx.tokenRequests.get(key) ?? []).filter((t) => t > now - windowMs);
  if (times.length >= ctx.config.tokenRequestLimit) {
    ctx.tokenRequests.set(key, times);
    return false;
  }
  times.push(now);
  ctx.tokenRequests.set(key, times);
  return true;
}

function mintAccess(ctx: SandboxContext, clientId: string, owner: string, scopes: string, refresh: string | null) {
  const db = ctx.store;
  const now = ctx.clock.now();
  const token = newToken();
  ctx.store.stmt(
    'INSERT INTO access_tokens(token, refresh_token, client_id, owner_zpuid, scopes, expires_ms, created_ms) VALUES (?,?,?,?,?,?,?)',
  ).run(token, refresh, clientId, owner, scopes, now + ctx.config.tokenLifetimeS * 1000, now);
  if (refresh) {
    // The oldest active token is invalidated past the cap (docs/zoho-api-notes.md#token-limits).
    const active = db
      .stmt<[string, number], { token: string }>(
        'SELECT token FROM access_tokens WHERE refresh_token = ? AND revoked = 0 AND expires_ms > ? ORDER BY created_ms, rowid',
      )
      .all(refresh, now);
    const excess = active.length - ctx.config.maxActiveAccessTokens;
    for (const row of active.slice(0, Math.max(0, excess))) {
      ctx.store.stmt('UPDATE access_tokens SET revoked = 1 WHERE token = ?').run(row.token);
    }
  }
  return token;
}

function tokenReply(ctx: SandboxContext, access: string, extra: Record<string, unknown> = {}): SandboxResponse {
  return json(200, {
    access_token: access,
    ...extra,
    api_domain: API_DOMAIN,
    token_type: 'Bearer',
    expires_in: Math.round(ctx.config.tokenLifetimeS),
  });
}

const throttled = (ctx: SandboxContext) => json(ctx.config.tokenThrottleStatus, { ...ACCESS_DENIED_BODY });

export function handleToken(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const p = params(req);
  const db = ctx.store;
  const client = ctx.store
    .stmt<[string], ClientRow>('SELECT * FROM clients WHERE client_id = ?')
    .get(p.get('client_id') ?? '');
  if (!client || client.client_secret !== p.get('client_secret')) return json(200, { error: 'invalid_client' });
  const grant = p.get('grant_type');
  if (grant === 'refresh_token') {
    const row = db
      .stmt<[string], RefreshRow>('SELECT * FROM refresh_tokens WHERE token = ?')
      .get(p.get('refresh_token') ?? '');
    if (!row || row.revoked !== 0) return json(200, { error: 'invalid_code' });
    if (row.client_id !== client.client_id) return json(200, { error: 'invalid_client' });
    if (!takeTokenRequest(ctx, `refresh:${row.token}`)) return throttled(ctx);
    return tokenReply(ctx, mintAccess(ctx, client.client_id, row.owner_zpuid, row.scopes, row.token));
  }
  if (grant === 'authorization_code') {
    const code = db
      .stmt<[string], { code: string; client_id: string; owner_zpuid: string; scopes: string; expires_ms: number; used: number }>(
        'SELECT * FROM auth_codes WHERE code = ?',
      )
      .get(p.get('code') ?? '');
    if (!code || code.used || code.expires_ms <= ctx.clock.now() || code.client_id !== client.client_id) {
      return json(200, { error: 'invalid_code' });
    }
    if (!takeTokenRequest(ctx, `code:${client.client_id}`)) return throttled(ctx);
    ctx.store.stmt('UPDATE auth_codes SET used = 1 WHERE code = ?').run(code.code);
    const refresh = newToken();
    ctx.store.stmt(
      'INSERT INTO refresh_tokens(token, client_id, owner_zpuid, scopes, created_ms) VALUES (?,?,?,?,?)',
    ).run(refresh, client.client_id, code.owner_zpuid, code.scopes, ctx.clock.now());
    const live = db
      .stmt<[string, string], { token: string }>(
        'SELECT token FROM refresh_tokens WHERE client_id = ? AND owner_zpuid = ? AND revoked = 0 ORDER BY created_ms, rowid',
      )
      .all(client.client_id, code.owner_zpuid);
    for (const old of live.slice(0, Math.max(0, live.length - ctx.config.maxRefreshTokensPerUser))) {
      db.stmt('UPDATE refresh_tokens SET revoked = 1 WHERE token = ?').run(old.token);
      db.stmt('UPDATE access_tokens SET revoked = 1 WHERE refresh_token = ?').run(old.token);
    }
    const access = mintAccess(ctx, client.client_id, code.owner_zpuid, code.scopes, refresh);
    return tokenReply(ctx, access, { refresh_token: refresh, scope: code.scopes.split(',').join(' ') });
  }
  if (grant === 'client_credentials') {
    const scopes = p.get('scope') ?? client.scopes;
    if (!takeTokenRequest(ctx, `client:${client.client_id}`)) return throttled(ctx);
    const access = mintAccess(ctx, client.client_id, client.owner_zpuid, scopes, null);
    return tokenReply(ctx, access, { scope: scopes.split(',').join(' ') });
  }
  return json(200, { error: 'unsupported_grant_type' });
}

/** POST /oauth/v2/token/revoke?token=… revokes a refresh token (and its access tokens) or one access token. */
export function handleRevoke(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const token = params(req).get('token') ?? '';
  const db = ctx.store;
  const r = ctx.store.stmt('UPDATE refresh_tokens SET revoked = 1 WHERE token = ?').run(token);
  ctx.store.stmt('UPDATE access_tokens SET revoked = 1 WHERE token = ? OR refresh_token = ?').run(token, token);
  return json(200, r.changes > 0 || token ? { status: 'success' } : { error: 'invalid_token' });
}

/** Reads the caller from `Authorization: Zoho-oauthtoken …` or `Bearer …` (docs/zoho-api-notes.md#authorization-header); never from the query. */
export function authenticate(ctx: SandboxContext, req: SandboxRequest): Caller {
  const header = req.headers.authorization ?? '';
  const m = /^(?:zoho-oauthtoken|bearer)\s+(\S+)\s*$/i.exec(header);
  const bad = (message: string) =>
    new V3Error(ctx.config.invalidTokenStatus, 'INVALID_OAUTHTOKEN', [{ message }]);
  if (!m) throw bad('Invalid OAuth access token: missing Authorization header');
  const row = ctx.store
    .stmt<[string], AccessRow>('SELECT * FROM access_tokens WHERE token = ?')
    .get(m[1]!);
  if (!row || row.revoked) throw bad('Invalid OAuth access token');
  if (row.expires_ms <= ctx.clock.now()) throw bad('OAuth access token expired; regenerate it');
  return { ownerZpuid: row.owner_zpuid, scopes: row.scopes.split(/[,\s]+/).filter(Boolean), token: row.token };
}

/** `needed` like `projects.CREATE`; granted by `ZohoProjects.projects.CREATE` or `.ALL` (case-insensitive, docs/zoho-api-notes.md#scopes). */
export function requireScope(ctx: SandboxContext, caller: Caller, needed: string): void {
  const [module, op] = needed.toLowerCase().split('.') as [string, string];
  const ok = caller.scopes.some((s) => {
    const l = s.toLowerCase();
    return l === `zohoprojects.${module}.${op}` || l === `zohoprojects.${module}.all`;
  });
  if (!ok) {
    throw new V3Error(401, 'INVALID_OAUTHSCOPE', [
      { message: `the access token lacks scope ZohoProjects.${needed}` },
    ]);
  }
}

/** Admin: creates a grant code for the authorization_code flow. */
export function mintAuthCode(ctx: SandboxContext, opts: { scopes?: string[]; ownerZpuid?: string; ttlS?: number } = {}) {
  const client = ctx.store.db.prepare<[], ClientRow>('SELECT * FROM clients LIMIT 1').get();
  if (!client) throw new Error('sandbox has no OAuth client');
  const code = newToken();
  ctx.store
    .stmt('INSERT INTO auth_codes(code, client_id, owner_zpuid, scopes, expires_ms) VALUES (?,?,?,?,?)')
    .run(
      code,
      client.client_id,
      opts.ownerZpuid ?? client.owner_zpuid,
      (opts.scopes ?? DEFAULT_SCOPES).join(','),
      ctx.clock.now() + (opts.ttlS ?? 180) * 1000,
    );
  return code;
}

/** Admin: revokes every access token and (admin-revocably, revoked = 2) every refresh token. */
export function revokeAll(ctx: SandboxContext, refreshTokens = true): void {
  ctx.store.stmt('UPDATE access_tokens SET revoked = 1 WHERE revoked = 0').run();
  if (refreshTokens) ctx.store.stmt('UPDATE refresh_tokens SET revoked = 2 WHERE revoked = 0').run();
}

/** Admin: undoes revokeAll for refresh tokens (tokens revoked through the revoke endpoint stay revoked). */
export function restoreTokens(ctx: SandboxContext): void {
  ctx.store.stmt('UPDATE refresh_tokens SET revoked = 0 WHERE revoked = 2').run();
}
