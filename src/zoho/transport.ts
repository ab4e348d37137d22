/**
 * One HTTP call to Zoho, done right: rate budget (every attempt, retries included), concurrency
 * limit, access token, timeout, classification through the error table, retries with full-jitter
 * backoff, Retry-After, and the in-doubt rule for creates.
 */
import pLimit from 'p-limit';
import { ZpetlError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { backoffMs, parseRetryAfterMs } from './backoff.js';
import { classifyResponse, readErrorBody, type Classification } from './error-table.js';
import { parseJsonSafe } from './safe-json.js';
import { sendAttempt, type AttemptContext, type AttemptDeps } from './send-attempt.js';
import type { EndpointStats, EndpointTemplate } from './types.js';

export interface TransportOptions extends AttemptContext {
  apiUrl: string;
  portalId: string;
  ownerKey: string;
  /** Concurrent HTTP calls (default 4). */
  concurrency?: number;
  /** Per-attempt timeout in real ms (default 30 000). */
  timeoutMs?: number;
  /** Retries of retryable failures (5xx, network, timeouts) per call (default 5). */
  maxRetries?: number;
  /** Retries after a rate-limit answer per call (default 3); each waits for the lock to end. */
  maxRateLimitRetries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
}

/** Where a path hangs: `/api/v3/portal/{P}`, `/api/v3.1/portal/{P}` (portal users), or `/api/v3`. */
export type PathBase = 'portal' | 'portal-v3.1' | 'api';

export interface CallSpec {
  endpoint: EndpointTemplate;
  /** Concrete path below the base, e.g. `/projects/170876000000012345/tasks`. */
  path: string;
  base?: PathBase;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Answer undefined instead of throwing on 404 (look-ups). */
  notFoundOk?: boolean;
}

export interface CallResult {
  status: number;
  body: unknown;
}

/** Endpoints whose POST is not a create: re-sending them cannot duplicate anything. */
const IDEMPOTENT_POSTS = new Set<string>(['POST /projects/{project}/trash']);

/** Statuses after which a create provably did not happen (so it may be re-sent). */
const CREATE_SAFE_STATUSES = new Set([408, 429, 503]);

const BODY_SNIPPET = 500;

/** What the endpoints (endpoints/*.ts) and the paginator call. */
export interface Transport {
  call(spec: CallSpec): Promise<CallResult | undefined>;
  keyFor(endpoint: EndpointTemplate): string;
  stats(): Record<string, EndpointStats>;
}

/** The full URL of a call: API base, the path's prefix (`spec.base`), the path, the defined query values. */
function callUrl(o: Pick<TransportOptions, 'apiUrl' | 'portalId'>, spec: CallSpec): string {
  const base = spec.base ?? 'portal';
  const prefix = base === 'api' ? '/api/v3' : base === 'portal-v3.1' ? `/api/v3.1/portal/${o.portalId}` : `/api/v3/portal/${o.portalId}`;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) qs.set(k, String(v));
  const q = qs.toString();
  return `${o.apiUrl}${prefix}${spec.path}${q ? `?${q}` : ''}`;
}

/** The error of an answered call: Zoho's title and message, the field, and a redacted, truncated body. */
function responseError(spec: CallSpec, method: string, c: Pick<Classification, 'code' | 'disposition'>, status: number, body: string, info: ReturnType<typeof readErrorBody>, extra: string): ZpetlError {
  const title = info?.title;
  const snippet = redact(body.length > BODY_SNIPPET ? `${body.slice(0, BODY_SNIPPET)}…` : body);
  const what = [title, info?.message].filter(Boolean).join(': ');
  return new ZpetlError(c.code, redact(`${method} ${spec.path} → HTTP ${status}${what ? ` ${what}` : ''}${extra}`), {
    disposition: c.disposition,
    field: info?.fieldName,
    details: { status, title, fieldName: info?.fieldName, method, path: spec.path, endpoint: spec.endpoint, body: snippet },
  });
}

/**
 * The transport of one client: every call of every endpoint goes through `call`, which retries,
 * refreshes, waits out rate limits and applies the in-doubt rule (see the file's comment).
 */
