/**
 * Rounding, one rule for every layout. `nearest-N` rounds to the nearest multiple of N minutes, a tie
 * (exactly N/2 past a multiple) rounding up: nearest-15 turns 7 into 0 and 8 into 15; nearest-6 turns
 * 2 into 0 and 3 into 6.
 *  - per `log`: each log's minutes are rounded; day and period totals are sums of rounded logs.
 *  - per `day`: an employee's day total is rounded once; the difference to the day's raw sum is put
 *    on that day's logs in output order, starting from the last (added to the last log when rounding
 *    up; taken from the last logs, never below 0, when rounding down). So a detail file still sums
 *    to the same totals as the summary.
 */
import type { Rounding } from './config-schema.js';

export function roundStep(mode: Rounding['mode']): number {
  return mode === 'nearest-6' ? 6 : mode === 'nearest-15' ? 15 : 1;
}

/** Rounds non-negative integer minutes to the nearest multiple of `step`, ties up. */
export function roundMinutes(minutes: number, step: number): number {
  if (step <= 1) return minutes;
  return Math.floor((minutes + step / 2) / step) * step;
}

/** Paid minutes for one employee-day: `raw` in output order → the rounded values, same order. */
export function roundDay(raw: readonly number[], rounding: Rounding): number[] {
  const step = roundStep(rounding.mode);
  if (step === 1) return [...raw];
  if (rounding.per === 'log') return raw.map((m) => roundMinutes(m, step));
  const sum = raw.reduce((a, b) => a + b, 0);
  let delta = roundMinutes(sum, step) - sum;
  const out = [...raw];
  if (delta > 0 && out.length > 0) out[out.length - 1]! += delta;
  for (let i = out.length - 1; delta < 0 && i >= 0; i--) {
    const take = Math.min(out[i]!, -delta);
    out[i]! -= take;
    delta += take;
  }
  return out;
}
