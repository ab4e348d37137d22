/**
 * Randomised kill/resume: the checkpoint database is closed at a random create call (before or after
 * the fake Zoho commits it), exactly like a SIGKILL between the request and the checkpoint, then a new
 * "process" reopens the file, reconciles and resumes. Time-log twins (identical natural keys from
 * distinct rows) make the reconciliation earn its keep. The fake must end with each row exactly once.
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { openCheckpointDb, type CheckpointDb } from '../../../../src/checkpoint/db.js';
import { createCheckpointStore } from '../../../../src/checkpoint/store.js';
import { createStepLoader } from '../../../../src/load/exactly-once/step-loader.js';
import type { LoadItem } from '../../../../src/load/types.js';
import type { EntityKind } from '../../../../src/core/entity-kind.js';
import { createFakeApi } from '../../../helpers/fake-api.js';
import { it } from '../../../helpers/fixtures.js';

class Killed extends Error {}

// The test's folder: it holds the checkpoint file every "process" reopens.
let dir: string;
it.beforeEach(({ tmp }) => {
  dir = tmp;
});

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function killAndResume(entity: EntityKind, items: LoadItem[], seed: number, kills: number) {
  const path = join(dir, 'p.db');
  const api = createFakeApi();
  const rand = prng(seed);
  let cdb: CheckpointDb = openCheckpointDb(path);
  let runId = createCheckpointStore(cdb.db).startRun('chaos').id;
  let killsLeft = kills;
  let armedAt = 1 + Math.floor(rand() * 5);
  let creates = 0;
  let killed = 0;
  // The kill switch: on the armed create call, the process dies before or after Zoho commits.
  api.doubtWhen = () => {
    creates++;
    if (killsLeft > 0 && creates === armedAt) {
      killsLeft--;
      killed++;
      armedAt = creates + 1 + Math.floor(rand() * 5);
      const after = rand() < 0.5;
      cdb.close();
      if (!after) throw new Killed('killed before the request reached Zoho');
      queueMicrotask(() => {});
      return 'created';
    }
    return undefined;
  };
  let attempts = 0;
  for (;;) {
    attempts++;
    if (attempts > kills + 5) throw new Error('did not converge');
    if (!cdb.db.open) cdb = openCheckpointDb(path);
    const store = createCheckpointStore(cdb.db);
    store.resumeRun(runId);
    const sl = createStepLoader({ api, store, runId, step: { name: 'step', entity, concurrency: 1 } });
    try {
      await sl.reconcile();
      for (let i = 0; i < items.length; i += 10) await sl.load(items.slice(i, i + 10));
      for (let pass = 0; pass < 3 && (store.countPending('step', ['sent', 'in-doubt', 'planned']) > 0); pass++) {
        await sl.reconcile();
        await sl.retryPlanned();
      }
      store.finishRun(runId, 'ok');
      const counts = store.counts(runId, 'step');
      const ids = items.map((it) => store.crosswalkGet('step', it.key)?.zohoId);
      cdb.close();
      return { api, counts, ids, killed };
    } catch (e) {
      if (cdb.db.open) throw e;
      // The "process" died: its database handle is gone; the next loop iteration is the next process.
    }
  }
}

describe('kill at random instants, resume, exactly once', () => {
  it('time logs with twins: 30 kills', async () => {
    const items: LoadItem[] = Array.from({ length: 120 }, (_, i) => ({
      key: `row${i}`,
      // Every 3 rows share a natural key (same project, date, owner, hours, notes).
      values: { project: '101', task: `${300 + Math.floor(i / 30)}`, date: `2026-03-${String(1 + (Math.floor(i / 3) % 28)).padStart(2, '0')}`, minutes: 30, user: '401', notes: 'work', billing: 'Billable' },
      pos: { source: 'logs.csv', line: i + 2, index: i },
    }));
    const { api, counts, ids, killed } = await killAndResume('timelog', items, 42, 30);
    expect(killed).toBe(30);
    expect(api.count('timelog')).toBe(items.length);
    expect(new Set(ids).size).toBe(items.length);
    expect(ids.every((id) => api.timelogs_.some((l) => l.id === id))).toBe(true);
    expect(counts).toMatchObject({ created: items.length, inDoubt: 0, rejected: 0 });
  });

  it('users in several projects each: 12 kills, every membership exactly once', async () => {
    const projects = ['P1', 'P2', 'P3'];
    const items: LoadItem[] = Array.from({ length: 150 }, (_, i) => ({
      key: `u${i}`,
      // One row, two or three projects: the person joins each once, whatever the kills.
      values: { email: `u${i}@acme.example`, project: projects[i % 3], projects: projects.filter((p) => i % 2 === 0 || p !== projects[i % 3]) },
      pos: { source: 'users.csv', line: i + 2, index: i },
    }));
    const { api, counts, ids, killed } = await killAndResume('user', items, 11, 12);
    expect(killed).toBe(12);
    for (const p of projects) {
      const emails = (api.projectUsers_.get(p) ?? []).map((u) => u.email);
      expect(new Set(emails).size, p).toBe(emails.length);
    }
    for (const it of items) {
      for (const p of new Set([it.values.project as string, ...(it.values.projects as string[])])) {
        expect((api.projectUsers_.get(p) ?? []).some((u) => u.email === it.values.email), `${it.key} in ${p}`).toBe(true);
      }
    }
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(counts).toMatchObject({ inDoubt: 0, rejected: 0 });
    expect(counts.created + counts.skipped).toBe(items.length);
  });

  it('tasks: 30 kills', async () => {
    const items: LoadItem[] = Array.from({ length: 150 }, (_, i) => ({
      key: `t${i}`,
      values: { project: '101', tasklist: `${200 + (i % 4)}`, name: `Task ${i}` },
      pos: { source: 'tasks.csv', line: i + 2, index: i },
    }));
    const { api, counts, ids, killed } = await killAndResume('task', items, 7, 30);
    expect(killed).toBe(30);
    expect(api.count('task')).toBe(items.length);
    expect(new Set(ids).size).toBe(items.length);
    expect(counts).toMatchObject({ created: items.length, inDoubt: 0 });
  });
});
