/**
 * The rate budget: a sliding window per (portal, token owner, METHOD + path template), the unit of
 * Zoho's limit (ZOHO_RATE_LIMIT in rate-limit.ts: calls per window per endpoint, then a lock-out;
 * docs/zoho-api-notes.md#rate-limits).
 *
 * Why a window of *our* timestamps is safe against the server's window: the server counts a call at
 * its arrival, which lies between our send and our receipt of the answer. A call is counted here
 * from the moment it is reserved, and once answered it is stamped with the time the answer came
 * back, so it leaves our window no earlier than it leaves the server's; `marginMs` covers the
 * boundary (inclusive or not) and timer jitter. Calls of other clients of the same user are learned
 * from `RateLimit-Remaining` and counted as phantom calls. Retries reserve like any other call.
 * State is persisted through a BudgetStore so that a restarted process cannot burst.
 */
import type { Clock } from '../core/clock.js';
import type { BudgetState, BudgetStore } from '../core/budget-store.js';
import { callsPerWindowAfter, DEFAULT_HEADROOM, extraWindows, ZOHO_RATE_LIMIT } from './rate-limit.js';

export interface RateBudgetOptions {
  clock: Clock;
  store?: BudgetStore;
  /** Zoho's documented calls per window per endpoint (default ZOHO_RATE_LIMIT.callsPerWindow). */
  limit?: number;
  /** Window length in ms (default ZOHO_RATE_LIMIT.windowMs). */
  windowMs?: number;
  /** Fraction of the limit kept unused, in [0, 1) (default DEFAULT_HEADROOM). */
  headroom?: number;
  /** Lock length when a throttle answer carries no Retry-After, in ms (default ZOHO_RATE_LIMIT.lockMs). */
  lockMs?: number;
  /** Extra time a call stays in our window after the server's would drop it, in ms (default 500). */
  marginMs?: number;
}

/** A reserved call. Call `complete()` when its answer arrived (or the attempt failed). */
export interface Reservation {
  readonly key: string;
  readonly reservedMs: number;
  complete(): void;
}

interface KeyState {
  /** Answered calls (stamped at receipt) and restored calls, ascending. */
  calls: number[];
  /** Calls of other clients learned from headers, stamped when learned, ascending. */
  phantoms: number[];
  inflight: Set<Reservation>;
  lockedUntilMs: number;
  learnedLimit?: number;
  learnedWindowMs?: number;
}

/** Parsed rate-limit headers. */
export interface RateHeaders {
  limit?: number;
  remaining?: number;
  windowMs?: number;
}

