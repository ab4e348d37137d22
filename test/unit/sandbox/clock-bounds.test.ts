/**
 * The virtual clock stays within the end of year 9999 (options.ts MAX_CLOCK_MS): the time scale is
 * bounded, the running clock stops at the bound however fast it runs, and a stored clock a file
 * cannot be trusted with (out of range, not a number) is reset to now with a notice, not kept.
 * A file sandbox restarted without faults says that its stored faults came back.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../../src/sandbox/index.js';

const MAX_CLOCK_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

let s: Sandbox | undefined;
let dir: string | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const dbFile = () => join((dir = mkdtempSync(join(tmpdir(), 'zpetl-clock-'))), 'sandbox.db');

function setStoredClock(db: string, value: string) {
  const d = new Database(db);
  d.prepare("UPDATE meta SET value = ? WHERE key = 'clock_ms'").run(value);
  d.close();
}

describe('time scale', () => {
  it('above 1e6 (or not > 0) is refused at start, naming the bound; 1e6 is accepted', async () => {
    for (const timeScale of [1e11, 1e300, 1_000_001, 0, -1, Number.POSITIVE_INFINITY, Number.NaN]) {
      await expect(createSandbox({ timeScale }), String(timeScale)).rejects.toMatchObject({
        code: 'SANDBOX_START_FAILED',
        message: expect.stringMatching(/timeScale: expected a number > 0 and at most 1000000/),
      });
    }
    s = await createSandbox({ timeScale: 1e6, seed: 'empty' });
    expect(s.admin.time().scale).toBe(1e6);
  });
});

describe('the running clock', () => {
  it('stops at the end of year 9999 however fast it runs; what it persists (even before a SIGKILL) stays within', async () => {
    const db = dbFile();
    s = await createSandbox({ db, seed: 'empty' });
    await s.close();
    setStoredClock(db, String(MAX_CLOCK_MS - 5_000)); // 5 virtual s = 5 real µs before the end at 1e6
    s = await createSandbox({ db, timeScale: 1e6 });
    const until = Date.now() + 20;
    while (Date.now() < until); // 20 real ms = 20 000 virtual s at this scale
    const t = s.admin.time();
    expect(t.nowMs).toBe(MAX_CLOCK_MS);
    expect(t.iso).toBe('9999-12-31T23:59:59.999Z');
    const res = s.inject('GET', '/__sandbox/time', { headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(res.status).toBe(200);
    expect((res.body as any).iso).toBe('9999-12-31T23:59:59.999Z');
    // No close(): a restart reads the lease the clock persisted, as after SIGKILL.
    const s2 = await createSandbox({ db, timeScale: 1 });
    try {
      expect(s2.notices).toEqual([]);
      expect(s2.admin.time().iso).toBe('9999-12-31T23:59:59.999Z');
    } finally {
      await s2.close();
    }
  });
});

describe('a stored clock the file cannot be trusted with', () => {
  for (const stored of ['1e308', String(MAX_CLOCK_MS + 1), '-5', 'NaN', 'soon', '']) {
    it(`${JSON.stringify(stored)}: the clock starts at now, with a notice; the time call answers 200`, async () => {
      const db = dbFile();
      s = await createSandbox({ db, seed: 'empty' });
      await s.close();
      setStoredClock(db, stored);
      const before = Date.now();
      s = await createSandbox({ db });
      const res = s.inject('GET', '/__sandbox/time', { headers: { authorization: `Bearer ${s.adminToken}` } });
      expect(res.status).toBe(200);
      const nowMs = (res.body as any).nowMs as number;
      expect(nowMs).toBeGreaterThanOrEqual(before);
      expect(nowMs - before).toBeLessThan(60_000);
      expect(s.notices).toHaveLength(1);
      expect(s.notices[0]).toContain(`${db}: the stored virtual clock`);
      expect(s.notices[0]).toMatch(/is not a time up to the end of year 9999; the clock starts at now/);
      // repaired in the file: the next start says nothing
      await s.close();
      s = await createSandbox({ db });
      expect(s.notices).toEqual([]);
    });
  }

  it('a stored clock ahead of now but within the bound is kept (virtual time never goes back)', async () => {
    const db = dbFile();
    s = await createSandbox({ db, seed: 'empty' });
    await s.close();
    const ahead = Date.UTC(3000, 0, 1);
    setStoredClock(db, String(ahead));
    s = await createSandbox({ db });
    expect(s.admin.time().nowMs).toBeGreaterThanOrEqual(ahead);
    expect(s.notices).toEqual([]);
  });
});

describe('faults of a file sandbox across a restart', () => {
  it('restarted without faults: they come back with their counts, and a notice says so', async () => {
    const db = dbFile();
    s = await createSandbox({ db, seed: 'demo' });
    s.admin.setFaults([
      { id: 'a', kind: 'status', endpoint: 'GET /portals', nth: 3 },
      { id: 'b', kind: 'status', endpoint: 'GET /portals', nth: Array.from({ length: 10_000 }, (_, i) => 1_000 + i) },
    ]);
    for (let i = 0; i < 4; i++) s.inject('GET', '/api/v3/portals');
    const before = s.admin.faults();
    expect(before.map((f) => [f.id, f.seen, f.fired])).toEqual([['a', 4, 1], ['b', 4, 0]]);
    // No close(): what a SIGKILL leaves behind is what the requests wrote.
    const s2 = await createSandbox({ db });
    try {
      expect(s2.admin.faults()).toEqual(before);
      expect(s2.notices).toEqual([expect.stringMatching(new RegExp(`^2 fault\\(s\\) restored from ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))]);
    } finally {
      await s2.close();
    }
  });

  it('restarted with the same fault list: the counts go on; with none stored or a new list: no notice', async () => {
    const db = dbFile();
    const faults = [{ kind: 'status' as const, endpoint: 'GET /portals', nth: 9 }];
    s = await createSandbox({ db, seed: 'demo', faults });
    expect(s.notices).toEqual([]);
    s.inject('GET', '/api/v3/portals');
    await s.close();
    s = await createSandbox({ db, faults });
    expect(s.admin.faults()[0]!.seen).toBe(1);
    expect(s.notices).toEqual([expect.stringMatching(/^the counts of 1 fault\(s\) restored from /)]);
    await s.close();
    s = await createSandbox({ db, faults: [{ kind: 'status', endpoint: 'GET /portals', nth: 8 }] });
    expect(s.admin.faults()[0]!.seen).toBe(0);
    expect(s.notices).toEqual([]);
  });
});
