/**
 * Randomized differential test of the scratch store against a naive Map model: the
 * typed-array buffers, the Bloom filter and the flushes to SQLite must never change an answer.
 * Seeded, so a failure replays; the seed and operation number are in the failure message.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../../../helpers/chaos-harness.js';
import { createScratchStore, FLUSH_ENTRIES, hashKey, type ScratchStore } from '../../../../src/pipeline/prepare/scratch-store.js';


/** Pairs of distinct keys with the same 32-bit hash for `step` (birthday search over `c<n>`). */
const pairCache = new Map<string, [string, string][]>();
function collidingPairs(step: string, want: number): [string, string][] {
  const cached = pairCache.get(step);
  if (cached && cached.length >= want) return cached.slice(0, want);
  const seen = new Map<number, string>();
  const out: [string, string][] = [];
  for (let i = 0; out.length < want; i++) {
    const k = `c${i}`;
    const h = hashKey(step, k);
    const prev = seen.get(h);
    if (prev !== undefined) out.push([prev, k]);
    else seen.set(h, k);
  }
  pairCache.set(step, out);
  return out;
}

/** Two step names whose prefix hashes collide: then every key hashes alike in both steps. */
function collidingSteps(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const st = `step${i}`;
    const h = hashKey(st, '');
    const prev = seen.get(h);
    if (prev !== undefined) return [prev, st];
    seen.set(h, st);
  }
}
const STEP_PAIR = collidingSteps();