function num(v: string | null | undefined): number | undefined {
  if (v === null || v === undefined || v.trim() === '') return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Reads `RateLimit`, `RateLimit-Remaining`, `RateLimit-Window` (+ `RateLimit-Window-Unit`) as Zoho
 * documents them (docs/zoho-api-notes.md#rate-limits), plus the IETF draft form `RateLimit: limit=…, remaining=…, reset=…`.
 */
export function parseRateHeaders(get: (name: string) => string | null): RateHeaders {
  const out: RateHeaders = {};
  const combined = get('ratelimit');
  if (combined && /[a-z]=/i.test(combined)) {
    for (const part of combined.split(/[,;]/)) {
      const [k, v] = part.split('=').map((s) => s.trim().toLowerCase());
      if (k === 'limit') out.limit = num(v);
      if (k === 'remaining') out.remaining = num(v);
    }
  } else {
    out.limit = num(combined);
  }
  out.remaining ??= num(get('ratelimit-remaining'));
  const window = num(get('ratelimit-window'));
  if (window !== undefined && window > 0) {
    const unit = (get('ratelimit-window-unit') ?? 'seconds').trim().toLowerCase();
    out.windowMs = unit.startsWith('milli') ? window : unit.startsWith('min') ? window * 60_000 : window * 1000;
  }
  return out;
}

export class RateBudget {
  readonly #clock: Clock;
  readonly #store: BudgetStore | undefined;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #headroom: number;
  readonly #lockMs: number;
  readonly #marginMs: number;
  readonly #keys = new Map<string, KeyState>();

  constructor(o: RateBudgetOptions) {
    this.#clock = o.clock;
    this.#store = o.store;
    this.#limit = o.limit ?? ZOHO_RATE_LIMIT.callsPerWindow;
    this.#windowMs = o.windowMs ?? ZOHO_RATE_LIMIT.windowMs;
    this.#headroom = o.headroom ?? DEFAULT_HEADROOM;
    this.#lockMs = o.lockMs ?? ZOHO_RATE_LIMIT.lockMs;
    this.#marginMs = o.marginMs ?? 500;
    if (!(this.#headroom >= 0 && this.#headroom < 1)) throw new RangeError(`headroom must be in [0, 1), got ${this.#headroom}`);
  }

  /** Default lock length (ms) when a throttle answer has no usable Retry-After. */
  get lockMs(): number {
    return this.#lockMs;
  }

  #state(key: string): KeyState {
    let s = this.#keys.get(key);
    if (!s) {
      const saved = this.#store?.load(key);
      s = {
        calls: [...(saved?.callsMs ?? [])].sort((a, b) => a - b),
        phantoms: [],
        inflight: new Set(),
        lockedUntilMs: saved?.lockedUntilMs ?? 0,
        learnedLimit: saved?.learnedLimit,
      };
      this.#keys.set(key, s);
    }
    return s;
  }

  #window(s: KeyState): number {
    return s.learnedWindowMs ?? this.#windowMs;
  }

  /** The effective limit (after headroom) and window of a key. */
  budgetFor(key: string): { limit: number; windowMs: number } {
    const s = this.#state(key);
    const server = s.learnedLimit ?? this.#limit;
    return { limit: callsPerWindowAfter(this.#headroom, server), windowMs: this.#window(s) };
  }

  #prune(s: KeyState, now: number): void {
    const horizon = now - this.#window(s) - this.#marginMs;
    while (s.calls.length && s.calls[0]! <= horizon) s.calls.shift();
    while (s.phantoms.length && s.phantoms[0]! <= horizon) s.phantoms.shift();
  }

  #save(key: string, s: KeyState): void {
    if (!this.#store) return;
    const now = this.#clock.now();
    const callsMs = [...s.calls, ...s.phantoms, ...[...s.inflight].map(() => now)].sort((a, b) => a - b);
    const state: BudgetState = { callsMs, lockedUntilMs: s.lockedUntilMs };
    if (s.learnedLimit !== undefined) state.learnedLimit = s.learnedLimit;
    this.#store.save(key, state);
  }

  /**
   * Ms until `calls` more calls fit in the window of `key` (0 = now), counting a lock. For more calls
   * than one window holds, whole windows are added.
   */
  waitMs(key: string, calls = 1): number {
    const s = this.#state(key);
    const now = this.#clock.now();
    this.#prune(s, now);
    const { limit, windowMs } = this.budgetFor(key);
    const life = windowMs + this.#marginMs;
    const lockWait = Math.max(0, s.lockedUntilMs - now);
    const fullWindows = extraWindows(calls, limit);
    const n = calls - fullWindows * limit;
    // Expiry times of what is counted now; in-flight calls expire no sooner than a full life from now.
    const expiries = [...s.calls, ...s.phantoms].map((t) => t + life);
    for (let i = 0; i < s.inflight.size; i++) expiries.push(now + life);
    expiries.sort((a, b) => a - b);
    const over = expiries.length + n - limit;
    const windowWait = over <= 0 ? 0 : Math.max(0, expiries[over - 1]! - now);
    return Math.max(lockWait, windowWait) + fullWindows * life;
  }

  /** Reserves one call if the window and lock allow it now. */
  tryAcquire(key: string): Reservation | undefined {
    if (this.waitMs(key, 1) > 0) return undefined;
    const s = this.#state(key);
    const reservation: Reservation = {
      key,
      reservedMs: this.#clock.now(),
      complete: () => {
        if (!s.inflight.delete(reservation)) return;
        const t = this.#clock.now();
        // keep ascending order: answers can arrive out of order only by equal-or-later stamps
        let i = s.calls.length;
        while (i > 0 && s.calls[i - 1]! > t) i--;
        s.calls.splice(i, 0, t);
        this.#save(key, s);
      },
    };
    s.inflight.add(reservation);
    this.#save(key, s);
    return reservation;
  }

  /**
   * Waits (on the injected clock) until one call fits, then reserves it. `onWait(ms)` is told of each
   * wait before it starts. Rejects with the signal's reason when aborted.
   */
  async acquire(key: string, signal?: AbortSignal, onWait?: (ms: number) => void): Promise<Reservation> {
    for (;;) {
      signal?.throwIfAborted();
      const r = this.tryAcquire(key);
      if (r) return r;
      const wait = Math.max(1, this.waitMs(key, 1));
      onWait?.(wait);
      await this.#clock.sleep(wait, signal);
    }
  }

  /** Locks `key` until `untilMs` (never shortens an existing lock). */
  lock(key: string, untilMs: number): void {
    const s = this.#state(key);
    if (untilMs > s.lockedUntilMs) {
      s.lockedUntilMs = untilMs;
      this.#save(key, s);
    }
  }

  /** The lock end of `key` in epoch ms (0 or past when unlocked). */
  lockedUntil(key: string): number {
    return this.#state(key).lockedUntilMs;
  }

  /**
   * Learns from a response's rate-limit headers. `reservation` is the call the answer belongs to
   * (still in flight). Calls the server counted beyond ours belong to another client of the same
   * user: they are kept as phantom calls so that our pace shrinks accordingly.
   */
  updateFromResponse(key: string, headers: RateHeaders, reservation?: Reservation): void {
    const s = this.#state(key);
    let changed = false;
    if (headers.limit !== undefined && headers.limit > 0 && headers.limit !== s.learnedLimit) {
      s.learnedLimit = headers.limit;
      changed = true;
    }
    if (headers.windowMs !== undefined && headers.windowMs !== s.learnedWindowMs) s.learnedWindowMs = headers.windowMs;
    if (headers.remaining !== undefined) {
      const now = this.#clock.now();
      this.#prune(s, now);
      const serverLimit = headers.limit ?? s.learnedLimit ?? this.#limit;
      const serverUsed = Math.max(0, serverLimit - headers.remaining);
      const before = reservation?.reservedMs ?? now;
      let ours = s.calls.length;
      for (const r of s.inflight) if (r.reservedMs <= before) ours++;
      const external = Math.max(0, serverUsed - ours);
      if (external > s.phantoms.length) {
        for (let i = s.phantoms.length; i < external; i++) s.phantoms.push(now);
        changed = true;
      } else if (external < s.phantoms.length) {
        s.phantoms.splice(0, s.phantoms.length - external);
        changed = true;
      }
    }
    if (changed) this.#save(key, s);
  }

  /** Counted calls (ours answered, in flight, phantoms) in the window of `key`, for reports/tests. */
  used(key: string): { ours: number; inflight: number; phantoms: number } {
    const s = this.#state(key);
    this.#prune(s, this.#clock.now());
    return { ours: s.calls.length, inflight: s.inflight.size, phantoms: s.phantoms.length };
  }
}
