/** Task lists: one POST each within a project; natural key = name within the project. */
import type { Tasklist, TasklistCreate, ZohoApi } from '../../zoho/types.js';
import { ScopeCache } from '../exactly-once/scope-cache.js';
import { collect } from '../collect.js';
import { compact, pickString, requireRefIds, required, type RefField } from '../target-values.js';
import { candidateOf } from '../exactly-once/created-time.js';
import { sameName } from '../exactly-once/natural-key-equality.js';
import { sendEach } from '../exactly-once/send-each.js';
import type { Candidate, EntityLoader, LoaderOptions } from '../types.js';

const REFS: readonly RefField[] = [
  { field: 'project', aliases: ['project_id'], lookup: 'project-by-name' },
  { field: 'milestone', aliases: ['milestone_id'], lookup: 'milestone-by-name' },
];

export function createTasklistLoader(api: ZohoApi, options: LoaderOptions = {}): EntityLoader {
  const cache = new ScopeCache<Tasklist>((project) => collect(api.tasklists.list(project)));

  function buildRequest(values: Record<string, unknown>): Record<string, unknown> {
    requireRefIds(values, REFS, options.isPlaceholder);
    const milestone = pickString(values, 'milestone', 'milestone_id');
    const flag = pickString(values, 'flag');
    return compact({
      name: required(values, 'name'),
      // Nested link: `milestone_id` is silently ignored by V3 (docs/zoho-api-notes.md#task-lists).
      milestone: milestone === undefined ? undefined : { id: milestone },
      flag: flag === 'internal' || flag === 'external' ? flag : undefined,
    } as Record<string, unknown>);
  }
  const project = (values: Record<string, unknown>) => required(values, 'project', 'project_id');

  async function findCandidates(values: Record<string, unknown>, opts: { fresh?: boolean } = {}): Promise<Candidate[]> {
    const name = pickString(values, 'name');
    const all = await cache.get(project(values), opts.fresh);
    return all
      .filter((t) => sameName(t.name, name))
      .map((t) => candidateOf(t));
  }

  return {
    entity: 'tasklist',
    buildRequest,
    describe: (values) => {
      const p = pickString(values, 'project', 'project_id') ?? '';
      const m = pickString(values, 'milestone', 'milestone_id');
      return { name: pickString(values, 'name') ?? '', scopeId: p, parents: { project: p, ...(m ? { milestone: m } : {}) } };
    },
    async create(items, signal) {
      return sendEach(items, 'tasklist', options.concurrency ?? 4, async (item) => {
        const p = project(item.values);
        const tl = await api.tasklists.create(p, buildRequest(item.values) as unknown as TasklistCreate);
        await cache.add(p, tl);
        return tl.id;
      }, signal);
    },
    async update(item, zohoId) {
      const tl = await api.tasklists.update(project(item.values), zohoId, buildRequest(item.values) as Partial<TasklistCreate>);
      return { key: item.key, status: 'updated', zohoId: tl.id ?? zohoId };
    },
    forget: () => cache.clear(),
    async findExisting(values, opts = {}) {
      return (await findCandidates(values, opts)).map((c) => c.id);
    },
    findCandidates,
  };
}
