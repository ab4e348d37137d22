/**
 * OAuth access tokens for the Zoho client (docs/zoho-api-notes.md#oauth-and-tokens). Tokens live in memory only.
 * - refresh at least `refreshBeforeMs` (default 5 min) before expiry;
 * - one refresh in flight, shared by every concurrent request;
 * - `invalid_code` (HTTP 200 with an error field!) is fatal, naming the likely causes;
 * - the `Access Denied` throttle (10 refreshes per 10 min) waits instead of hammering, and keeps
 *   using the current token while it is still valid;
 * - `invalidate(token)` after a 401 forces the next `token()` to refresh, once per bad token.
 */
import type { Clock } from '../core/clock.js';
import { ZpetlError } from '../core/errors.js';
import { redact, registerSecret } from '../core/redact.js';
import { backoffMs } from './backoff.js';

export interface AuthOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Accounts root, e.g. https://accounts.zoho.com (the client appends /oauth/v2/token). */
  accountsUrl: string;
  clock: Clock;
  fetch: typeof fetch;
  /** Refresh this long before expiry, in ms (default 300 000). */
  refreshBeforeMs?: number;
  /** Wait after an `Access Denied` throttle answer, in ms, doubled per repeat (default 60 000). */
  throttleWaitMs?: number;
  /** Give up (fatal ZOHO_AUTH_THROTTLED) after this much waiting on the throttle, in ms (default 1 260 000 = 21 min). */
  maxThrottleWaitMs?: number;
  /** Network / 5xx retries of the token call (default 4). */
  maxRetries?: number;
  /** Per-request timeout in real ms (default 30 000). */
  timeoutMs?: number;
  random?: () => number;
  signal?: AbortSignal;
  onRefresh?: (ok: boolean, durationMs: number) => void;
  onThrottled?: (waitMs: number) => void;
}

interface Token {
  value: string;
  expiresAtMs: number;
}

export interface AuthManager {
  /** A valid access token, refreshing when needed. */
  token(): Promise<string>;
  /** Marks `token` as rejected by the API (401 / INVALID_OAUTHTOKEN): the next call refreshes. */
  invalidate(token: string): void;
}

export function createAuthManager(o: AuthOptions): AuthManager {
  const refreshBefore = o.refreshBeforeMs ?? 300_000;
  const throttleWait = o.throttleWaitMs ?? 60_000;
  const maxThrottleWait = o.maxThrottleWaitMs ?? 1_260_000;
  const maxRetries = o.maxRetries ?? 4;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const url = `${o.accountsUrl}/oauth/v2/token`;
  let current: Token | undefined;
  let inflight: Promise<Token> | undefined;
  /** No refresh attempt before this time (set by the throttle), unless the token is unusable. */
  let quietUntilMs = 0;

  const usable = (t: Token | undefined, marginMs: number): boolean => !!t && t.expiresAtMs - o.clock.now() > marginMs;

  async function callTokenEndpoint(): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: o.clientId,
      client_secret: o.clientSecret,
      refresh_token: o.refreshToken,
    });
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await o.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
          signal: o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        if (o.signal?.aborted) throw e;
        if (attempt >= maxRetries) {
          throw new ZpetlError('ZOHO_AUTH_FAILED', `token refresh at ${o.accountsUrl} failed after ${attempt + 1} attempts: ${redact((e as Error).message)}`, {
            cause: e,
            hint: 'Check the network and ZOHO_ACCOUNTS_URL / ZOHO_DC.',
          });
        }
        await o.clock.sleep(backoffMs(attempt, { random: o.random }), o.signal);
        continue;
      }
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        const parsed: unknown = text ? JSON.parse(text) : {};
        if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
      } catch {
        body = { error: `non-JSON answer (HTTP ${res.status}): ${redact(text.slice(0, 200))}` };
      }
      if (res.status >= 500 && attempt < maxRetries) {
        await o.clock.sleep(backoffMs(attempt, { random: o.random }), o.signal);
        continue;
      }
      return { status: res.status, body };
    }
  }

  async function refresh(): Promise<Token> {
    let waited = 0;
    for (let throttles = 0; ; throttles++) {
      const started = o.clock.now();
      const { status, body } = await callTokenEndpoint();
      const access = body.access_token;
      if (typeof access === 'string' && access && body.error === undefined) {
        registerSecret(access);
        const expiresInS = Number(body.expires_in ?? body.expires_in_sec ?? 3600);
        const token = { value: access, expiresAtMs: o.clock.now() + (Number.isFinite(expiresInS) ? expiresInS : 3600) * 1000 };
        o.onRefresh?.(true, o.clock.now() - started);
        return token;
      }
      o.onRefresh?.(false, o.clock.now() - started);
      const error = String(body.error ?? `HTTP ${status} without access_token`);
      const description = typeof body.error_description === 'string' ? body.error_description : '';
      if (error === 'invalid_code') {
        throw new ZpetlError(
          'ZOHO_AUTH_INVALID_CODE',
          `Zoho refused the refresh token (invalid_code) at ${o.accountsUrl}: it was revoked, was minted for another client, or belongs to another data centre`,
          {
            hint: 'Check ZOHO_DC / ZOHO_ACCOUNTS_URL match the data centre where the token was granted; otherwise grant a new refresh token (access_type=offline) and set ZOHO_REFRESH_TOKEN.',
            details: { accountsUrl: o.accountsUrl },
          },
        );
      }
      if (error === 'invalid_client' || error === 'invalid_client_secret') {
        throw new ZpetlError('ZOHO_AUTH_INVALID_CLIENT', `Zoho refused the client credentials (${error}) at ${o.accountsUrl}: wrong ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET or wrong data centre`, {
          hint: 'Copy the client id (it starts with "1000.") and secret again from the Zoho API console of the right data centre.',
        });
      }
      if (/access denied/i.test(error) || /too many requests/i.test(description) || status === 429) {
        // Zoho allows 10 token requests per 10 minutes per refresh token; hammering extends the block.
        const wait = Math.min(throttleWait * 2 ** Math.min(throttles, 4), 600_000);
        if (current && usable(current, 30_000)) {
          quietUntilMs = o.clock.now() + wait;
          o.onThrottled?.(0);
          return current;
        }
        if (waited + wait > maxThrottleWait) {
          throw new ZpetlError('ZOHO_AUTH_THROTTLED', `Zoho keeps refusing token refreshes ("${error}") after waiting ${Math.round(waited / 1000)} s`, {
            hint: 'Another process may be refreshing the same refresh token in a loop. Stop it, wait 10 minutes, and resume.',
          });
        }
        o.onThrottled?.(wait);
        await o.clock.sleep(wait, o.signal);
        waited += wait;
        continue;
      }
      throw new ZpetlError('ZOHO_AUTH_FAILED', `token refresh failed at ${o.accountsUrl}: ${redact(error)}${description ? ` (${redact(description)})` : ''}`, {
        details: { status, error: redact(error) },
      });
    }
  }

  return {
    async token() {
      const now = o.clock.now();
      if (current && usable(current, refreshBefore)) return current.value;
      if (current && now < quietUntilMs && usable(current, 30_000)) return current.value;
      inflight ??= refresh().finally(() => {
        inflight = undefined;
      });
      current = await inflight;
      return current.value;
    },
    invalidate(token) {
      if (current?.value === token) {
        current = undefined;
        quietUntilMs = 0;
      }
    },
  };
}