const MAX = 1440;
/** 'a' + 'ÿk' and 'aÿ' + 'k' hash alike (the step/key separator is 0xff): told apart by exact comparison. */
const STEPS = ['logs', 'tasks', 'log', 's', 'a', 'a\u00ff', ...STEP_PAIR];
/** Keys that are easy to confuse: prefixes, unicode (NFC vs NFD, astral), JSON multi-column keys, separators, empty. */
const TRICKY = [
  '', ' ', 'k', 'k1', 'k10', 'k1\u0000', '\u0000', 'é', 'e\u0301', '日本', '日本語', '😀', '😀😀', '\uffff',
  '["a","b"]', '["a,b"]', '["a","b","c"]', '["a"]', 'a', '"a"', 'a,b', 'ab', 'logs', 'logsk', 'ÿ', '\u00ffk', '\u00ff\u00ffk',
  // Lone surrogates (legal in JSON sources) beside U+FFFD.
  '\ud800', '\udc00', 'a\ud800', 'a\udc00', '\ufffd', 'a\ufffd', '\u0001',
];
/** Users: the API user (''), unicode, and near-identical e-mails. */
const TRICKY_USERS = ['', 'a@x.com', 'A@x.com', 'a@x.co', 'é@x.com', '😀@x.com', '0', '1'];
const DATES = ['2024-02-29', '2024-03-01', '2025-12-31', '2026-01-01', '0001-01-01', '9999-12-31', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05'];

interface Model {
  keys: Set<string>;
  days: Map<string, number>;
  names: Map<string, string>;
}

/** Runs `ops` random operations on a store and the model, asserting every answer. */
function differential(seed: number, ops: number, s: ScratchStore, model: Model): { flushes: number; overs: number; dups: number } {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const pairs = collidingPairs('logs', 4).slice(0, 3);
  for (const [a, b] of pairs) expect(hashKey('logs', a)).toBe(hashKey('logs', b));
  // A small key alphabet (many repeats) yet more distinct keys per step than one buffer holds.
  // Colliding pairs stay colliding with a common suffix (FNV is streamed): keys equal in hash, differing before the end.
  const keyPool: string[] = [...TRICKY, ...pairs.flat(), ...pairs.flatMap(([a, b]) => [`${a}-tail`, `${b}-tail`])];
  for (let i = 0; keyPool.length < 3 * FLUSH_ENTRIES; i++) keyPool.push(`K${i}`);
  const users: string[] = [...TRICKY_USERS];
  for (let i = 0; users.length < 120; i++) users.push(`u${i}@x.com`);
  let flushes = 0;
  let overs = 0;
  let dups = 0;
  let open = false;
  let claimsSinceFlush = 0;
  for (let op = 0; op < ops; op++) {
    const where = `seed ${seed}, op ${op}`;
    const r = rnd();
    if (r < 0.45) {
      const step = pick(STEPS);
      // Colliding keys are claimed together in one buffer window, and across windows.
      const key = rnd() < 0.05 ? pick(pairs)[Math.floor(rnd() * 2)]! : pick(keyPool);
      const mk = JSON.stringify([step, key]);
      const expected = !model.keys.has(mk);
      model.keys.add(mk);
      if (!expected) dups++;
      else if (++claimsSinceFlush === FLUSH_ENTRIES) {
        flushes++;
        claimsSinceFlush = 0;
      }
      expect(s.claimKey(step, key), `${where}: claimKey(${JSON.stringify(step)}, ${JSON.stringify(key)})`).toBe(expected);
    } else if (r < 0.9) {
      const user = pick(users);
      const date = pick(DATES);
      const mk = JSON.stringify([user, date]);
      const before = model.days.get(mk) ?? 0;
      // Minutes near what is left of the day (both sides of exactly 1440), else anything up to a day (and past it).
      const left = MAX - before;
      const q = rnd();
      const minutes = q < 0.4 ? Math.max(1, left + Math.floor(rnd() * 3) - 1) : q < 0.45 ? MAX + 1 : 1 + Math.floor(rnd() * (q < 0.75 ? 120 : MAX));
      const added = minutes <= MAX && before + minutes <= MAX;
      if (added) model.days.set(mk, before + minutes);
      else overs++;
      expect(s.addDayMinutes(user, date, minutes, MAX), `${where}: addDayMinutes(${JSON.stringify(user)}, ${date}, ${minutes})`).toEqual({ before, added });
    } else if (r < 0.95) {
      const kind = pick(['task', 'project']);
      const scope = pick(['', 'tasks', 'dry:1']);
      const name = pick(keyPool);
      const mk = JSON.stringify([kind, scope, name]);
      if (rnd() < 0.5) {
        const id = `dry:${op}`;
        if (!model.names.has(mk)) model.names.set(mk, id);
        s.putName(kind, scope, name, id);
      } else expect(s.getName(kind, scope, name), `${where}: getName`).toBe(model.names.get(mk));
    } else if (r < 0.975) {
      s.begin();
      open = true;
    } else if (open) {
      s.commit();
      if (rnd() < 0.3) open = false;
    }
  }
  return { flushes, overs, dups };
}

/** Every recorded answer again at the end, plus fresh keys and days that must still be new. */
function finalSweep(s: ScratchStore, model: Model): void {
  for (const mk of model.keys) {
    const [step, key] = JSON.parse(mk) as [string, string];
    expect(s.claimKey(step, key), `final claimKey(${mk})`).toBe(false);
  }
  for (const [mk, total] of model.days) {
    const [user, date] = JSON.parse(mk) as [string, string];
    expect(s.addDayMinutes(user, date, MAX - total + 1, MAX), `final day ${mk}`).toEqual({ before: total, added: false });
  }
  for (let i = 0; i < 200; i++) expect(s.claimKey('logs', `fresh-${i}`)).toBe(true);
  expect(s.addDayMinutes('nobody@x.com', '2026-11-02', 1, MAX)).toEqual({ before: 0, added: true });
}

describe('scratch store vs a naive Map model (seeded, randomized)', () => {
  for (const seed of [1, 2, 0xdecaf]) {
    it(`gives the model's answer for every claim, day total and name (seed ${seed})`, () => {
      const s = createScratchStore();
      const model: Model = { keys: new Set(), days: new Map(), names: new Map() };
      try {
        const { flushes, overs, dups } = differential(seed, 20_000, s, model);
        // The run really exercised what it is about: flushes of both buffers, many duplicates and overs.
        expect(flushes).toBeGreaterThanOrEqual(4);
        expect(model.days.size).toBeGreaterThan(2 * FLUSH_ENTRIES);
        expect(dups).toBeGreaterThan(1000);
        expect(overs).toBeGreaterThan(1000);
        finalSweep(s, model);
      } finally {
        s.close();
      }
    });
  }

  it('tells keys with the same 32-bit hash apart, in one buffer window and across a flush', () => {
    const s = createScratchStore();
    try {
      expect(hashKey('a', '\u00ffk')).toBe(hashKey('a\u00ff', 'k'));
      expect(s.claimKey('a', '\u00ffk')).toBe(true);
      expect(s.claimKey('a\u00ff', 'k')).toBe(true);
      const [s1, s2] = STEP_PAIR;
      expect(hashKey(s1, 'K')).toBe(hashKey(s2, 'K'));
      expect(s.claimKey(s1, 'K')).toBe(true);
      expect(s.claimKey(s2, 'K')).toBe(true); // same key, same hash, another step
      expect(s.claimKey(s2, 'K')).toBe(false);
      const pairs = collidingPairs('logs', 4);
      const [a, b] = pairs[0]!;
      expect(s.claimKey('logs', a)).toBe(true);
      expect(s.claimKey('logs', b)).toBe(true); // same hash, same slot chain: not a duplicate
      expect(s.claimKey('logs', a)).toBe(false);
      expect(s.claimKey('logs', b)).toBe(false);
      const [c, d] = pairs[1]!;
      expect(s.claimKey('logs', c)).toBe(true);
      for (let i = 0; i < 2 * FLUSH_ENTRIES; i++) s.claimKey('logs', `fill-${i}`); // c now only in SQLite
      expect(s.claimKey('logs', d)).toBe(true); // Bloom says maybe, SQLite says no
      expect(s.claimKey('logs', c)).toBe(false);
      expect(s.claimKey('logs', d)).toBe(false);
      expect(s.claimKey('other', c)).toBe(true);
    } finally {
      s.close();
    }
  });

  it('keeps keys with lone surrogates apart in SQLite too (on Node 24 better-sqlite3 writes them as U+FFFD; the store binds them as UTF-16 BLOBs)', () => {
    // Two keys of six lone high surrogates each (legal in a JSON source: "\\ud800") with the same 32-bit
    // hash, so the Bloom filter sends the second to SQLite (found by a seeded search). A driver that
    // wrote them as UTF-8 with U+FFFD would make them one row: a false ROW_DUPLICATE_KEY.
    const pair = ['c\udb03\ud9f9\ud8d5\udb0e\udbe0\ud820', 'c\ud966\ud8ff\ud8d8\ud909\ud8ce\udb4f'] as const;
    expect(hashKey('logs', pair[0])).toBe(hashKey('logs', pair[1]));
    const [a, b] = pair;
    const s = createScratchStore();
    try {
      expect(s.claimKey('logs', a)).toBe(true);
      for (let i = 0; i < FLUSH_ENTRIES; i++) s.claimKey('logs', `fill-${i}`); // a now only in SQLite
      expect(s.claimKey('logs', b)).toBe(true);
      expect(s.claimKey('logs', 'c' + '\ufffd'.repeat(6))).toBe(true);
      for (let i = 0; i < FLUSH_ENTRIES; i++) s.claimKey('logs', `fill2-${i}`);
      expect(s.claimKey('logs', a)).toBe(false);
      expect(s.claimKey('logs', b)).toBe(false);
      expect(s.claimKey('logs', 'c' + '\ufffd'.repeat(6))).toBe(false);
    } finally {
      s.close();
    }
  });
});
