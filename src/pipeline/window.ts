/**
 * The off-peak window: `--window 22:00-06:00 --tz Europe/Berlin`, or `window:` in a pipeline file.
 *
 * A window is a daily span of wall-clock time in an IANA zone. When the end is not after the start it
 * spans midnight (22:00-06:00 opens on day D at 22:00 and closes on D+1 at 06:00). Every instant is
 * computed with zonedToEpoch, so DST is exact: the 22:00-06:00 window on Berlin's spring-forward night
 * lasts 7 hours and on the autumn night 9 hours. A wall time that does not exist (inside the spring
 * gap) is shifted forward by the gap; one that exists twice (the autumn overlap) is the earlier instant.
 * A window whose start equals its end (`00:00-24:00`, `00:00-00:00`) is always open.
 *
 * Pure: no clock is read here; every function takes the instant it reasons about.
 */
import { ZpetlError, type ErrorCode } from '../core/errors.js';
import { addDays, formatHhMm, isValidTimeZone, parseHhMm, zonedParts, zonedToEpoch, type LocalDate } from '../core/local-date.js';

/** One opening of the window: [openMs, closeMs). */
export interface WindowSpan {
  openMs: number;
  closeMs: number;
  /** The local date on which this span opens. */
  date: LocalDate;
}

export interface OffPeakWindow {
  /** The spec as normalised `HH:MM-HH:MM`. */
  readonly spec: string;
  readonly tz: string;
  /** Minutes since local midnight. */
  readonly startMinute: number;
  readonly endMinute: number;
  /** True when the window never closes. */
  readonly alwaysOpen: boolean;
  /** True when `nowMs` lies inside an opening (the open instant included, the close instant excluded). */
  isOpen(nowMs: number): boolean;
  /** The opening containing `nowMs`, or undefined when closed. Infinite close when always open. */
  currentSpan(nowMs: number): WindowSpan | undefined;
  /** The first opening that starts strictly after `nowMs`. */
  nextSpan(nowMs: number): WindowSpan;
  /** `nowMs` when open, else the instant of the next opening. */
  nextOpening(nowMs: number): number;
  /** When the current opening closes, or undefined when closed now. Infinity when always open. */
  closesAt(nowMs: number): number | undefined;
  /** True when open now and work of `durationMs` started now ends at or before the close. */
  canFinishBefore(nowMs: number, durationMs: number): boolean;
  /**
   * How many openings `durationMs` of work needs when started at `nowMs` (waiting for the next opening
   * when closed), and when it would end. Used by the dry-run estimate ("3 nights").
   */
  estimate(nowMs: number, durationMs: number): WindowEstimate;
  /** Human text for an instant in the window's zone: `2026-11-28 22:00 Europe/Berlin`. */
  describe(epochMs: number): string;
}

export interface WindowEstimate {
  /** Openings used (0 when durationMs is 0). */
  windows: number;
  /** Instant the work would finish. */
  finishMs: number;
  /** The first opening used, when any. */
  firstOpenMs?: number;
}

/** The limit on openings walked by estimate(); 100 years of nights. */
const MAX_WINDOWS = 36_600;

export interface ParseWindowOptions {
  /** Error code for a bad spec: USAGE_INVALID for the CLI flag (default), PIPELINE_INVALID for a file. */
  code?: ErrorCode;
}

/** A pipeline file's `options.window`, parsed (PIPELINE_INVALID when bad); undefined when the file sets none. */
export function pipelineWindow(w: { start: string; end: string; tz: string } | undefined): OffPeakWindow | undefined {
  return w ? parseWindow(`${w.start}-${w.end}`, w.tz, { code: 'PIPELINE_INVALID' }) : undefined;
}

