import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/core/clock.js';
import { ZpetlError } from '../../../src/core/errors.js';
import { zonedToEpoch } from '../../../src/core/local-date.js';
import { parseWindow } from '../../../src/pipeline/window.js';

const H = 3_600_000;
const BERLIN = 'Europe/Berlin';
const at = (date: string, hhmm: string, tz = BERLIN) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToEpoch(date, h * 60 + m, tz);
};

describe('parseWindow', () => {
  it('rejects malformed specs and unknown zones with the value given', () => {
    expect(() => parseWindow('22-06', BERLIN)).toThrow(/HH:MM-HH:MM.*"22-06"/);
    expect(() => parseWindow('25:00-06:00', BERLIN)).toThrow(ZpetlError);
    expect(() => parseWindow('22:00-06:00', 'Mars/Olympus')).toThrow(/IANA zone.*Mars\/Olympus/);
    try {
      parseWindow('x', BERLIN, { code: 'PIPELINE_INVALID' });
    } catch (e) {
      expect((e as ZpetlError).code).toBe('PIPELINE_INVALID');
      expect((e as ZpetlError).field).toBe('window');
    }
  });
  it('normalises the spec', () => {
    expect(parseWindow(' 9:05 - 17:00 ', BERLIN).spec).toBe('09:05-17:00');
  });
});

describe('a window spanning midnight (22:00-06:00 Berlin)', () => {
  const w = parseWindow('22:00-06:00', BERLIN);

  it('is open inside, on both sides of midnight, and closed outside', () => {
    expect(w.isOpen(at('2026-11-28', '23:30'))).toBe(true);
    expect(w.isOpen(at('2026-11-29', '05:59'))).toBe(true);
    expect(w.isOpen(at('2026-11-28', '22:00'))).toBe(true); // open instant included
    expect(w.isOpen(at('2026-11-29', '06:00'))).toBe(false); // close instant excluded
    expect(w.isOpen(at('2026-11-28', '12:00'))).toBe(false);
  });

  it('gives the next opening and the close', () => {
    const noon = at('2026-11-28', '12:00');
    expect(w.nextOpening(noon)).toBe(at('2026-11-28', '22:00'));
    expect(w.closesAt(noon)).toBeUndefined();
    const late = at('2026-11-29', '01:00');
    expect(w.nextOpening(late)).toBe(late);
    expect(w.closesAt(late)).toBe(at('2026-11-29', '06:00'));
    // just after the close the next opening is the same evening
    expect(w.nextOpening(at('2026-11-29', '06:00'))).toBe(at('2026-11-29', '22:00'));
    expect(w.describe(at('2026-11-29', '22:00'))).toBe('2026-11-29 22:00 Europe/Berlin');
  });

  it('is 1 h shorter on the spring-forward night and 1 h longer in autumn', () => {
    // Berlin: 2026-03-29 02:00 → 03:00; 2026-10-25 03:00 → 02:00
    const spring = w.currentSpan(at('2026-03-28', '23:00'))!;
    expect(spring.closeMs - spring.openMs).toBe(7 * H);
    const autumn = w.currentSpan(at('2026-10-24', '23:00'))!;
    expect(autumn.closeMs - autumn.openMs).toBe(9 * H);
    const normal = w.currentSpan(at('2026-11-28', '23:00'))!;
    expect(normal.closeMs - normal.openMs).toBe(8 * H);
    // on the spring night 6.5 h of work started at 23:00 no longer fits
    expect(w.canFinishBefore(at('2026-03-28', '23:00'), 6.5 * H)).toBe(false);
    expect(w.canFinishBefore(at('2026-11-28', '23:00'), 6.5 * H)).toBe(true);
    // and 7.5 h fits on the autumn night only
    expect(w.canFinishBefore(at('2026-10-24', '23:00'), 7.5 * H)).toBe(true);
    expect(w.canFinishBefore(at('2026-11-28', '23:00'), 7.5 * H)).toBe(false);
  });

  it('refuses work that cannot finish before the close (draining)', () => {
    const t = at('2026-11-29', '05:50');
    expect(w.canFinishBefore(t, 5 * 60_000)).toBe(true);
    expect(w.canFinishBefore(t, 10 * 60_000)).toBe(true); // ends exactly at the close
    expect(w.canFinishBefore(t, 11 * 60_000)).toBe(false);
    expect(w.canFinishBefore(at('2026-11-28', '12:00'), 1)).toBe(false); // closed
  });

  it('counts the nights a duration needs', () => {
    const noon = at('2026-11-28', '12:00');
    expect(w.estimate(noon, 0)).toEqual({ windows: 0, finishMs: noon });
    expect(w.estimate(noon, 8 * H)).toMatchObject({ windows: 1, finishMs: at('2026-11-29', '06:00'), firstOpenMs: at('2026-11-28', '22:00') });
    expect(w.estimate(noon, 8 * H + 1).windows).toBe(2);
    const twenty = w.estimate(noon, 20 * H);
    expect(twenty.windows).toBe(3);
    expect(twenty.finishMs).toBe(at('2026-11-30', '22:00') + 4 * H);
    // started inside the window, the rest of tonight counts as the first
    expect(w.estimate(at('2026-11-29', '04:00'), 3 * H)).toMatchObject({ windows: 2, finishMs: at('2026-11-29', '23:00') });
    // across the spring night: 7 h that night, so 8 h needs two nights
    expect(w.estimate(at('2026-03-28', '12:00'), 8 * H).windows).toBe(2);
    expect(w.estimate(at('2026-10-24', '12:00'), 9 * H).windows).toBe(1);
  });
});

