import { describe, expect, it } from 'vitest';
import { ZpetlError } from '../../../../src/core/errors.js';
import { SOURCE_BREAK_DETAILS } from '../../../../src/core/source-break.js';
import type { HighWater, ItemResult } from '../../../../src/checkpoint/store-types.js';
import type { PreparedItem, PreparedValid } from '../../../../src/core/prepared-item.js';
import { emptyCounts, type StepCounts } from '../../../../src/core/step-counts.js';
import type { PipelineEvent } from '../../../../src/pipeline/events.js';
import { runStep, type BatchResult, type Gate, type StepPort } from '../../../../src/pipeline/run/run-step.js';

const pos = (index: number) => ({ source: 'in.csv', line: index + 2, index, byteOffset: 100 + index * 10 });
const valid = (index: number): PreparedItem => ({ kind: 'valid', key: `k${index}`, values: { name: `n${index}` }, pos: pos(index), data: { n: index } });
const bad = (index: number): PreparedItem => ({
  kind: 'reject',
  error: { code: 'ROW_REQUIRED', message: 'name is required', field: 'name', pos: pos(index) },
  pos: pos(index),
  data: { n: index },
});

interface FakeLog {
  calls: string[];
  hws: (HighWater | undefined)[];
  events: PipelineEvent[];
}

const tally = (results: ItemResult[]): BatchResult['delta'] => {
  const d = { created: 0, updated: 0, skipped: 0, rejected: 0, inDoubt: 0 };
  for (const r of results) {
    if (r.status === 'in-doubt') d.inDoubt++;
    else d[r.status]++;
  }
  return d;
};

function fakePort(items: PreparedItem[], over: Partial<StepPort> = {}): StepPort & { log: FakeLog } {
  const log: FakeLog = { calls: [], hws: [], events: [] };
  return {
    log,
    name: 'tasks',
    entity: 'task',
    batchSize: 3,
    initialCounts: emptyCounts,
    async *items() {
      for (const i of items) yield i;
    },
    reject: (i) => {
      log.calls.push(`reject:${i.pos.index}`);
      return true;
    },
    load: async (b: PreparedValid[], hw) => {
      log.calls.push(`load:${b.map((i) => i.key).join(',')}`);
      log.hws.push(hw);
      const results: ItemResult[] = b.map((i) => ({ key: i.key, status: 'created', zohoId: `1${String(i.pos.index).padStart(18, '0')}` }));
      return { delta: tally(results), results, unsent: [] };
    },
    cost: (b) => ({ endpoint: 'POST /projects/{project}/tasks', calls: b.length }),
    gate: async (): Promise<Gate> => ({ go: true }),
    overLimit: () => undefined,
    emit: (e) => log.events.push(e),
    ...over,
  };
}

