/** Projects: one POST per project; natural key = name (portal-wide) or the external-id marker. */
import type { Project, ProjectCreate, ZohoApi } from '../../zoho/types.js';
import { ScopeCache } from '../exactly-once/scope-cache.js';
import { collect } from '../collect.js';
import { compact, customFields, pickString, requireRefIds, required, type RefField } from '../target-values.js';
import { candidateOf } from '../exactly-once/created-time.js';
import { sameName } from '../exactly-once/natural-key-equality.js';
import { sendEach } from '../exactly-once/send-each.js';
import type { Candidate, EntityLoader, LoaderOptions } from '../types.js';

const REFS: readonly RefField[] = [{ field: 'owner', aliases: ['owner_zpuid'], lookup: 'user-by-email' }];

export function createProjectLoader(api: ZohoApi, options: LoaderOptions = {}): EntityLoader {
  const cache = new ScopeCache<Project>(() => collect(api.projects.list()));
  const ext = options.externalIdField;

  function buildRequest(values: Record<string, unknown>, key?: string): Record<string, unknown> {
    requireRefIds(values, REFS, options.isPlaceholder);
    const owner = pickString(values, 'owner', 'owner_zpuid');
    const isPublic = values.isPublic ?? values.is_public ?? values.is_public_project;
    const body = compact({
      name: required(values, 'name'),
      description: pickString(values, 'description'),
      start_date: pickString(values, 'startDate', 'start_date'),
      end_date: pickString(values, 'endDate', 'end_date'),
      owner: owner === undefined ? undefined : { zpuid: owner },
      is_public_project: typeof isPublic === 'boolean' ? isPublic : undefined,
      ...customFields(values),
    } as Record<string, unknown>);
    if (ext && key !== undefined) body[ext] = key;
    return body;
  }

  async function findCandidates(values: Record<string, unknown>, opts: { fresh?: boolean; key?: string } = {}): Promise<Candidate[]> {
    const all = await cache.get('', opts.fresh);
    const name = pickString(values, 'name');
    const byMarker = ext && opts.key !== undefined ? all.filter((p) => p[ext] === opts.key) : [];
    // With a marker configured, a project marked for another key is that key's, never ours.
    const otherKey = (p: Project) => ext !== undefined && opts.key !== undefined && p[ext] !== undefined && p[ext] !== null && p[ext] !== '' && p[ext] !== opts.key;
    const byName = all.filter((p) => sameName(p.name, name) && !byMarker.includes(p) && !otherKey(p));
    return [...byMarker.map((p) => candidateOf(p, true)), ...byName.map((p) => candidateOf(p))];
  }

  return {
    entity: 'project',
    buildRequest,
    describe: (values) => ({ name: pickString(values, 'name') ?? '', scopeId: '', parents: {} }),
    async create(items, signal) {
      return sendEach(items, 'project', options.concurrency ?? 4, async (item) => {
        const p = await api.projects.create(buildRequest(item.values, item.key) as unknown as ProjectCreate);
        await cache.add('', p);
        return p.id;
      }, signal);
    },
    async update(item, zohoId) {
      const body = buildRequest(item.values, item.key);
      const p = await api.projects.update(zohoId, body as Partial<ProjectCreate>);
      return { key: item.key, status: 'updated', zohoId: p.id ?? zohoId };
    },
    forget: () => cache.clear(),
    findCandidates,
    async findExisting(values, opts = {}) {
      return (await findCandidates(values, opts)).map((c) => c.id);
    },
  };
}