describe('other shapes', () => {
  it('handles a same-day window', () => {
    const w = parseWindow('09:00-17:00', 'America/New_York');
    expect(w.isOpen(at('2026-11-27', '10:00', 'America/New_York'))).toBe(true);
    expect(w.isOpen(at('2026-11-27', '18:00', 'America/New_York'))).toBe(false);
    expect(w.nextOpening(at('2026-11-27', '18:00', 'America/New_York'))).toBe(at('2026-11-28', '09:00', 'America/New_York'));
  });
  it('treats equal ends as always open', () => {
    const w = parseWindow('00:00-24:00', BERLIN);
    expect(w.alwaysOpen).toBe(true);
    expect(w.isOpen(0)).toBe(true);
    expect(w.closesAt(0)).toBe(Infinity);
    expect(w.canFinishBefore(0, 1e12)).toBe(true);
    expect(w.estimate(0, 1e9)).toMatchObject({ windows: 1, finishMs: 1e9 });
  });
  it('shifts a start inside the spring gap forward', () => {
    const w = parseWindow('02:30-05:00', BERLIN);
    const span = w.nextSpan(at('2026-03-28', '12:00'));
    expect(span.openMs).toBe(at('2026-03-29', '03:30'));
    expect(span.closeMs - span.openMs).toBe(1.5 * H);
  });
});

describe('with a ManualClock', () => {
  it('tracks open/closed as time passes through a DST night', async () => {
    const w = parseWindow('22:00-06:00', BERLIN);
    const clock = createManualClock(at('2026-03-28', '21:00'));
    expect(w.isOpen(clock.now())).toBe(false);
    await clock.set(w.nextOpening(clock.now()));
    expect(w.isOpen(clock.now())).toBe(true);
    let openMs = 0;
    while (w.isOpen(clock.now())) {
      await clock.advance(15 * 60_000);
      if (w.isOpen(clock.now())) openMs += 15 * 60_000;
    }
    // 7 hours of opening on the spring-forward night: 28 quarter-hours, the first one counted at 22:15
    expect(openMs).toBe(7 * H - 15 * 60_000);
    expect(clock.now()).toBe(at('2026-03-29', '06:00'));
  });
});
