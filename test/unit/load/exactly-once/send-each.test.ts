/**
 * The send of one batch (README.md#the-four-steps-of-a-batch-and-what-each-writes, step 3): one call
 * per item, at most `concurrency` in flight, every item answered exactly once; after a fatal error or
 * a stop no new call starts and the items never started answer `unsent`.
 */
import { describe, expect, it } from 'vitest';
import { ZpetlError } from '../../../../src/core/errors.js';
import { sendEach } from '../../../../src/load/exactly-once/send-each.js';
import type { LoadItem } from '../../../../src/load/types.js';

const items = (n: number): LoadItem[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, values: { name: `Task ${i}` }, pos: { source: 'tasks.csv', line: i + 2, index: i } }));

/** Calls that answer only when the test says so: `started` in call order, `answer(key, id | error)`. */
function heldCalls() {
  const waiting = new Map<string, { resolve: (id: string) => void; reject: (e: unknown) => void }>();
  const started: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const call = (item: LoadItem) =>
    new Promise<string>((resolve, reject) => {
      started.push(item.key);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      const done = () => inFlight--;
      waiting.set(item.key, { resolve: (id) => (done(), resolve(id)), reject: (e) => (done(), reject(e)) });
    });
  /** Lets pending promise callbacks run (the workers pick their next item). */
  const settle = () => new Promise((r) => setImmediate(r));
  return {
    call,
    started,
    maxInFlight: () => maxInFlight,
    settle,
    async answer(key: string, outcome: string | Error) {
      const w = waiting.get(key);
      if (!w) throw new Error(`${key} was not started`);
      if (typeof outcome === 'string') w.resolve(outcome);
      else w.reject(outcome);
      await settle();
    },
  };
}

const fatal = () => new ZpetlError('ZOHO_TOKEN_INVALID', 'token revoked', { disposition: 'fatal' });
const doubt = () => new ZpetlError('ZOHO_IN_DOUBT', 'connection reset');
const refusal = () => new ZpetlError('ZOHO_BAD_REQUEST', 'name is too long', { disposition: 'reject-row', details: { title: 'INVALID_PARAMETER_VALUE', fieldName: 'name' } });

