/**
 * Time, injected. Nothing in the toolkit reads `Date.now()` or calls `setTimeout` directly for
 * pacing: it asks a Clock, so tests use a manual clock and the sandbox a scaled one.
 */
export interface Clock {
  /** Milliseconds since the epoch (possibly virtual). */
  now(): number;
  /** Resolves after `ms` (possibly virtual) milliseconds; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}

/** Real time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(t);
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock where virtual time runs `scale` times faster than real time, starting at `startMs`
 * (default: now). scale = 60 makes two virtual minutes pass in two real seconds.
 */
export function createScaledClock(scale: number, startMs: number = Date.now()): Clock {
  if (!(scale > 0)) throw new RangeError(`time scale must be > 0, got ${scale}`);
  const realStart = Date.now();
  return {
    now: () => startMs + (Date.now() - realStart) * scale,
    sleep: (ms, signal) => systemClock.sleep(ms / scale, signal),
  };
}

/** A clock that only moves when told to. `sleep` resolves when `advance` passes its deadline. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, resolving every sleeper whose deadline is reached, in order. */
  advance(ms: number): Promise<void>;
  /** Sets the time (must not go backwards). */
  set(ms: number): Promise<void>;
  /** Number of pending sleepers. */
  pending(): number;
}

export function createManualClock(startMs = Date.UTC(2026, 10, 1)): ManualClock {
  let now = startMs;
  let seq = 0;
  const sleepers: { at: number; seq: number; resolve: () => void }[] = [];
  const flush = async (to: number) => {
    for (;;) {
      sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = sleepers[0];
      if (!next || next.at > to) break;
      sleepers.shift();
      now = Math.max(now, next.at);
      next.resolve();
      // let the woken task run before waking the next one
      await new Promise((r) => setImmediate(r));
    }
    now = to;
  };
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(abortError(signal));
        const entry = { at: now + Math.max(0, ms), seq: seq++, resolve };
        sleepers.push(entry);
        signal?.addEventListener(
          'abort',
          () => {
            const i = sleepers.indexOf(entry);
            if (i >= 0) sleepers.splice(i, 1);
            reject(abortError(signal));
          },
          { once: true },
        );
      }),
    advance: (ms) => flush(now + ms),
    set: (ms) => flush(Math.max(now, ms)),
    pending: () => sleepers.length,
  };
}
