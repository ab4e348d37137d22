/** The mode decision, every combination: 3 modes × crosswalk × natural-key match (unknown / no / yes) × matchesInEveryMode. */
import { describe, expect, it } from 'vitest';
import { LOAD_MODES, type LoadMode } from '../../../../src/core/load-mode.js';
import { keyAction, type KeyAction } from '../../../../src/load/exactly-once/key-action.js';

type Match = 'unknown' | 'none' | 'found';

/** The table as README.md#the-mode-decision states it: mode, in the crosswalk, natural-key match, matches in every mode → action. */
const TABLE: [LoadMode, boolean, Match, boolean, KeyAction][] = [
  // In the crosswalk: the entity is this key's, whatever Zoho's natural-key answer.
  ['create', true, 'unknown', false, 'skip'],
  ['create', true, 'none', false, 'skip'],
  ['create', true, 'found', false, 'skip'],
  ['create', true, 'unknown', true, 'skip'],
  ['create', true, 'none', true, 'skip'],
  ['create', true, 'found', true, 'skip'],
  ['skip-existing', true, 'unknown', false, 'skip'],
  ['skip-existing', true, 'none', false, 'skip'],
  ['skip-existing', true, 'found', false, 'skip'],
  ['skip-existing', true, 'unknown', true, 'skip'],
  ['skip-existing', true, 'none', true, 'skip'],
  ['skip-existing', true, 'found', true, 'skip'],
  ['upsert', true, 'unknown', false, 'update'],
  ['upsert', true, 'none', false, 'update'],
  ['upsert', true, 'found', false, 'update'],
  ['upsert', true, 'unknown', true, 'update'],
  ['upsert', true, 'none', true, 'update'],
  ['upsert', true, 'found', true, 'update'],
  // Not in the crosswalk, mode create: no lookup, except for loaders that match in every mode (users).
  ['create', false, 'unknown', false, 'create'],
  ['create', false, 'none', false, 'create'],
  ['create', false, 'found', false, 'create'],
  ['create', false, 'unknown', true, 'look-up'],
  ['create', false, 'none', true, 'create'],
  ['create', false, 'found', true, 'skip'],
  // Not in the crosswalk, skip-existing / upsert: look Zoho up, then skip / PATCH a match or create.
  ['skip-existing', false, 'unknown', false, 'look-up'],
  ['skip-existing', false, 'none', false, 'create'],
  ['skip-existing', false, 'found', false, 'skip'],
  ['skip-existing', false, 'unknown', true, 'look-up'],
  ['skip-existing', false, 'none', true, 'create'],
  ['skip-existing', false, 'found', true, 'skip'],
  ['upsert', false, 'unknown', false, 'look-up'],
  ['upsert', false, 'none', false, 'create'],
  ['upsert', false, 'found', false, 'update'],
  ['upsert', false, 'unknown', true, 'look-up'],
  ['upsert', false, 'none', true, 'create'],
  ['upsert', false, 'found', true, 'update'],
];

const factsOf = (inCrosswalk: boolean, match: Match, matchesInEveryMode: boolean) => ({
  inCrosswalk,
  ...(match === 'unknown' ? {} : { naturalMatch: match === 'found' }),
  matchesInEveryMode,
});

describe('keyAction: what mode M does with key K', () => {
  it('the table covers every combination once', () => {
    const combos = new Set(TABLE.map(([m, x, n, e]) => `${m}|${x}|${n}|${e}`));
    expect(combos.size).toBe(TABLE.length);
    expect(TABLE.length).toBe(LOAD_MODES.length * 2 * 3 * 2);
  });

  it.each(TABLE)('%s, in crosswalk %s, natural-key match %s, matches in every mode %s → %s', (mode, inCrosswalk, match, everyMode, want) => {
    expect(keyAction(mode, factsOf(inCrosswalk, match, everyMode))).toBe(want);
  });

  it('an absent matchesInEveryMode counts as false', () => {
    expect(keyAction('create', { inCrosswalk: false })).toBe('create');
    expect(keyAction('skip-existing', { inCrosswalk: false })).toBe('look-up');
  });
});
