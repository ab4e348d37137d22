/**
 * Users (docs/zoho-api-notes.md#users). Portal users live under `/api/v3.1/portal/{P}/users`; project users under
 * V3. Adding to a project sends `userdetails` as a JSON-encoded query parameter and answers
 * `{"emailvszpuid":{…}}`.
 *
 * Roles and profiles: the listing paths are UNCONFIRMED. A V3 client ([MAT]) reads `/settings/roles`
 * and `/settings/profiles`, a V2-era one ([PAN]) `/roles` and `/profiles`; the first is asked first and,
 * when the portal has no such URL rule (or answers 404), the second. The answer lists them under
 * `roles` / `profiles`.
 */
import { ZpetlError } from '../../core/errors.js';
import { paginate } from '../paginate.js';
import type { Transport } from '../transport.js';
import { ENDPOINTS, type EndpointTemplate, type Profile, type ProjectUserAdd, type Role, type User, type ZohoId } from '../types.js';
import { normaliseId, seg } from './shared.js';

/** True for the answer of a path the portal does not route: try the other spelling. */
function noSuchPath(e: unknown): boolean {
  if (!(e instanceof ZpetlError)) return false;
  const title = (e.details as { title?: unknown } | undefined)?.title;
  return e.code === 'ZOHO_NOT_FOUND' || title === 'URL_RULE_NOT_CONFIGURED';
}

async function listEither<T>(t: Transport, perPage: number, items: 'roles' | 'profiles', paths: readonly [EndpointTemplate, EndpointTemplate]): Promise<T[]> {
  const read = async (endpoint: EndpointTemplate): Promise<T[]> => {
    const out: T[] = [];
    const path = endpoint.slice('GET '.length);
    for await (const item of paginate<Record<string, unknown>>(t, { endpoint, path }, { items, perPage })) out.push(normaliseId(item) as T);
    return out;
  };
  try {
    return await read(paths[0]);
  } catch (e) {
    if (!noSuchPath(e)) throw e;
    return read(paths[1]);
  }
}

export function usersEndpoints(t: Transport, perPage = 100) {
  return {
    listPortal(): AsyncIterable<User> {
      return paginate<User>(
        t,
        { endpoint: ENDPOINTS.portalUsersList, path: '/users', base: 'portal-v3.1', query: { type: 'portal_user', view_type: 'active' } },
        { items: 'users', perPage },
      );
    },
    async getPortal(idOrEmail: string): Promise<User | undefined> {
      const res = await t.call({ endpoint: ENDPOINTS.portalUserGet, path: `/users/${seg(idOrEmail)}`, base: 'portal-v3.1', notFoundOk: true });
      const body = res?.body;
      if (!body || typeof body !== 'object') return undefined;
      const b = body as Record<string, unknown>;
      if (b.id !== undefined) return normaliseId(b) as User;
      const users = Array.isArray(b.users) ? b.users : b.user ? [b.user] : [];
      const first = users[0] as Record<string, unknown> | undefined;
      return first ? (normaliseId(first) as User) : undefined;
    },
    listProject(projectId: ZohoId): AsyncIterable<User> {
      return paginate<User>(t, { endpoint: ENDPOINTS.projectUsersList, path: `/projects/${seg(projectId)}/users` }, { items: 'users', perPage });
    },
    async addToProject(projectId: ZohoId, users: ProjectUserAdd[]): Promise<Record<string, ZohoId>> {
      if (users.length === 0) return {};
      const res = await t.call({
        endpoint: ENDPOINTS.projectUsersAdd,
        path: `/projects/${seg(projectId)}/projectusers`,
        query: { userdetails: JSON.stringify(users), notify: 'false' },
      });
      const map = (res?.body as { emailvszpuid?: unknown } | undefined)?.emailvszpuid;
      if (!map || typeof map !== 'object') {
        throw new ZpetlError('ZOHO_UNEXPECTED_RESPONSE', `adding users to project ${projectId}: the answer carries no emailvszpuid map`, { details: { status: res?.status } });
      }
      return Object.fromEntries(Object.entries(map as Record<string, unknown>).map(([email, id]) => [email, String(id)]));
    },
    listRoles(): Promise<Role[]> {
      return listEither<Role>(t, perPage, 'roles', [ENDPOINTS.rolesList, ENDPOINTS.rolesListPlain]);
    },
    listProfiles(): Promise<Profile[]> {
      return listEither<Profile>(t, perPage, 'profiles', [ENDPOINTS.profilesList, ENDPOINTS.profilesListPlain]);
    },
  };
}
