/** Milestones (docs/zoho-api-notes.md#milestones): `{"milestones":[…], "page_info"}`. */
import { paginate } from '../paginate.js';
import type { Transport } from '../transport.js';
import { ENDPOINTS, type Milestone, type MilestoneCreate, type ZohoId } from '../types.js';
import { seg, unwrapOne } from './shared.js';

export function milestonesEndpoints(t: Transport, perPage = 100) {
  return {
    list(projectId: ZohoId): AsyncIterable<Milestone> {
      return paginate<Milestone>(t, { endpoint: ENDPOINTS.milestonesList, path: `/projects/${seg(projectId)}/milestones` }, { items: 'milestones', perPage });
    },
    async create(projectId: ZohoId, body: MilestoneCreate): Promise<Milestone> {
      const res = await t.call({ endpoint: ENDPOINTS.milestoneCreate, path: `/projects/${seg(projectId)}/milestones`, body });
      return unwrapOne<Milestone>(res, 'milestone', 'milestone', 'milestones');
    },
    async update(projectId: ZohoId, milestoneId: ZohoId, body: Partial<MilestoneCreate>): Promise<Milestone> {
      const res = await t.call({ endpoint: ENDPOINTS.milestoneUpdate, path: `/projects/${seg(projectId)}/milestones/${seg(milestoneId)}`, body });
      return unwrapOne<Milestone>(res, 'milestone', 'milestone', 'milestones');
    },
  };
}
