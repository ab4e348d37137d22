/**
 * What every handler sees: the store, the config, the virtual clock, and the in-memory runtime state
 * (rate windows, token-request windows, counters) that is deliberately not persisted.
 */
import type { Clock } from '../core/index.js';
import type { SandboxConfig } from './options.js';
import type { Store } from './store.js';

/** The sandbox's virtual clock: scaled real time plus manual advances. */
export interface SandboxClock extends Clock {
  /** Moves virtual time forward by `ms` (tests: token expiry, lock expiry). */
  advance(ms: number): void;
  readonly scale: number;
}

export function createSandboxClock(scale: number, startMs: number): SandboxClock {
  if (!(scale > 0)) throw new RangeError(`time scale must be > 0, got ${scale}`);
  const realStart = Date.now();
  let offsetMs = 0;
  return {
    scale,
    now: () => Math.floor(startMs + (Date.now() - realStart) * scale + offsetMs),
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`advance needs ms >= 0, got ${ms}`);
      offsetMs += ms;
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
