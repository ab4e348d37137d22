/**
 * What a sandbox keeps of its runtime in the store's meta table, so that a restart of a file-backed
 * sandbox, even after SIGKILL, goes on where it stopped:
 * - a high-water mark of the virtual clock, written ahead of the clock (a lease): a restarted clock
 *   starts at or after every time the sandbox ever handed out (token expiries, created_time, `time()`);
 * - the fault list (written when it changes) and its seen/fired counts and PRNG state (written after
 *   every matching request, a few bytes per fault);
 * - the virtual times of pending token restores (fault `revoke` with `restoreAfterMs`).
 * Rate windows, token-request windows and counters stay in memory (README.md "State").
 */
import type { ClockHighWater, SandboxContext } from './context.js';
import type { FaultCounts, FaultSnapshot, FaultState } from './faults.js';
import { MAX_CLOCK_MS, type Fault } from './options.js';
import { RUNTIME_META, type Store } from './store.js';

/**
 * Real ms of virtual time the persisted mark runs ahead of the clock (renewed when half is used): a
 * clock restarted after SIGKILL jumps ahead by at most this × the time scale, and the mark costs one
 * meta write per 5 real seconds of traffic.
 */
export const CLOCK_LEASE_REAL_MS = 10_000;

/**
 * Where a new clock starts: now, or the persisted mark when that is later (virtual time never goes
 * back). A mark that is no time from 1970 to the end of year 9999 (MAX_CLOCK_MS; a file written by a
 * sandbox without that bound, or edited) is not trusted: the clock starts at now, the mark is
 * rewritten, and `notice` says so (the CLI prints it on stderr).
 */
export function clockStart(store: Store, db: string): { ms: number; notice?: string } {
  const now = Date.now();
  const raw = store.getMeta(RUNTIME_META.clockMs);
  if (raw === undefined) return { ms: now };
  const stored = Number(raw);
  if (raw.trim() !== '' && Number.isFinite(stored) && stored >= 0 && stored <= MAX_CLOCK_MS) return { ms: Math.max(now, stored) };
  saveClock(store, now);
  return {
    ms: now,
    notice: `${db}: the stored virtual clock ${raw.length > 40 ? `${raw.slice(0, 37)}...` : raw} is not a time up to the end of year 9999; the clock starts at now (${new Date(now).toISOString()})`,
  };
}

/**
 * The clock's persisted mark. It is written outside transactions only (a rolled-back write would lose
 * it); every request reads the clock first, outside any transaction, which renews the lease in time.
 */
export function clockHighWater(store: Store, scale: number): ClockHighWater {
  return {
    leaseMs: CLOCK_LEASE_REAL_MS * scale,
    persist(ms) {
      if (!store.db.open || store.db.inTransaction) return false;
      store.setMeta(RUNTIME_META.clockMs, String(ms));
      return true;
    },
  };
}

/** On a clean stop: the exact clock, so a graceful restart does not jump ahead by the lease. */
export function saveClock(store: Store, nowMs: number): void {
  store.setMeta(RUNTIME_META.clockMs, String(nowMs));
}

const specOf = ({ seen: _seen, fired: _fired, ...spec }: FaultState): Fault => spec;

/**
 * The persisted fault state to go on with, if any: all of it when the start names no faults, or the
 * counts of the same list when it names the one persisted (a restart with the same `--faults` file).
 */
export function restoredFaults(store: Store, given: Fault[] | undefined): FaultSnapshot | undefined {
  const raw = store.getMeta(RUNTIME_META.faults);
  if (raw === undefined) return undefined;
  const saved = JSON.parse(raw) as FaultSnapshot;
  const counts = JSON.parse(store.getMeta(RUNTIME_META.faultCounts) ?? 'null') as FaultCounts | null;
  // The counts belong to this list (saveFaults writes both at once); a file without them keeps the list's own.
  if (counts && counts.seen.length === saved.faults.length) {
    saved.faults.forEach((f, i) => {
      f.seen = counts.seen[i] ?? f.seen;
      f.fired = counts.fired[i] ?? f.fired;
    });
    saved.rng = counts.rng;
  }
  if (given === undefined) return saved;
  return JSON.stringify(saved.faults.map(specOf)) === JSON.stringify(given) ? saved : undefined;
}

/** A new fault list: the list and its (zero) counts, in one transaction. */
export function saveFaults(store: Store, s: FaultSnapshot): void {
  if (!store.db.open) return;
  store.db.transaction(() => {
    store.setMeta(RUNTIME_META.faults, JSON.stringify(s));
    saveFaultCounts(store, { seen: s.faults.map((f) => f.seen), fired: s.faults.map((f) => f.fired), rng: s.rng });
  })();
}

/** The counts after a matching request: what a restart (even after SIGKILL) goes on from. */
export function saveFaultCounts(store: Store, c: FaultCounts): void {
  if (store.db.open) store.setMeta(RUNTIME_META.faultCounts, JSON.stringify(c));
}

export function loadPendingRestores(store: Store): number[] {
  return JSON.parse(store.getMeta(RUNTIME_META.restores) ?? '[]') as number[];
}

/** Sets the pending restores and persists them. */
export function setPendingRestores(ctx: SandboxContext, times: number[]): void {
  ctx.pendingRestores = times;
  ctx.store.setMeta(RUNTIME_META.restores, JSON.stringify(times));
}
