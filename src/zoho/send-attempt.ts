/**
 * One attempt of a Zoho call (transport.ts decides what the outcome means): a unit of the rate budget
 * (acquired before the concurrency slot, so waiting calls hold no slot), an access token, the
 * request with its timeout, and the budget updated from the answer's rate headers.
 */
import type { Clock } from '../core/clock.js';
import type { AuthManager } from './auth.js';
import { classifyNetworkError, type NetworkFailure } from './error-table.js';
import { parseRateHeaders, type RateBudget } from './rate-budget.js';
import type { ClientEvent, EndpointTemplate } from './types.js';

/** What a request is made with: the transport is given these (TransportOptions) and hands them to each attempt. */
export interface AttemptContext {
  clock: Clock;
  auth: AuthManager;
  budget: RateBudget;
  fetch: typeof fetch;
  emit: (e: ClientEvent) => void;
  /** The client's signal: closing the client aborts the attempt. */
  signal: AbortSignal;
}

/** What an attempt needs from the transport: the context, and what the transport derives from its options. */
export interface AttemptDeps extends AttemptContext {
  /** The concurrency limit (p-limit) the request runs under. */
  limit: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Per-attempt timeout in real ms. */
  timeoutMs: number;
  /** Counts one HTTP call of `endpoint` (answered or not). */
  countCall: (endpoint: EndpointTemplate) => void;
}

/** One request: the budget key, the full URL, the method and the JSON text of the body. */
export interface AttemptRequest {
  endpoint: EndpointTemplate;
  key: string;
  url: string;
  method: string;
  payload: string | undefined;
  /** A create: a request cut off by closing the client may have been written, so it is reported, not thrown. */
  isCreate: boolean;
  /** 1-based, for the request event. */
  attempt: number;
}

/** An answer (any status, its text read), or a request that got none. */
export type AttemptOutcome =
  | { kind: 'response'; res: Response; text: string; token: string }
  | { kind: 'network'; failure: NetworkFailure; error: unknown };

/**
 * Sends one attempt. Throws only what is not the request's failure: a token that cannot be had, or a
 * non-create cut off by closing the client.
 */
export async function sendAttempt(d: AttemptDeps, r: AttemptRequest): Promise<AttemptOutcome> {
  const reservation = await d.budget.acquire(r.key, d.signal, (waitMs) => d.emit({ type: 'budget-wait', endpoint: r.endpoint, waitMs }));
  return d.limit(async () => {
    let token: string;
    try {
      token = await d.auth.token();
    } catch (e) {
      reservation.complete();
      throw e;
    }
    const started = d.clock.now();
    const timeout = AbortSignal.timeout(d.timeoutMs);
    try {
      const res = await d.fetch(r.url, {
        method: r.method,
        headers: {
          authorization: `Zoho-oauthtoken ${token}`,
          accept: 'application/json',
          ...(r.payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: r.payload,
        signal: AbortSignal.any([d.signal, timeout]),
      });
      const text = res.status === 204 ? '' : await res.text();
      d.budget.updateFromResponse(r.key, parseRateHeaders((n) => res.headers.get(n)), reservation);
      reservation.complete();
      d.countCall(r.endpoint);
      d.emit({ type: 'request', endpoint: r.endpoint, method: r.method, status: res.status, durationMs: d.clock.now() - started, attempt: r.attempt });
      return { kind: 'response' as const, res, text, token };
    } catch (e) {
      reservation.complete();
      d.countCall(r.endpoint);
      if (d.signal.aborted) {
        // Closed mid-request: a create may already be on the server, so it is in doubt.
        if (!r.isCreate) throw e;
        return { kind: 'network' as const, failure: { code: 'ZOHO_NETWORK' as const, sent: true, reason: 'client closed' }, error: e };
      }
      return { kind: 'network' as const, failure: classifyNetworkError(e, timeout.aborted), error: e };
    }
  });
}
