/**
 * A batch's later items leave long after the batch was marked sent (they wait for the rate budget), so a
 * record a SIGKILLed process left 'sent' may have had its request leave a moment before the kill, however
 * old its sent_ms. Here: a sandbox allowing 10 calls per 2-minute window, so the 10th task create leaves
 * ~120 virtual s after its batch was marked; it is a late commit (Zoho holds it, then commits it after
 * the client would have given up); the child is SIGKILLed the instant it leaves and a restarted child
 * begins at once. The restart must not call that record absent on the strength of its sent_ms (a
 * re-send, then the late commit: a duplicate); it waits one settle time from its first look, finds the
 * late commit and binds to it. Exactly one of each entity in Zoho.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { DEFAULT_IN_DOUBT_SETTLE_MS } from '../../src/load/exactly-once/reconcile.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { ChildConfig } from '../helpers/chaos-child.js';
import { sleep, startChild } from '../helpers/chaos-harness.js';
import { generateMigration } from '../helpers/synthetic-plan.js';
import { verifyMigration } from '../helpers/verify-migration.js';

/** Virtual time runs 20× faster: the 2-minute rate window is 6 real s, the 60 s settle time 3 real s. */
const TIME_SCALE = 20;
/** The late commit lands this long (real ms) after its request arrived: 30 virtual s, within the settle time. */
const LATE_MS = 1500;

it.override('sandboxOptions', ({ tmp }) => ({ seed: 'empty', db: join(tmp, 'sandbox.db'), timeScale: TIME_SCALE, config: { rateLimit: 10 } }));
let sandbox: Sandbox;
let dir: string;

it.beforeEach(({ sandbox: s, tmp }) => {
  dir = tmp;
  sandbox = s;
});

it(
  'SIGKILLed as a batch item that waited for the rate budget leaves (a late commit), restarted at once: found once it commits, never re-sent',
  async () => {
    const { files, expected } = generateMigration(join(dir, 'src'), { users: 2, tasklists: 2, tasks: 12, subtaskEvery: 4, timelogs: 4 });
    // The 10th task create is the first the budget holds back (9 of 10 per window, after headroom).
    sandbox.admin.setFaults([{ id: 'late', kind: 'late-commit', endpoint: 'POST /projects/{project}/tasks', nth: 10, delayMs: LATE_MS }]);
    const cfg: ChildConfig = { sandbox: { env: sandbox.env }, files, dbPath: join(dir, 'checkpoint.db'), timeScale: TIME_SCALE, timeoutMs: 5000, batchSize: 5 };
    const fired = () => sandbox.admin.faults().find((f) => f.id === 'late')?.fired ?? 0;

    const first = startChild(cfg);
    expect(await first.started).toBe(true);
    // The restart is started now and waits, so that it can begin the instant the first one dies.
    const second = startChild({ ...cfg, waitForGo: true });
    expect(await second.ready).toBe(true);
    while (fired() === 0) {
      if (first.proc.exitCode !== null) throw new Error(`first run ended before the late create: ${first.stderr().slice(-2000)}`);
      await sleep(2);
    }
    const leftAt = Date.now();
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const killedAt = sandbox.clock.now();
    second.go();

    // What the kill left: task records 'sent' whose batch was marked longer ago than the settle time.
    const db = new Database(cfg.dbPath, { readonly: true, fileMustExist: true });
    const oldest = db.prepare("SELECT min(sent_ms) AS ms, count(*) AS n FROM records WHERE step = 'tasks' AND state = 'sent'").get() as { ms: number; n: number };
    db.close();
    expect(oldest.n).toBeGreaterThan(0);
    expect(killedAt - oldest.ms).toBeGreaterThan(DEFAULT_IN_DOUBT_SETTLE_MS);

    const { code } = await second.exited;
    expect(code, second.stderr().slice(-2000)).toBe(0);
    const restartMs = sandbox.clock.now() - killedAt;
    // Look only once the late commit has surely landed: a re-send shows as a second task then.
    await sleep(Math.max(0, leftAt + LATE_MS + 500 - Date.now()));
    const v = verifyMigration(sandbox, cfg.dbPath, expected);
    const posts = sandbox.admin.counters().endpoints['POST /projects/{project}/tasks']!.calls;
    console.log(
      `[sent-settle figures] records left sent: ${oldest.n}, batch marked ${Math.round((killedAt - oldest.ms) / 1000)} virtual s before the kill; ` +
        `task POSTs ${posts} for ${expected.tasks + expected.subtasks} tasks; restart ran ${Math.round(restartMs / 1000)} virtual s; ` +
        `duplicates: ${v.duplicates.length}; missing: ${v.missing.length}; extra: ${v.extra.length}`,
    );
    expect(fired()).toBe(1);
    expect(v).toMatchObject({ duplicates: [], missing: [], extra: [], crosswalkMismatches: [] });
  },
  60_000,
);
