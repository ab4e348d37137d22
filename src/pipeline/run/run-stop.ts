/**
 * How a real run stops: `Stop` ends the steps of a run for a reason that is not a failure, and the stop
 * control turns the caller's AbortSignal (SIGINT/SIGTERM in the CLI) into the run's own signal, which a
 * fatal error aborts too.
 */
import type { Clock } from '../../core/clock.js';
import { ZpetlError } from '../../core/errors.js';

/** Thrown through the steps to end the run: interrupted, the window closing, or the reject limit. */
export class Stop extends Error {
  constructor(
    readonly reason: 'interrupted' | 'outside-window' | 'reject-limit',
    readonly error?: ZpetlError,
  ) {
    super(reason);
  }
}

export interface StopControl {
  /** The run's signal: aborted on the caller's stop or on a fatal error; every step and wait listens to it. */
  readonly signal: AbortSignal;
  /** Stops every step (a fatal error). */
  abort(reason: unknown): void;
  /** Ends the stop grace timer and stops listening to the caller's signal. */
  dispose(): void;
}

/**
 * Listens to `signal`. On abort, work cut by the stop throws RUN_INTERRUPTED, and after `stopGraceMs`
 * (clock ms, default 15 000) `closeClient` cuts the requests still waiting for budget.
 */
export function createStopControl(o: { signal?: AbortSignal; clock: Clock; stopGraceMs?: number }, closeClient: () => void): StopControl {
  const internal = new AbortController();
  let graceTimer: AbortController | undefined;
  const onAbort = () => {
    // Whatever reason the caller aborted with, work cut by the stop throws RUN_INTERRUPTED (a stop, not a failure).
    const reason: unknown = o.signal?.reason;
    internal.abort(reason instanceof ZpetlError && reason.code === 'RUN_INTERRUPTED' ? reason : new ZpetlError('RUN_INTERRUPTED', 'interrupted', { cause: reason }));
    graceTimer = new AbortController();
    o.clock.sleep(o.stopGraceMs ?? 15_000, graceTimer.signal).then(closeClient, () => {});
  };
  // A signal aborted before the run began fires no 'abort' event: stop at once instead of loading everything.
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: internal.signal,
    abort: (reason) => internal.abort(reason),
    dispose() {
      graceTimer?.abort();
      o.signal?.removeEventListener('abort', onAbort);
    },
  };
}
