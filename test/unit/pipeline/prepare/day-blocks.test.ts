/**
 * Day totals kept in blocks of DAY_BLOCK_USERS people's day (day-buffer.ts): people who share a block
 * keep their own totals, also when the block is written to SQLite, read back and written again.
 */
import { describe, expect, it } from 'vitest';
import { DAY_BLOCK_USERS, DAY_MAX_MINUTES } from '../../../../src/pipeline/prepare/day-buffer.js';
import { createScratchStore, FLUSH_ENTRIES } from '../../../../src/pipeline/prepare/scratch-store.js';

describe('day totals in blocks', () => {
  it('keeps each person of one block apart, across a flush and a read back', () => {
    const s = createScratchStore();
    try {
      // People 0 … DAY_BLOCK_USERS-1 share one block of 2026-03-01 (numbered as they first appear).
      for (let u = 0; u < DAY_BLOCK_USERS; u++) expect(s.addDayMinutes(`p${u}`, '2026-03-01', 10 + u, 1440)).toEqual({ before: 0, added: true });
      // Push the block out: enough other blocks (other days) to fill the buffer.
      for (let i = 0; i <= FLUSH_ENTRIES; i++) s.addDayMinutes('p0', `2027-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + Math.floor(i / 12) % 28).padStart(2, '0')}`, 1, 1440);
      // Read back from SQLite: each person's own total, and a change to one leaves the others.
      expect(s.addDayMinutes('p3', '2026-03-01', 100, 1440)).toEqual({ before: 13, added: true });
      for (let i = 0; i <= FLUSH_ENTRIES; i++) s.addDayMinutes('p1', `2028-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + Math.floor(i / 12) % 28).padStart(2, '0')}`, 1, 1440);
      expect(s.addDayMinutes('p3', '2026-03-01', 0, 1440)).toEqual({ before: 113, added: true });
      expect(s.addDayMinutes('p4', '2026-03-01', 1440 - 14 + 1, 1440)).toEqual({ before: 14, added: false });
      expect(s.addDayMinutes('p4', '2026-03-01', 1440 - 14, 1440)).toEqual({ before: 14, added: true });
      // The next person starts the next block: nothing logged yet.
      expect(s.addDayMinutes(`p${DAY_BLOCK_USERS}`, '2026-03-01', 5, 1440)).toEqual({ before: 0, added: true });
      // Another day of the same people is another block.
      expect(s.addDayMinutes('p3', '2026-03-02', 5, 1440)).toEqual({ before: 0, added: true });
    } finally {
      s.close();
    }
  });

  it('refuses a maximum its Int16 minutes cannot hold, instead of wrapping', () => {
    const s = createScratchStore();
    try {
      expect(() => s.addDayMinutes('p', '2026-03-01', 1, DAY_MAX_MINUTES + 1)).toThrow(/does not fit/);
      expect(s.addDayMinutes('p', '2026-03-01', DAY_MAX_MINUTES, DAY_MAX_MINUTES)).toEqual({ before: 0, added: true });
    } finally {
      s.close();
    }
  });
});
