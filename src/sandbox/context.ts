/**
 * What every handler sees: the store, the config, the virtual clock, and the in-memory runtime state
 * (rate windows, token-request windows, counters) that is deliberately not persisted.
 */
import type { Clock } from '../core/index.js';
import { MAX_CLOCK_MS, type SandboxConfig } from './options.js';
import type { Store } from './store.js';

/** The sandbox's virtual clock: scaled real time plus manual advances. */
export interface SandboxClock extends Clock {
  /** Moves virtual time forward by `ms` (tests: token expiry, lock expiry). */
  advance(ms: number): void;
  readonly scale: number;
}

/** A persisted lower bound for a restarted clock (runtime-state.ts). */
export interface ClockHighWater {
  /** Virtual ms the persisted mark is set ahead of the clock. */
  leaseMs: number;
  /** Persists `ms` as the least start of a restarted clock; false when it cannot be written now. */
  persist(ms: number): boolean;
}

/**
 * `highWater`: every read keeps a persisted mark ahead of the time it returns (renewed when less than
 * half the lease is left), so a clock restarted from that mark never goes back. The clock stops at
 * MAX_CLOCK_MS (end of year 9999), whatever the scale and however long it runs.
 */
export function createSandboxClock(scale: number, startMs: number, highWater?: ClockHighWater): SandboxClock {
  if (!(scale > 0)) throw new RangeError(`time scale must be > 0, got ${scale}`);
  const realStart = Date.now();
  let offsetMs = 0;
  let markMs = startMs;
  const now = () => {
    const t = Math.min(MAX_CLOCK_MS, Math.floor(startMs + (Date.now() - realStart) * scale + offsetMs));
    if (highWater && markMs < MAX_CLOCK_MS && t + highWater.leaseMs / 2 > markMs) {
      const next = Math.min(MAX_CLOCK_MS, t + highWater.leaseMs);
      if (highWater.persist(next)) markMs = next;
    }
    return t;
  };
  return {
    scale,
    now,
    advance(ms) {
      if (!(ms >= 0 && Number.isFinite(ms))) throw new RangeError(`advance needs a finite ms >= 0, got ${ms}`);
      offsetMs += ms;
      now(); // persists the new mark at once
    },
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, Math.max(0, ms / scale));
        const onAbort = () => {
          clearTimeout(t);
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

export interface EndpointCounter {
  calls: number;
  ok: number;
  rateLimited: number;
  errors: number;
}

export interface Caller {
  ownerZpuid: string;
  scopes: string[];
  token: string;
}

export interface SandboxContext {
  store: Store;
  config: SandboxConfig;
  clock: SandboxClock;
  portalId: () => string;
  /** Token-endpoint requests per refresh token / client, virtual ms. */
  tokenRequests: Map<string, number[]>;
  counters: Map<string, EndpointCounter>;
  /** Virtual times at which admin-revoked refresh tokens come back (fault `revoke` + restoreAfterMs). */
  pendingRestores: number[];
}

/** Today as YYYY-MM-DD on the virtual clock (UTC). */
export function virtualToday(ctx: SandboxContext): string {
  return new Date(ctx.clock.now()).toISOString().slice(0, 10);
}

export function nowIso(ctx: SandboxContext): string {
  return new Date(ctx.clock.now()).toISOString();
}

/** `created_time` of a new entity now, in the configured form (see options `createdTimeForm`). */
export function createdTimeNow(ctx: SandboxContext): string {
  const ms = ctx.clock.now();
  const form = ctx.config.createdTimeForm;
  if (form === 'epoch-ms') return String(ms);
  if (form === 'iso-utc') return new Date(ms).toISOString();
  const off = ctx.config.portalUtcOffsetMin;
  const wall = new Date(ms + off * 60_000).toISOString().slice(0, -1);
  if (form === 'local') return wall;
  const abs = Math.abs(off);
  return `${wall}${off < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
