import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../../src/core/step-counts.js';

describe('emptyCounts', () => {
  it('gives every required counter at 0 and no optional one (no filtered, no would-counts)', () => {
    expect(emptyCounts()).toStrictEqual({ read: 0, valid: 0, created: 0, updated: 0, skipped: 0, rejected: 0, inDoubt: 0 });
    // report.json and the JSON-lines renderer print the object as is: an optional key would show up there
    expect(Object.keys(emptyCounts())).toEqual(['read', 'valid', 'created', 'updated', 'skipped', 'rejected', 'inDoubt']);
  });

  it('gives a fresh object on every call: callers mutate their counts', () => {
    const a = emptyCounts();
    const b = emptyCounts();
    expect(a).not.toBe(b);
    a.read += 3;
    a.wouldCreate = 1;
    expect(b).toStrictEqual(emptyCounts());
  });
});
