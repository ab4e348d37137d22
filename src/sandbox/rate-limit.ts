/**
 * Zoho's per-endpoint limit (docs/zoho-api-notes.md#rate-limits): a sliding window of `rateLimit` calls per (token owner, METHOD +
 * path template); the call past it locks that endpoint for `lockS` for that owner, other endpoints
 * keep answering. All times are virtual (the sandbox clock), so a time scale shrinks them.
 */
import type { SandboxClock } from './context.js';
import type { SandboxConfig } from './options.js';

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  /** Seconds until the lock ends (only when !allowed). */
  retryAfterS?: number;
}

interface Slot {
  calls: number[];
  lockedUntilMs: number;
}

export interface RateLimiter {
  take(owner: string, endpoint: string): RateDecision;
  /** Locks `endpoint` for `owner` ('*' = every owner) for `seconds` virtual seconds. */
  lock(endpoint: string, seconds: number, owner?: string): void;
  reset(): void;
}

export function createRateLimiter(clock: SandboxClock, config: SandboxConfig): RateLimiter {
  const slots = new Map<string, Slot>();
  const forced = new Map<string, number>(); // endpoint → until (every owner)

  const slot = (key: string) => {
    let s = slots.get(key);
    if (!s) slots.set(key, (s = { calls: [], lockedUntilMs: 0 }));
    return s;
  };

  return {
    take(owner, endpoint) {
      const now = clock.now();
      const windowMs = config.rateWindowS * 1000;
      const s = slot(`${owner}|${endpoint}`);
      let drop = 0;
      while (drop < s.calls.length && s.calls[drop]! <= now - windowMs) drop++;
      if (drop) s.calls.splice(0, drop);
      const base = {
        RateLimit: String(config.rateLimit),
        'RateLimit-Window': String(config.rateWindowS),
        'RateLimit-Window-Unit': 'seconds',
      };
      const lockedUntil = Math.max(s.lockedUntilMs, forced.get(endpoint) ?? 0);
      const reject = (until: number): RateDecision => {
        const retryAfterS = Math.max(1, Math.ceil((until - now) / 1000));
        return { allowed: false, retryAfterS, headers: { ...base, 'RateLimit-Remaining': '0' } };
      };
      if (lockedUntil > now) return reject(lockedUntil);
      if (s.calls.length >= config.rateLimit) {
        s.lockedUntilMs = now + config.lockS * 1000;
        return reject(s.lockedUntilMs);
      }
      s.calls.push(now);
      return { allowed: true, headers: { ...base, 'RateLimit-Remaining': String(config.rateLimit - s.calls.length) } };
    },
    lock(endpoint, seconds, owner = '*') {
      const until = clock.now() + seconds * 1000;
      if (owner === '*') forced.set(endpoint, Math.max(forced.get(endpoint) ?? 0, until));
      else slot(`${owner}|${endpoint}`).lockedUntilMs = until;
    },
    reset() {
      slots.clear();
      forced.clear();
    },
  };
}
