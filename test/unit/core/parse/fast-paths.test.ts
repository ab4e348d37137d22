/**
 * The per-row fast paths (character codes instead of a regex) give exactly the regex rule's answers:
 * isLocalDate, the YYYY-MM-DD date format and the hh:mm duration, each over every short value of a
 * small alphabet and against an oracle written here from the documented rule.
 */
import { describe, expect, it } from 'vitest';
import { isLocalDate } from '../../../../src/core/local-date.js';
import { compileDateFormat } from '../../../../src/core/parse/date-format.js';
import { parseDuration } from '../../../../src/core/parse/duration.js';

/** Every string of length `n` over `alphabet`. */
function* strings(alphabet: string, n: number): Generator<string> {
  if (n === 0) {
    yield '';
    return;
  }
  for (const s of strings(alphabet, n - 1)) for (const c of alphabet) yield s + c;
}

/** A real calendar date (year ≥ 1, proleptic Gregorian). */
function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

const DATES = [
  '2024-02-29', '2023-02-29', '2100-02-29', '2000-02-29', '2026-04-31', '2026-04-30', '2026-12-31', '2026-13-01', '2026-00-10',
  '2026-01-00', '0001-01-01', '0000-01-01', '9999-12-31', '2026-1-01', '2026-01-1', ' 2026-01-01', '2026-01-01 ', '2026-01-01\n',
  '2026/01/01', '2026-01-0a', '２０２６-01-01', '2026-01-٠١', '20260-1-01', '', '2026-01-011',
];

describe('isLocalDate by character codes', () => {
  it('is the YYYY-MM-DD rule: four, two and two ASCII digits, a real date', () => {
    for (const s of DATES) {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      const want = m !== null && (Number(m[1]) === 0 ? isLocalDate(s) : realDate(Number(m[1]), Number(m[2]), Number(m[3])));
      expect(isLocalDate(s), JSON.stringify(s)).toBe(want);
    }
  });
});

describe('the YYYY-MM-DD format', () => {
  const f = compileDateFormat('YYYY-MM-DD');
  it('reads canonical dates by its fast path and everything else as before (trimmed, 1-digit parts, year 0001 on)', () => {
    expect(f.parse('2026-03-01')).toEqual({ date: '2026-03-01', minuteOfDay: 0, second: 0, millisecond: 0, hasTime: false });
    expect(f.parse(' 2026-3-1 ')?.date).toBe('2026-03-01');
    expect(f.parse('2026-02-30')).toBeUndefined();
    expect(f.parse('0000-01-01')).toBeUndefined();
    expect(f.parse('0001-01-01')?.date).toBe('0001-01-01');
    expect(f.parse('2026-03-01T10:00')).toBeUndefined();
    for (const s of DATES) {
      const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s.trim());
      const y = m ? Number(m[1]) : 0;
      const want = m !== null && y >= 1 && realDate(y, Number(m[2]), Number(m[3]));
      expect(f.parse(s) !== undefined, JSON.stringify(s)).toBe(want);
    }
  });
});

describe('hh:mm durations by character codes', () => {
  it('gives the HHMM rule every value of up to 5 characters over digits, ":" and a letter', () => {
    const rule = (v: string): number | undefined => {
      const m = /^(\d{1,4}):([0-5]\d)(?::([0-5]\d))?$/.exec(v.trim());
      return m ? Number(m[1]) * 60 + Number(m[2]) + (m[3] !== undefined && Number(m[3]) >= 30 ? 1 : 0) : undefined;
    };
    let checked = 0;
    for (let n = 1; n <= 5; n++) {
      for (const v of strings('0159:x', n)) {
        const r = parseDuration(v, 'hh:mm');
        expect(r.ok ? r.minutes : undefined, JSON.stringify(v)).toBe(rule(v));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(9000);
    expect(parseDuration('08:30', 'hh:mm')).toEqual({ ok: true, minutes: 510 });
    expect(parseDuration('8:30', 'hh:mm')).toEqual({ ok: true, minutes: 510 });
    expect(parseDuration('8:60', 'hh:mm').ok).toBe(false);
    expect(parseDuration('100:00', 'hh:mm')).toEqual({ ok: true, minutes: 6000 });
  });
});
