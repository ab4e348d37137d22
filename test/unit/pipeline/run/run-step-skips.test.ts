import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../../../../src/checkpoint/store-types.js';
import type { PreparedItem, PreparedSkip, PreparedValid } from '../../../../src/core/prepared-item.js';
import type { RowError } from '../../../../src/core/record.js';
import { emptyCounts } from '../../../../src/core/step-counts.js';
import type { PipelineEvent } from '../../../../src/pipeline/events.js';
import { runStep, type StepPort } from '../../../../src/pipeline/run/run-step.js';

const pos = (index: number) => ({ source: 'in.csv', line: index + 2, index, byteOffset: 100 + index * 10 });
const warning = (index: number, field: string): RowError => ({ code: 'ROW_UNKNOWN_USER', message: `${field} left empty`, field, pos: pos(index) });
const valid = (index: number, warnings?: RowError[]): PreparedValid => ({ kind: 'valid', key: `k${index}`, values: {}, pos: pos(index), data: { n: index }, ...(warnings ? { warnings } : {}) });
const skip = (index: number, reason: PreparedSkip['reason'], warnings?: RowError[]): PreparedSkip => ({ kind: 'skip', reason, pos: pos(index), data: { n: index }, ...(warnings ? { warnings } : {}) });

/** A port over `items` whose loads create everything; `seen` = rows whose skip / warnings an earlier process recorded. */
function port(items: PreparedItem[], seen: { skips?: number[]; warned?: number[] } = {}, over: Partial<StepPort> = {}) {
  const events: PipelineEvent[] = [];
  const recorded: string[] = [];
  const p: StepPort = {
    name: 'projects',
    entity: 'project',
    batchSize: 2,
    initialCounts: emptyCounts,
    async *items() {
      yield* items;
    },
    reject: () => true,
    skip: (i) => {
      recorded.push(`skip ${i.reason} ${i.pos.index}`);
      return !seen.skips?.includes(i.pos.index);
    },
    warn: (i) => {
      recorded.push(`warn ${i.pos.index}`);
      return !seen.warned?.includes(i.pos.index);
    },
    load: async (b) => {
      const results: ItemResult[] = b.map((i) => ({ key: i.key, status: 'created', zohoId: `1${i.pos.index}` }));
      return { delta: { created: b.length, updated: 0, skipped: 0, rejected: 0, inDoubt: 0 }, results, unsent: [] };
    },
    cost: (b) => ({ endpoint: 'POST /projects', calls: b.length }),
    gate: async () => ({ go: true }),
    overLimit: () => undefined,
    emit: (e) => events.push(e),
    ...over,
  };
  return { p, events, recorded };
}

describe('runStep: folded and filtered rows, warnings', () => {
  it('counts folded rows as skipped and folded, filtered ones as filtered; a row with warnings once as warned, each warning an event', async () => {
    const items = [valid(0, [warning(0, 'owner'), warning(0, 'user')]), skip(1, 'folded'), skip(2, 'folded', [warning(2, 'Project')]), skip(3, 'filtered'), valid(4)];
    const { p, events, recorded } = port(items);
    const out = await runStep(p);
    expect(out.counts).toEqual({ read: 5, valid: 2, created: 2, updated: 0, skipped: 3, filtered: 1, folded: 2, warned: 2, rejected: 0, inDoubt: 0 });
    expect(recorded).toEqual(['warn 0', 'skip folded 1', 'warn 2', 'skip folded 2', 'skip filtered 3']);
    expect(events.flatMap((e) => (e.type === 'warning' ? [`${e.error.pos.line} ${e.error.field}`] : []))).toEqual(['2 owner', '2 user', '4 Project']);
  });

  it('a resumed run re-reading rows an earlier process recorded counts them again neither as skipped nor as warned, nor tells their warnings twice', async () => {
    const items = [skip(1, 'folded', [warning(1, 'Project')]), valid(2, [warning(2, 'owner')]), skip(3, 'folded')];
    // The earlier process recorded row 1 (its fold and warning) and row 2's warning; its counts come from the store.
    const initial = { ...emptyCounts(), read: 1, skipped: 1, folded: 1, warned: 2 };
    const { p, events } = port(items, { skips: [1], warned: [1, 2] }, { initialCounts: () => initial });
    const out = await runStep(p);
    expect(out.counts).toEqual({ read: 3, valid: 1, created: 1, updated: 0, skipped: 2, folded: 2, warned: 2, rejected: 0, inDoubt: 0 });
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
  });
});
