/**
 * The portal's roles and profiles (docs/zoho-api-notes.md#users): `GET /settings/roles`,
 * `GET /settings/profiles` (as a V3 client reads them) and `GET /roles`, `GET /profiles` (as a V2-era
 * client does). Which paths a real portal routes is UNCONFIRMED: `config.roleListingPaths` picks
 * `'settings'` (default), `'plain'` or `'both'`; a path switched off answers like any unknown path
 * (400 URL_RULE_NOT_CONFIGURED). The lists are the seeded sets (ROLES, PROFILES), shaped as the V3
 * user object carries them (`role {id, name}`, `portal_profile {id, name, is_default}`).
 */
import type { SandboxContext } from '../context.js';
import { fail } from '../v3-error.js';
import { listResponse, paging, type Route } from './common.js';
import { PROFILES, ROLES } from './users.js';

type Family = 'settings' | 'plain';

function served(ctx: SandboxContext, family: Family): boolean {
  const paths = ctx.config.roleListingPaths;
  return paths === 'both' || paths === family;
}

function listing(template: string, family: Family, key: 'roles' | 'profiles', items: () => readonly object[]): Route {
  return {
    method: 'GET',
    template,
    scope: 'users.READ',
    handle: ({ ctx, req }) => {
      if (!served(ctx, family)) throw fail.noRoute(req.path);
      const p = paging(ctx, req);
      const all = items();
      return listResponse(ctx, key, all.slice(p.offset, p.offset + p.perPage + 1), p);
    },
  };
}

const roles = () => Object.values(ROLES);
const profiles = () => Object.values(PROFILES);

export const roleRoutes: Route[] = [
  listing('/settings/roles', 'settings', 'roles', roles),
  listing('/settings/profiles', 'settings', 'profiles', profiles),
  listing('/roles', 'plain', 'roles', roles),
  listing('/profiles', 'plain', 'profiles', profiles),
];
