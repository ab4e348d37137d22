/** The loader for a step's entity. */
import type { EntityKind } from '../../core/entity-kind.js';
import type { ZohoApi } from '../../zoho/types.js';
import type { EntityLoader, LoaderOptions } from '../types.js';
import { createMilestoneLoader } from './milestones.js';
import { createProjectLoader } from './projects.js';
import { createTasklistLoader } from './tasklists.js';
import { createTaskLoader } from './tasks.js';
import { createTimelogLoader } from './timelogs.js';
import { createUserLoader, isPortalScope, projectsOfUser, type UserLoaderOptions } from './users.js';

export { createMilestoneLoader, createProjectLoader, createTasklistLoader, createTaskLoader, createTimelogLoader, createUserLoader, isPortalScope, projectsOfUser };
export type { UserLoaderOptions };

export function createEntityLoader(entity: EntityKind, api: ZohoApi, options: UserLoaderOptions = {}): EntityLoader {
  switch (entity) {
    case 'user':
      return createUserLoader(api, options);
    case 'project':
      return createProjectLoader(api, options);
    case 'milestone':
      return createMilestoneLoader(api, options);
    case 'tasklist':
      return createTasklistLoader(api, options);
    case 'task':
      return createTaskLoader(api, options);
    case 'subtask':
      return createTaskLoader(api, { ...options, subtask: true });
    case 'timelog':
      return createTimelogLoader(api, options);
  }
}

export type { LoaderOptions };