export function createTransport(o: TransportOptions): Transport {
  const limit = pLimit(o.concurrency ?? 4);
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxRetries = o.maxRetries ?? 5;
  const maxRateLimitRetries = o.maxRateLimitRetries ?? 3;
  const backoff = (attempt: number) => backoffMs(attempt, { baseMs: o.backoffBaseMs, capMs: o.backoffCapMs, random: o.random });
  const counters = new Map<string, EndpointStats>();
  const stat = (endpoint: string) => {
    let s = counters.get(endpoint);
    if (!s) counters.set(endpoint, (s = { calls: 0, rateLimited: 0, retries: 0, errors: 0 }));
    return s;
  };
  const keyFor = (endpoint: EndpointTemplate) => `${o.portalId}|${o.ownerKey}|${endpoint}`;
  const attemptDeps: AttemptDeps = { ...o, limit, timeoutMs, countCall: (endpoint) => void stat(endpoint).calls++ };

  const fail = (spec: CallSpec, method: string, c: Pick<Classification, 'code' | 'disposition'>, status: number, body: string, info: ReturnType<typeof readErrorBody>, extra = ''): ZpetlError => {
    stat(spec.endpoint).errors++;
    return responseError(spec, method, c, status, body, info, extra);
  };

  async function call(spec: CallSpec): Promise<CallResult | undefined> {
    try {
      return await attemptAll(spec);
    } catch (e) {
      if (e instanceof ZpetlError) throw e;
      if (o.signal.aborted) {
        throw new ZpetlError('RUN_INTERRUPTED', `${spec.endpoint} abandoned: the Zoho client was closed`, { cause: e, details: { endpoint: spec.endpoint } });
      }
      throw new ZpetlError('INTERNAL', redact(`${spec.endpoint}: ${e instanceof Error ? e.message : String(e)}`), { cause: e });
    }
  }

  async function attemptAll(spec: CallSpec): Promise<CallResult | undefined> {
    const method = spec.endpoint.slice(0, spec.endpoint.indexOf(' '));
    const isCreate = method === 'POST' && !IDEMPOTENT_POSTS.has(spec.endpoint);
    const key = keyFor(spec.endpoint);
    const target = callUrl(o, spec);
    const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    let retries = 0;
    let rateRetries = 0;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const outcome = await sendAttempt(attemptDeps, { endpoint: spec.endpoint, key, url: target, method, payload, isCreate, attempt });

      let retryReason: string;
      let retryAfterMs: number | undefined;
      if (outcome.kind === 'network') {
        const f = outcome.failure;
        if (isCreate && f.sent) {
          stat(spec.endpoint).errors++;
          o.emit({ type: 'in-doubt', endpoint: spec.endpoint, reason: f.reason });
          throw new ZpetlError('ZOHO_IN_DOUBT', `${method} ${spec.path} was sent and no answer came back (${f.reason}); it may or may not exist in Zoho and was not re-sent`, {
            cause: outcome.error,
            details: { method, path: spec.path, endpoint: spec.endpoint, reason: f.reason },
            hint: 'Reconcile (look the record up) before sending it again.',
          });
        }
        retryReason = f.reason;
        if (retries >= maxRetries) {
          stat(spec.endpoint).errors++;
          throw new ZpetlError('ZOHO_RETRIES_EXHAUSTED', `${method} ${spec.path} failed ${retries + 1} times; last: ${redact(f.reason)}`, {
            cause: outcome.error,
            details: { method, path: spec.path, endpoint: spec.endpoint, lastCode: f.code },
          });
        }
      } else {
        const { res, text, token } = outcome;
        let body: unknown;
        try {
          body = parseJsonSafe(text);
        } catch {
          body = undefined;
          if (res.ok) {
            throw fail(spec, method, { code: 'ZOHO_UNEXPECTED_RESPONSE', disposition: 'fatal' }, res.status, text, undefined, ': the body is not JSON');
          }
        }
        const info = readErrorBody(body);
        const c = classifyResponse(res.status, info);
        if (!c) return { status: res.status, body };
        if (spec.notFoundOk && c.code === 'ZOHO_NOT_FOUND') return undefined;
        if (c.action === 'refresh-then-retry') {
          if (refreshed) throw fail(spec, method, { code: c.code, disposition: 'fatal' }, res.status, text, info, ' (again after a token refresh)');
          refreshed = true;
          o.auth.invalidate(token);
          stat(spec.endpoint).retries++;
          o.emit({ type: 'retry', endpoint: spec.endpoint, attempt, delayMs: 0, reason: info?.title ?? `HTTP ${res.status}` });
          continue;
        }
        if (c.action === 'rate-limited') {
          stat(spec.endpoint).rateLimited++;
          const header = res.headers.get('retry-after');
          const fromHeader = parseRetryAfterMs(header, o.clock.now());
          const lockMs = fromHeader ?? (header === null ? o.budget.lockMs : Math.max(1000, backoff(rateRetries)));
          const untilMs = o.clock.now() + lockMs;
          o.budget.lock(key, untilMs);
          o.emit({ type: 'rate-limited', endpoint: spec.endpoint, untilMs, source: res.status === 429 ? '429' : 'rolling-throttle' });
          if (rateRetries >= maxRateLimitRetries) {
            throw fail(spec, method, { code: 'ZOHO_RATE_LIMITED', disposition: 'fatal' }, res.status, text, info, ` (locked ${rateRetries + 1} times in a row)`);
          }
          rateRetries++;
          stat(spec.endpoint).retries++;
          o.emit({ type: 'retry', endpoint: spec.endpoint, attempt, delayMs: lockMs, reason: info?.title ?? `HTTP ${res.status}` });
          continue; // the next acquire waits for the lock to end
        }
        if (c.action === 'retry') {
          if (isCreate && !CREATE_SAFE_STATUSES.has(res.status)) {
            // A 500/502/504 to a create may come after the record was written: reconcile, never re-send.
            stat(spec.endpoint).errors++;
            o.emit({ type: 'in-doubt', endpoint: spec.endpoint, reason: `HTTP ${res.status}` });
            throw new ZpetlError('ZOHO_IN_DOUBT', redact(`${method} ${spec.path} → HTTP ${res.status}: the create may have happened; it was not re-sent`), {
              details: { status: res.status, title: info?.title, method, path: spec.path, endpoint: spec.endpoint, reason: `HTTP ${res.status}` },
              hint: 'Reconcile (look the record up) before sending it again.',
            });
          }
          if (retries >= maxRetries) {
            throw fail(spec, method, { code: 'ZOHO_RETRIES_EXHAUSTED', disposition: 'fatal' }, res.status, text, info, ` (after ${retries + 1} attempts)`);
          }
          retryReason = info?.title ?? `HTTP ${res.status}`;
          retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'), o.clock.now());
        } else {
          throw fail(spec, method, c, res.status, text, info);
        }
      }
      const delayMs = retryAfterMs ?? backoff(retries);
      retries++;
      stat(spec.endpoint).retries++;
      o.emit({ type: 'retry', endpoint: spec.endpoint, attempt, delayMs, reason: retryReason });
      await o.clock.sleep(delayMs, o.signal);
    }
  }

  return {
    call,
    keyFor,
    stats: () => Object.fromEntries([...counters].map(([k, v]) => [k, { ...v }])),
  };
}

