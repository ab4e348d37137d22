/** Tasks (docs/zoho-api-notes.md#tasks): list includes subtasks; create answers the flat task object. */
import { paginate } from '../paginate.js';
import type { Transport } from '../transport.js';
import { ENDPOINTS, type Task, type TaskCreate, type ZohoId } from '../types.js';
import { seg, unwrapOne } from './shared.js';

export function tasksEndpoints(t: Transport, perPage = 100) {
  const one = (p: ZohoId, id: ZohoId) => `/projects/${seg(p)}/tasks/${seg(id)}`;
  return {
    list(projectId: ZohoId): AsyncIterable<Task> {
      return paginate<Task>(t, { endpoint: ENDPOINTS.tasksList, path: `/projects/${seg(projectId)}/tasks` }, { items: 'tasks', perPage });
    },
    async get(projectId: ZohoId, taskId: ZohoId): Promise<Task> {
      return unwrapOne<Task>(await t.call({ endpoint: ENDPOINTS.taskGet, path: one(projectId, taskId) }), 'task', 'task', 'tasks');
    },
    async create(projectId: ZohoId, body: TaskCreate): Promise<Task> {
      const res = await t.call({ endpoint: ENDPOINTS.taskCreate, path: `/projects/${seg(projectId)}/tasks`, body });
      return unwrapOne<Task>(res, 'task', 'task', 'tasks');
    },
    async update(projectId: ZohoId, taskId: ZohoId, body: Partial<TaskCreate>): Promise<Task> {
      return unwrapOne<Task>(await t.call({ endpoint: ENDPOINTS.taskUpdate, path: one(projectId, taskId), body }), 'task', 'task', 'tasks');
    },
    async delete(projectId: ZohoId, taskId: ZohoId): Promise<void> {
      await t.call({ endpoint: ENDPOINTS.taskDelete, path: one(projectId, taskId) });
    },
  };
}
