import { describe, expect, it } from 'vitest';
import { ZpetlError } from '../../../src/core/errors.js';
import type { HighWater, ItemResult } from '../../../src/checkpoint/store-types.js';
import { emptyCounts, type PipelineEvent, type StepCounts } from '../../../src/pipeline/events.js';
import { runStep, type Gate, type StepItem, type StepPort, type ValidItem } from '../../../src/pipeline/run-step.js';

const pos = (index: number) => ({ source: 'in.csv', line: index + 2, index, byteOffset: 100 + index * 10 });
const valid = (index: number): StepItem => ({ kind: 'valid', key: `k${index}`, values: { name: `n${index}` }, pos: pos(index), data: { n: index } });
const bad = (index: number): StepItem => ({
  kind: 'reject',
  error: { code: 'ROW_REQUIRED', message: 'name is required', field: 'name', pos: pos(index) },
  pos: pos(index),
  data: { n: index },
});

interface FakeLog {
  calls: string[];
  hws: (HighWater | undefined)[];
  events: PipelineEvent[];
  sent: string[][];
}

function fakePort(items: StepItem[], over: Partial<StepPort> & { answer?: (i: ValidItem) => ItemResult | undefined } = {}): StepPort & { log: FakeLog } {
  const log: FakeLog = { calls: [], hws: [], events: [], sent: [] };
  let batch = 0;
  const port: StepPort & { log: FakeLog } = {
    log,
    name: 'tasks',
    entity: 'task',
    batchSize: 3,
    initialCounts: emptyCounts,
    async *items() {
      for (const i of items) yield i;
    },
    settle: (b) => ({ send: b, settled: [] }),
    reject: (i) => {
      log.calls.push(`reject:${i.pos.index}`);
      return true;
    },
    markSent: (b) => {
      log.calls.push(`markSent:${b.map((i) => i.key).join(',')}`);
      return ++batch;
    },
    send: async (b) => {
      log.calls.push('send');
      log.sent.push(b.map((i) => i.key));
      const dflt = (i: ValidItem): ItemResult => ({ key: i.key, status: 'created', zohoId: `1${String(i.pos.index).padStart(18, '0')}` });
      return { results: b.map((i) => (over.answer ? over.answer(i) : dflt(i))).filter((r): r is ItemResult => r !== undefined) };
    },
    record: (id, _items, results, unsent, hw) => {
      log.calls.push(`record:${id}${unsent.length ? `:unsent=${unsent.join(',')}` : ''}`);
      log.hws.push(hw);
      const d = { created: 0, updated: 0, skipped: 0, rejected: 0, inDoubt: 0 };
      for (const r of results) {
        if (r.status === 'in-doubt') d.inDoubt++;
        else d[r.status]++;
      }
      return d;
    },
    cost: (b) => ({ endpoint: 'POST /projects/{project}/tasks', calls: b.length }),
    gate: async (): Promise<Gate> => ({ go: true }),
    overLimit: () => undefined,
    emit: (e) => log.events.push(e),
    ...over,
  };
  return port;
}