/** Parses `HH:MM-HH:MM` in `tz`. Throws ZpetlError (USAGE_INVALID by default) naming what was expected. */
export function parseWindow(spec: string, tz: string, options: ParseWindowOptions = {}): OffPeakWindow {
  const code = options.code ?? 'USAGE_INVALID';
  const m = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(spec);
  const start = m ? parseHhMm(m[1]!) : undefined;
  const end = m ? parseHhMm(m[2]!) : undefined;
  if (start === undefined || end === undefined) {
    throw new ZpetlError(code, `window must be HH:MM-HH:MM (e.g. 22:00-06:00), got "${spec}"`, {
      field: 'window',
      value: spec,
      hint: 'Give the start and end as 24-hour wall-clock times in the window time zone.',
    });
  }
  if (!isValidTimeZone(tz)) {
    throw new ZpetlError(code, `window time zone must be an IANA zone (e.g. Europe/Berlin), got "${tz}"`, {
      field: 'tz',
      value: tz,
    });
  }
  return createWindow(start, end, tz);
}

function createWindow(startIn: number, endIn: number, tz: string): OffPeakWindow {
  const startMinute = startIn % 1440;
  const endMinute = endIn % 1440;
  const alwaysOpen = startMinute === endMinute;
  const crossesMidnight = endMinute < startMinute;
  const spec = `${formatHhMm(startIn)}-${formatHhMm(endIn)}`;

  const spanFor = (date: LocalDate): WindowSpan => ({
    date,
    openMs: zonedToEpoch(date, startMinute, tz),
    closeMs: zonedToEpoch(crossesMidnight ? addDays(date, 1) : date, endMinute, tz),
  });

  /** Spans opening on the local dates around `nowMs`, in order. */
  const around = (nowMs: number): WindowSpan[] => {
    const today = zonedParts(nowMs, tz).date;
    return [-1, 0, 1, 2].map((d) => spanFor(addDays(today, d)));
  };

  const currentSpan = (nowMs: number): WindowSpan | undefined => {
    if (alwaysOpen) return { date: zonedParts(nowMs, tz).date, openMs: -Infinity, closeMs: Infinity };
    // A span can collapse to nothing when both ends fall into one DST gap; skip it.
    return around(nowMs).find((s) => s.openMs <= nowMs && nowMs < s.closeMs);
  };

  const nextSpan = (nowMs: number): WindowSpan => {
    if (alwaysOpen) return { date: zonedParts(nowMs, tz).date, openMs: nowMs, closeMs: Infinity };
    const found = around(nowMs).find((s) => s.openMs > nowMs && s.closeMs > s.openMs);
    if (found) return found;
    // Unreachable for real zones (the next day's opening is always among the candidates).
    return spanFor(addDays(zonedParts(nowMs, tz).date, 3));
  };

  const describe = (epochMs: number): string => {
    const p = zonedParts(epochMs, tz);
    return `${p.date} ${formatHhMm(p.minuteOfDay)} ${tz}`;
  };

  return {
    spec,
    tz,
    startMinute,
    endMinute,
    alwaysOpen,
    isOpen: (nowMs) => currentSpan(nowMs) !== undefined,
    currentSpan,
    nextSpan,
    nextOpening: (nowMs) => (currentSpan(nowMs) ? nowMs : nextSpan(nowMs).openMs),
    closesAt: (nowMs) => currentSpan(nowMs)?.closeMs,
    canFinishBefore(nowMs, durationMs) {
      const span = currentSpan(nowMs);
      return span !== undefined && nowMs + Math.max(0, durationMs) <= span.closeMs;
    },
    estimate(nowMs, durationMs) {
      if (!(durationMs > 0)) return { windows: 0, finishMs: nowMs };
      if (alwaysOpen) return { windows: 1, finishMs: nowMs + durationMs, firstOpenMs: nowMs };
      let remaining = durationMs;
      let t = nowMs;
      let windows = 0;
      let firstOpenMs: number | undefined;
      while (windows < MAX_WINDOWS) {
        const span = currentSpan(t) ?? nextSpan(t);
        const from = Math.max(t, span.openMs);
        firstOpenMs ??= from;
        windows++;
        const available = span.closeMs - from;
        if (remaining <= available) return { windows, finishMs: from + remaining, firstOpenMs };
        remaining -= available;
        t = span.closeMs;
      }
      return { windows, finishMs: Infinity, firstOpenMs };
    },
    describe,
  };
}
