/** Milestones ("phases"): one POST each within a project; natural key = name within the project. */
import type { Milestone, MilestoneCreate, ZohoApi } from '../../zoho/types.js';
import { ScopeCache } from '../exactly-once/scope-cache.js';
import { collect } from '../collect.js';
import { compact, pickString, requireRefIds, required, type RefField } from '../target-values.js';
import { candidateOf } from '../exactly-once/created-time.js';
import { sameName } from '../exactly-once/natural-key-equality.js';
import { sendEach } from '../exactly-once/send-each.js';
import type { Candidate, EntityLoader, LoaderOptions } from '../types.js';

const REFS: readonly RefField[] = [
  { field: 'project', aliases: ['project_id'], lookup: 'project-by-name' },
  { field: 'owner', aliases: ['owner_zpuid'], lookup: 'user-by-email' },
];

export function createMilestoneLoader(api: ZohoApi, options: LoaderOptions = {}): EntityLoader {
  const cache = new ScopeCache<Milestone>((project) => collect(api.milestones.list(project)));

  function buildRequest(values: Record<string, unknown>): Record<string, unknown> {
    requireRefIds(values, REFS, options.isPlaceholder);
    const owner = pickString(values, 'owner', 'owner_zpuid');
    const flag = pickString(values, 'flag');
    return compact({
      name: required(values, 'name'),
      start_date: required(values, 'startDate', 'start_date'),
      end_date: required(values, 'endDate', 'end_date'),
      owner: owner === undefined ? undefined : { zpuid: owner },
      flag: flag === 'internal' || flag === 'external' ? flag : undefined,
    } as Record<string, unknown>);
  }
  const project = (values: Record<string, unknown>) => required(values, 'project', 'project_id');

  async function findCandidates(values: Record<string, unknown>, opts: { fresh?: boolean; key?: string } = {}): Promise<Candidate[]> {
    const name = pickString(values, 'name');
    const all = await cache.get(project(values), opts.fresh);
    return all
      .filter((m) => sameName(m.name, name))
      .map((m) => candidateOf(m));
  }

  return {
    entity: 'milestone',
    buildRequest,
    describe: (values) => {
      const p = pickString(values, 'project', 'project_id') ?? '';
      return { name: pickString(values, 'name') ?? '', scopeId: p, parents: { project: p } };
    },
    async create(items, signal) {
      return sendEach(items, 'milestone', options.concurrency ?? 4, async (item) => {
        const p = project(item.values);
        const m = await api.milestones.create(p, buildRequest(item.values) as unknown as MilestoneCreate);
        await cache.add(p, m);
        return m.id;
      }, signal);
    },
    async update(item, zohoId) {
      const m = await api.milestones.update(project(item.values), zohoId, buildRequest(item.values) as Partial<MilestoneCreate>);
      return { key: item.key, status: 'updated', zohoId: m.id ?? zohoId };
    },
    forget: () => cache.clear(),
    findCandidates,
    async findExisting(values, opts = {}) {
      return (await findCandidates(values, opts)).map((c) => c.id);
    },
  };
}
