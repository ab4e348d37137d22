import { describe, expect, it } from 'vitest';
import { createScratchStore, FLUSH_ENTRIES } from '../../../../src/pipeline/prepare/scratch-store.js';

describe('scratch store past its in-memory buffers', () => {
  it('answers duplicate keys exactly after the buffered claims were written to SQLite', () => {
    const s = createScratchStore();
    try {
      const n = FLUSH_ENTRIES + 1000;
      for (let i = 0; i < n; i++) expect(s.claimKey('logs', `L-${i}`)).toBe(true);
      // Both sides of the flush: keys now only in SQLite, and keys still in the buffer.
      for (const i of [0, 1, FLUSH_ENTRIES - 1, FLUSH_ENTRIES, n - 1]) expect(s.claimKey('logs', `L-${i}`)).toBe(false);
      expect(s.claimKey('other', 'L-0')).toBe(true);
      expect(s.claimKey('logs', `L-${n}`)).toBe(true);
      expect(s.claimKey('logs', `L-${n}`)).toBe(false);
    } finally {
      s.close();
    }
  });

  it('keeps day totals per user across flushes, and never adds past the max', () => {
    const s = createScratchStore();
    try {
      expect(s.addDayMinutes('a@x.com', '2026-03-01', 600, 1440)).toEqual({ before: 0, added: true });
      // Enough other (user, day) pairs to push the first total out of memory into SQLite.
      // (at least twice around the 700 × 28 pairs, so each pair is added to more than once)
      for (let i = 0; i < Math.max(FLUSH_ENTRIES + 10, 2 * 700 * 28 + 1); i++) s.addDayMinutes(`u${i % 700}@x.com`, `2027-01-${String(1 + (Math.floor(i / 700) % 28)).padStart(2, '0')}`, 1, 1440);
      expect(s.addDayMinutes('a@x.com', '2026-03-01', 841, 1440)).toEqual({ before: 600, added: false });
      expect(s.addDayMinutes('a@x.com', '2026-03-01', 840, 1440)).toEqual({ before: 600, added: true });
      expect(s.addDayMinutes('a@x.com', '2026-03-01', 1, 1440)).toEqual({ before: 1440, added: false });
      expect(s.addDayMinutes('a@x.com', '2026-03-02', 1441, 1440)).toEqual({ before: 0, added: false });
      expect(s.addDayMinutes('a@x.com', '2026-03-02', 1440, 1440)).toEqual({ before: 0, added: true });
      expect(s.addDayMinutes('', '2026-03-01', 30, 1440)).toEqual({ before: 0, added: true });
      // 700 users × 28 days, each pair added to several times: 1 min per add.
      expect(s.addDayMinutes('u0@x.com', '2027-01-01', 1, 1440).before).toBeGreaterThan(1);
    } finally {
      s.close();
    }
  });

  it('answers exactly across units of work, whether or not their transaction was committed yet', () => {
    const s = createScratchStore();
    try {
      // 200 units (begin … commit, as prepare and the dry run do per chunk): several real commits, and a tail still open.
      for (let u = 0; u < 200; u++) {
        s.begin();
        expect(s.claimKey('tasks', `T-${u}`)).toBe(true);
        s.putName('task', 'tasks', `T-${u}`, `dry:${u}`);
        s.commit();
      }
      for (const u of [0, 63, 64, 150, 199]) {
        expect(s.claimKey('tasks', `T-${u}`)).toBe(false);
        expect(s.getName('task', 'tasks', `T-${u}`)).toBe(`dry:${u}`);
      }
      s.commit(); // a commit without begin is harmless
    } finally {
      s.close();
    }
  });

  it('keeps steps apart and totals exact inside one buffer window (open-addressing slots, probe chains)', () => {
    const s = createScratchStore();
    try {
      const n = FLUSH_ENTRIES - 10; // all still buffered: no flush in between
      for (let i = 0; i < n; i++) {
        expect(s.claimKey(i % 2 ? 'a' : 'b', `K${i >> 1}`)).toBe(true);
      }
      for (let i = 0; i < n; i++) expect(s.claimKey(i % 2 ? 'a' : 'b', `K${i >> 1}`)).toBe(false);
      expect(s.claimKey('c', 'K0')).toBe(true);
      // n distinct (user, day) pairs buffered, each added to twice: the second add sees the first.
      for (let i = 0; i < n; i++) expect(s.addDayMinutes(`u${i}`, '2027-02-01', 60, 1440)).toEqual({ before: 0, added: true });
      for (let i = 0; i < n; i++) expect(s.addDayMinutes(`u${i}`, '2027-02-01', 1400, 1440)).toEqual({ before: 60, added: false });
      for (let i = 0; i < n; i++) expect(s.addDayMinutes(`u${i}`, '2027-02-01', 1380, 1440)).toEqual({ before: 60, added: true });
      // …and after those totals were written out by later flushes
      for (let i = 0; i < 3 * FLUSH_ENTRIES; i++) s.addDayMinutes(`v${i}`, '2027-02-02', 1, 1440);
      expect(s.addDayMinutes('u7', '2027-02-01', 1, 1440)).toEqual({ before: 1440, added: false });
    } finally {
      s.close();
    }
  });
});
