/**
 * The injected faults around a handler (faults.ts picks them): before it, a fault may replace the
 * answer (an error status, an error body with 200, a reset) or change the sandbox's state (revoked
 * tokens, a lock-out); after it, a reset or a delay of the answer. `late-commit` is applied by the app
 * instead of the handler.
 */
import type { SandboxContext } from './context.js';
import type { FaultEngine, FaultState } from './faults.js';
import { json, type SandboxRequest, type SandboxResponse } from './http.js';
import { revokeAll } from './oauth.js';
import type { RateLimiter } from './rate-limit.js';
import { setPendingRestores } from './runtime-state.js';
import { v3ErrorBody } from './v3-error.js';

/** The fault picked for a request, and the response that replaces the handler's, if any. */
export interface PreFault {
  fault: FaultState | undefined;
  res: SandboxResponse | undefined;
}

/** Picks and applies the pre-handler fault of endpoint `key` (OAuth endpoints only by an explicit fault). */
export function preFault(deps: { ctx: SandboxContext; limiter: RateLimiter; faults: FaultEngine }, req: SandboxRequest, key: string): PreFault {
  const { ctx, limiter } = deps;
  const f = deps.faults.pick(req.method, key, key.includes('/oauth/'));
  if (!f) return { fault: undefined, res: undefined };
  const errBody = (status: number) => v3ErrorBody(status, 'INTERNAL_SERVER_ERROR', [{ message: 'Internal server error (sandbox fault)' }], req.path, req.method);
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
}

/** Applies a post-handler fault (`reset-after`, `slow`) to the handler's response, in place. */
export function postFault(fault: FaultState | undefined, res: SandboxResponse): void {
  if (fault?.kind === 'reset-after') res.socket = { kind: 'reset' };
  if (fault?.kind === 'slow') res.socket = { kind: 'delay', ms: fault.delayMs ?? 5000 };
}
