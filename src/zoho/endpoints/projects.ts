/**
 * Projects (docs/zoho-api-notes.md#projects). The list is a top-level array without page_info (stop on a short page);
 * delete is `POST /projects/{J}/trash` → 204.
 */
import { paginate } from '../paginate.js';
import type { Transport } from '../transport.js';
import { ENDPOINTS, type Project, type ProjectCreate, type ZohoId } from '../types.js';
import { seg, unwrapOne } from './shared.js';

export function projectsEndpoints(t: Transport, perPage = 100) {
  return {
    list(): AsyncIterable<Project> {
      return paginate<Project>(t, { endpoint: ENDPOINTS.projectsList, path: '/projects' }, { items: (b) => (Array.isArray(b) ? b : (b as { projects?: unknown[] })?.projects), perPage });
    },
    async get(projectId: ZohoId): Promise<Project> {
      return unwrapOne<Project>(await t.call({ endpoint: ENDPOINTS.projectGet, path: `/projects/${seg(projectId)}` }), 'project', 'project', 'projects');
    },
    async create(body: ProjectCreate): Promise<Project> {
      return unwrapOne<Project>(await t.call({ endpoint: ENDPOINTS.projectCreate, path: '/projects', body }), 'project', 'project', 'projects');
    },
    async update(projectId: ZohoId, body: Partial<ProjectCreate>): Promise<Project> {
      return unwrapOne<Project>(await t.call({ endpoint: ENDPOINTS.projectUpdate, path: `/projects/${seg(projectId)}`, body }), 'project', 'project', 'projects');
    },
    async trash(projectId: ZohoId): Promise<void> {
      await t.call({ endpoint: ENDPOINTS.projectTrash, path: `/projects/${seg(projectId)}/trash` });
    },
  };
}