describe('runStep', () => {
  it('loads full batches with the next unread item as the high-water mark, rejects in between', async () => {
    const port = fakePort([valid(0), valid(1), valid(2), bad(3), valid(4), valid(5)]);
    const out = await runStep(port);
    expect(port.log.calls).toEqual(['load:k0,k1,k2', 'reject:3', 'load:k4,k5']);
    expect(port.log.hws).toEqual([{ index: 3, line: 5, byteOffset: 130 }, undefined]);
    expect(out.stopped).toBeUndefined();
    expect(out.counts).toMatchObject({ read: 6, valid: 5, created: 5, rejected: 1 });
    const last = port.log.events.filter((e) => e.type === 'step-progress').at(-1) as { counts: StepCounts };
    expect(last.counts.read).toBe(last.counts.created + last.counts.updated + last.counts.skipped + last.counts.rejected + last.counts.inDoubt);
  });

  it('reports rows Zoho refused as reject events', async () => {
    const port = fakePort([valid(0)], {
      load: async (b) => {
        const results: ItemResult[] = [{ key: b[0]!.key, status: 'rejected', error: { code: 'ROW_REJECTED_BY_ZOHO', message: 'no', field: 'name', pos: pos(0) } }];
        return { delta: tally(results), results, unsent: [] };
      },
    });
    const out = await runStep(port);
    expect(out.counts).toMatchObject({ read: 1, valid: 1, rejected: 1 });
    expect(port.log.events.some((e) => e.type === 'reject' && e.error.code === 'ROW_REJECTED_BY_ZOHO')).toBe(true);
  });

  it('stops before a batch the gate refuses, without loading it', async () => {
    let n = 0;
    const port = fakePort([0, 1, 2, 3, 4, 5, 6].map(valid), {
      gate: async () => (++n === 2 ? { go: false, reason: 'outside-window' } : { go: true }),
    });
    const out = await runStep(port);
    expect(out.stopped).toBe('outside-window');
    expect(port.log.calls).toEqual(['load:k0,k1,k2']);
    expect(out.counts.read).toBe(3);
  });

  it('stops at the reject limit', async () => {
    const port = fakePort([valid(0), bad(1), bad(2), valid(3)], {
      overLimit: (c) => (c.rejected >= 2 ? new ZpetlError('RUN_REJECT_LIMIT', 'too many') : undefined),
    });
    const out = await runStep(port);
    expect(out.stopped).toBe('reject-limit');
    expect(out.error?.code).toBe('RUN_REJECT_LIMIT');
    expect(port.log.calls.filter((c) => c.startsWith('load'))).toEqual([]);
  });

  it('completes but reports the limit when it is crossed by the last batch', async () => {
    const port = fakePort([valid(0)], { overLimit: (c) => (c.read >= 1 ? new ZpetlError('RUN_REJECT_LIMIT', 'too many') : undefined) });
    const out = await runStep(port);
    expect(out.stopped).toBeUndefined();
    expect(out.error?.code).toBe('RUN_REJECT_LIMIT');
  });

  it('starts from what this run already did on resume and does not count repeated rejects', async () => {
    const port = fakePort([bad(0), valid(1)], {
      initialCounts: (): StepCounts => ({ ...emptyCounts(), read: 5, valid: 4, created: 4, rejected: 1 }),
      reject: () => false,
    });
    const out = await runStep(port);
    expect(out.counts).toMatchObject({ read: 6, valid: 5, created: 5, rejected: 1 });
  });

  it('treats unsent keys as a stop', async () => {
    const port = fakePort([0, 1].map(valid), {
      load: async (b) => {
        const results: ItemResult[] = [{ key: b[0]!.key, status: 'created', zohoId: '1' }];
        return { delta: tally(results), results, unsent: [b[1]!.key] };
      },
    });
    const out = await runStep(port);
    expect(out.stopped).toBe('interrupted');
    expect(out.counts).toMatchObject({ created: 1, read: 1 });
  });

  it('lets a fatal error through', async () => {
    const port = fakePort([valid(0)], {
      load: async () => {
        throw new ZpetlError('ZOHO_AUTH_INVALID_CODE', 'revoked');
      },
    });
    await expect(runStep(port)).rejects.toThrow(/revoked/);
  });

  it('handles an empty source', async () => {
    const port = fakePort([]);
    const out = await runStep(port);
    expect(port.log.calls).toEqual([]);
    expect(out.counts.read).toBe(0);
  });
});

describe('runStep at a source error mid-read', () => {
  const breakAt = (index: number) =>
    new ZpetlError('SOURCE_PARSE', 'in.json: the JSON array breaks at line 9, column 3', {
      pos: { source: 'in.json', line: 9, index, byteOffset: 777 },
      details: { recordsRead: index, ...SOURCE_BREAK_DETAILS },
    });
  const throwing = (items: PreparedItem[], error: ZpetlError) =>
    async function* () {
      for (const i of items) yield i;
      throw error;
    };

  it('a marked break with rows pending: they are loaded with the mark at the break, then the break is thrown', async () => {
    const error = breakAt(2);
    const port = fakePort([], { items: throwing([valid(0), valid(1)], error) });
    await expect(runStep(port)).rejects.toBe(error);
    expect(port.log.calls).toEqual(['load:k0,k1']);
    expect(port.log.hws).toEqual([{ index: 2, line: 9, byteOffset: 777 }]);
  });

  it('a SOURCE_ error with a position that is not a marked break: thrown as is, nothing pending is loaded, no mark past it', async () => {
    const error = new ZpetlError('SOURCE_BINARY', 'in.csv: binary content at byte 130', { pos: { source: 'in.csv', line: 5, index: 3, byteOffset: 130 } });
    const port = fakePort([], { items: throwing([valid(0), valid(1)], error) });
    await expect(runStep(port)).rejects.toBe(error);
    expect(port.log.calls).toEqual([]);
    expect(port.log.hws).toEqual([]);
  });

  it('a break whose pending rows the gate stops: the outcome is interrupted, not the break', async () => {
    const port = fakePort([], { items: throwing([valid(0)], breakAt(1)), gate: async () => ({ go: false, reason: 'interrupted' }) });
    const out = await runStep(port);
    expect(out.stopped).toBe('interrupted');
    expect(port.log.calls).toEqual([]);
  });
});