describe('runStep', () => {
  it('marks sent before sending and records after, with the next item as the high-water mark', async () => {
    const port = fakePort([valid(0), valid(1), valid(2), bad(3), valid(4), valid(5)]);
    const out = await runStep(port);
    expect(port.log.calls).toEqual([
      'markSent:k0,k1,k2',
      'send',
      'record:1',
      'reject:3',
      'markSent:k4,k5',
      'send',
      'record:2',
    ]);
    expect(port.log.hws).toEqual([{ index: 3, line: 5, byteOffset: 130 }, undefined]);
    expect(out.stopped).toBeUndefined();
    expect(out.counts).toMatchObject({ read: 6, valid: 5, created: 5, rejected: 1 });
    const last = port.log.events.filter((e) => e.type === 'step-progress').at(-1) as { counts: StepCounts };
    expect(last.counts.read).toBe(last.counts.created + last.counts.updated + last.counts.skipped + last.counts.rejected + last.counts.inDoubt);
  });

  it('counts a key the loader did not answer as in doubt, never as done', async () => {
    const port = fakePort([valid(0), valid(1)], { answer: (i) => (i.key === 'k1' ? undefined : { key: i.key, status: 'created', zohoId: '1' }) });
    const out = await runStep(port);
    expect(out.counts).toMatchObject({ created: 1, inDoubt: 1, read: 2 });
  });

  it('refuses a loader answer for a key outside the batch', async () => {
    const port = fakePort([valid(0)], { send: async () => ({ results: [{ key: 'zzz', status: 'created', zohoId: '1' }] }) });
    await expect(runStep(port)).rejects.toThrow(/not in the batch/);
  });

  it('records settled items without sending them', async () => {
    const port = fakePort([valid(0), valid(1)], {
      settle: (b) => ({ send: b.filter((i) => i.key !== 'k0'), settled: [{ key: 'k0', status: 'skipped', zohoId: '9' }] }),
    });
    const out = await runStep(port);
    expect(port.log.sent).toEqual([['k1']]);
    expect(out.counts).toMatchObject({ skipped: 1, created: 1, read: 2 });
  });

  it('stops before a batch the gate refuses, without marking it sent', async () => {
    let n = 0;
    const port = fakePort([0, 1, 2, 3, 4, 5, 6].map(valid), {
      gate: async () => (++n === 2 ? { go: false, reason: 'outside-window' } : { go: true }),
    });
    const out = await runStep(port);
    expect(out.stopped).toBe('outside-window');
    expect(port.log.sent).toEqual([['k0', 'k1', 'k2']]);
    expect(port.log.calls.filter((c) => c.startsWith('markSent'))).toHaveLength(1);
    expect(out.counts.read).toBe(3);
  });

  it('stops at the reject limit', async () => {
    const port = fakePort([valid(0), bad(1), bad(2), valid(3)], {
      overLimit: (c) => (c.rejected >= 2 ? new ZpetlError('RUN_REJECT_LIMIT', 'too many') : undefined),
    });
    const out = await runStep(port);
    expect(out.stopped).toBe('reject-limit');
    expect(out.error?.code).toBe('RUN_REJECT_LIMIT');
    expect(port.log.sent).toEqual([]);
  });

  it('starts from what this run already did on resume and does not count repeated rejects', async () => {
    const port = fakePort([bad(0), valid(1)], {
      initialCounts: (): StepCounts => ({ ...emptyCounts(), read: 5, valid: 4, created: 4, rejected: 1 }),
      reject: () => false,
    });
    const out = await runStep(port);
    expect(out.counts).toMatchObject({ read: 6, valid: 5, created: 5, rejected: 1 });
  });

  it('keeps the mark before the first unsent key and stops', async () => {
    const port = fakePort([0, 1, 2, 3].map(valid), {
      send: async (b) => ({ results: [{ key: b[0]!.key, status: 'created', zohoId: '1' }], unsent: b.slice(1).map((i) => i.key) }),
    });
    const out = await runStep(port);
    expect(out.stopped).toBe('interrupted');
    expect(port.log.calls).toContain('record:1:unsent=k1,k2');
    expect(port.log.hws).toEqual([{ index: 1, line: 3, byteOffset: 110 }]);
    expect(out.counts).toMatchObject({ created: 1, read: 1 });
  });

  it('records the batch before surfacing a fatal error', async () => {
    const port = fakePort([0, 1].map(valid), {
      send: async (b) => ({
        results: [{ key: b[0]!.key, status: 'created', zohoId: '1' }],
        unsent: [b[1]!.key],
        fatal: new ZpetlError('ZOHO_AUTH_INVALID_CODE', 'revoked'),
      }),
    });
    await expect(runStep(port)).rejects.toThrow(/revoked/);
    expect(port.log.calls).toContain('record:1:unsent=k1');
  });

  it('marks an empty source finished', async () => {
    const port = fakePort([]);
    const out = await runStep(port);
    expect(port.log.calls).toEqual(['record:null']);
    expect(out.counts.read).toBe(0);
  });
});
