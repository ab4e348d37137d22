/** Task lists (docs/zoho-api-notes.md#task-lists): create answers vary (root, `tasklist`, `tasklists[0]`). */
import { paginate } from '../paginate.js';
import type { Transport } from '../transport.js';
import { ENDPOINTS, type Tasklist, type TasklistCreate, type ZohoId } from '../types.js';
import { seg, unwrapOne } from './shared.js';

export function tasklistsEndpoints(t: Transport, perPage = 100) {
  return {
    list(projectId: ZohoId): AsyncIterable<Tasklist> {
      return paginate<Tasklist>(t, { endpoint: ENDPOINTS.tasklistsList, path: `/projects/${seg(projectId)}/tasklists` }, { items: 'tasklists', perPage });
    },
    async create(projectId: ZohoId, body: TasklistCreate): Promise<Tasklist> {
      const res = await t.call({ endpoint: ENDPOINTS.tasklistCreate, path: `/projects/${seg(projectId)}/tasklists`, body });
      return unwrapOne<Tasklist>(res, 'tasklist', 'tasklist', 'tasklists');
    },
    async update(projectId: ZohoId, tasklistId: ZohoId, body: Partial<TasklistCreate>): Promise<Tasklist> {
      const res = await t.call({ endpoint: ENDPOINTS.tasklistUpdate, path: `/projects/${seg(projectId)}/tasklists/${seg(tasklistId)}`, body });
      return unwrapOne<Tasklist>(res, 'tasklist', 'tasklist', 'tasklists');
    },
  };
}