describe('sendEach', () => {
  it('answers every item once, in item order, with the id of its call (created by default, updated when asked)', async () => {
    const created = await sendEach(items(3), 'task', 2, async (it) => `id-${it.key}`);
    expect(created).toEqual({
      results: [
        { key: 'k0', status: 'created', zohoId: 'id-k0' },
        { key: 'k1', status: 'created', zohoId: 'id-k1' },
        { key: 'k2', status: 'created', zohoId: 'id-k2' },
      ],
    });
    expect('fatal' in created).toBe(false);
    const updated = await sendEach(items(1), 'task', 1, async () => '9', undefined, 'updated');
    expect(updated.results).toEqual([{ key: 'k0', status: 'updated', zohoId: '9' }]);
  });

  it('results follow item order even when the calls finish in another order', async () => {
    const h = heldCalls();
    const p = sendEach(items(3), 'task', 3, h.call);
    await h.settle();
    await h.answer('k2', 'c');
    await h.answer('k0', 'a');
    await h.answer('k1', 'b');
    expect((await p).results.map((r) => r.status === 'created' && r.zohoId)).toEqual(['a', 'b', 'c']);
  });

  it('keeps at most `concurrency` calls in flight, and starts the next as one ends', async () => {
    const h = heldCalls();
    const p = sendEach(items(5), 'task', 2, h.call);
    await h.settle();
    expect(h.started).toEqual(['k0', 'k1']);
    await h.answer('k1', 'b');
    expect(h.started).toEqual(['k0', 'k1', 'k2']);
    for (const k of ['k0', 'k2']) await h.answer(k, k);
    for (const k of ['k3', 'k4']) await h.answer(k, k);
    await p;
    expect(h.maxInFlight()).toBe(2);
  });

  it('a concurrency of 0 still sends, one at a time; no items, no call', async () => {
    let calls = 0;
    expect((await sendEach(items(2), 'task', 0, async () => String(++calls))).results.map((r) => r.status)).toEqual(['created', 'created']);
    expect(calls).toBe(2);
    expect(await sendEach([], 'task', 4, async () => String(++calls))).toEqual({ results: [] });
    expect(calls).toBe(2);
  });

  it('a rejected row and an in-doubt create are answered and the batch goes on', async () => {
    const batch = await sendEach(items(3), 'task', 1, async (it) => {
      if (it.key === 'k0') throw refusal();
      if (it.key === 'k1') throw doubt();
      return '3';
    });
    expect(batch.results[0]).toMatchObject({ key: 'k0', status: 'rejected', error: { code: 'ROW_REJECTED_BY_ZOHO', field: 'name', value: 'Task 0', pos: { line: 2 } } });
    expect(batch.results[0]).toMatchObject({ error: { message: 'Zoho refused the task (INVALID_PARAMETER_VALUE): name is too long' } });
    expect(batch.results.slice(1)).toEqual([
      { key: 'k1', status: 'in-doubt' },
      { key: 'k2', status: 'created', zohoId: '3' },
    ]);
    expect(batch.fatal).toBeUndefined();
  });

  it('after a fatal error no new call starts: its item and the rest answer unsent, the batch carries the cause', async () => {
    const started: string[] = [];
    const cause = fatal();
    const batch = await sendEach(items(4), 'task', 1, async (it) => {
      started.push(it.key);
      if (it.key === 'k1') throw cause;
      return '1';
    });
    expect(started).toEqual(['k0', 'k1']);
    expect(batch.results.map((r) => r.status)).toEqual(['created', 'unsent', 'unsent', 'unsent']);
    expect(batch.fatal).toBe(cause);
  });

  it('a call in flight when another fails fatally still keeps its answer', async () => {
    const h = heldCalls();
    const p = sendEach(items(4), 'task', 2, h.call);
    await h.settle();
    await h.answer('k0', fatal());
    await h.answer('k1', 'b');
    const batch = await p;
    expect(h.started).toEqual(['k0', 'k1']);
    expect(batch.results).toEqual([
      { key: 'k0', status: 'unsent' },
      { key: 'k1', status: 'created', zohoId: 'b' },
      { key: 'k2', status: 'unsent' },
      { key: 'k3', status: 'unsent' },
    ]);
    expect(batch.fatal?.code).toBe('ZOHO_TOKEN_INVALID');
  });

  it('an unknown exception leaves its item in doubt (never unsent) and stops the batch', async () => {
    const started: string[] = [];
    const batch = await sendEach(items(3), 'task', 1, async (it) => {
      started.push(it.key);
      if (it.key === 'k0') throw new TypeError('x is undefined');
      return '1';
    });
    expect(started).toEqual(['k0']);
    expect(batch.results).toEqual([
      { key: 'k0', status: 'in-doubt' },
      { key: 'k1', status: 'unsent' },
      { key: 'k2', status: 'unsent' },
    ]);
    expect(batch.fatal).toMatchObject({ code: 'INTERNAL', message: 'x is undefined' });
  });

  it('the first fatal error is the batch cause', async () => {
    const first = fatal();
    const h = heldCalls();
    const p = sendEach(items(2), 'task', 2, h.call);
    await h.settle();
    await h.answer('k1', first);
    await h.answer('k0', new ZpetlError('ZOHO_SCOPE_MISSING', 'later'));
    expect((await p).fatal).toBe(first);
  });

  it('a stop signal given before the send: no call, every item unsent, no fatal error', async () => {
    const ac = new AbortController();
    ac.abort();
    let calls = 0;
    const batch = await sendEach(items(3), 'task', 2, async () => String(++calls), ac.signal);
    expect(calls).toBe(0);
    expect(batch).toEqual({ results: items(3).map((it) => ({ key: it.key, status: 'unsent' })) });
  });

  it('a stop during the send: calls in flight finish and keep their answer, none starts after', async () => {
    const ac = new AbortController();
    const h = heldCalls();
    const p = sendEach(items(4), 'task', 2, h.call, ac.signal);
    await h.settle();
    ac.abort();
    await h.answer('k0', 'a');
    await h.answer('k1', 'b');
    const batch = await p;
    expect(h.started).toEqual(['k0', 'k1']);
    expect(batch.results.map((r) => r.status)).toEqual(['created', 'created', 'unsent', 'unsent']);
    expect(batch.fatal).toBeUndefined();
  });
});
