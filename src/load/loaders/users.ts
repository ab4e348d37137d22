/**
 * Users. Project users go through the real bulk add (`userdetails` array, docs/zoho-api-notes.md#users) in batches
 * of `userBatchSize` per project, answered per email from Zoho's `emailvszpuid` map. A batch-level refusal (4xx)
 * is bisected: halves are retried until each offending row stands alone and is rejected with Zoho's
 * message, while the good rows land. The add sends `email_id`, `role_id` and `profile_id`: nothing else
 * of a person can be set (the field table refuses names at validate).
 *
 * Several projects: a row's `project` and `projects` together name the projects the person joins. The
 * record is the row (one key, one zpuid): it is done when the person is a member of every one of them.
 * A membership is a set (re-adding a member adds nothing), so exactly-once needs no new protocol: the
 * natural-key match (findExisting) answers the person only when every membership exists, create adds
 * only the memberships still missing (one bulk call per project), and a record left in doubt by a kill
 * is re-listed and completed, never duplicated. A row partly added before the kill counts as in doubt,
 * since something of it was sent.
 *
 * Portal users: the V3 API this client speaks has no portal invitation call, so a portal-scope user
 * step checks each email against the portal (skipped when present); the others are refused by
 * `refuseUnmatched`, the one rule the run and the dry run share.
 */
import { ZpetlError } from '../../core/errors.js';
import type { RowError } from '../../core/record.js';
import type { User, ZohoApi } from '../../zoho/types.js';
import { ScopeCache } from '../exactly-once/scope-cache.js';
import { collect } from '../collect.js';
import { compact, nonIdRef, pickList, pickString, required, type RefField } from '../target-values.js';
import { classifyFailure } from '../exactly-once/classify-failure.js';
import { normEmail } from '../exactly-once/natural-key-equality.js';
import type { AttemptBatch, AttemptResult, EntityLoader, LoadItem, LoaderOptions } from '../types.js';
import { addMemberships, combineMemberships, membersWithEmail, type MembershipContext } from './user-memberships.js';

export interface UserLoaderOptions extends LoaderOptions {
  /** 'project' (default when the values carry a project) adds to projects; 'portal' checks the portal. */
  scope?: 'project' | 'portal';
}

/**
 * Role and profile reach Zoho as ids (`role_id`, `profile_id`); a name is looked up by the field's
 * `lookup: { kind: role-by-name }` (or `profile-by-name`) before it gets here. A value that is still no
 * id is refused rather than sent and silently ignored.
 */
const REFS: readonly RefField[] = [
  { field: 'role', aliases: ['role_id'], lookup: 'role-by-name' },
  { field: 'profile', aliases: ['profile_id'], lookup: 'profile-by-name' },
];

function nonIdError(values: Record<string, unknown>, item: LoadItem): RowError | undefined {
  const e = nonIdRef(values, REFS);
  return e === undefined ? undefined : { code: e.code, message: e.message, field: e.field ?? '', value: e.value, pos: item.pos };
}

/**
 * Whether a user step or row is portal scope (each e-mail only checked against the portal, nothing
 * sent): `scope: portal`, or no scope and no project named. A `scope: project` row naming no project is
 * no portal check but a ROW_REQUIRED reject (refuseUnmatched). The one rule of validate (schema.ts),
 * init, the loader and the dry run.
 */
export function isPortalScope(scope: 'project' | 'portal' | undefined, namesProject: boolean): boolean {
  return scope === 'portal' || (scope !== 'project' && !namesProject);
}

/** Every project a user row names (`project`, then `projects`), each once, in order: one bulk add per project. */
export function projectsOfUser(values: Record<string, unknown>): string[] {
  return [...new Set([...pickList(values, 'project', 'project_id'), ...pickList(values, 'projects')])];
}

/**
 * The user loader (see the file's top): a project-scope row adds its person to each project it names
 * that they are not a member of yet, in bulk per project; a portal-scope row (`scope: portal`, or no
 * project in the row) only checks that the e-mail is a portal user, refusing the others through
 * `refuseUnmatched`. A row's natural key is its normalised e-mail.
 */
export function createUserLoader(api: ZohoApi, options: UserLoaderOptions = {}): EntityLoader {
  const batchSize = Math.max(1, options.userBatchSize ?? 50);
  const projectUsers = new ScopeCache<User>((project) => collect(api.users.listProject(project)));
  const emailOf = (values: Record<string, unknown>) => normEmail(required(values, 'email', 'email_id'));
  const projectsOf = projectsOfUser;
  const isPortal = (values: Record<string, unknown>) => isPortalScope(options.scope, projectsOf(values).length > 0);

  function buildRequest(values: Record<string, unknown>): Record<string, unknown> {
    return compact({
      email_id: emailOf(values),
      role_id: pickString(values, 'role', 'role_id'),
      profile_id: pickString(values, 'profile', 'profile_id'),
    } as Record<string, unknown>);
  }

  function refuseUnmatched(item: LoadItem): RowError | undefined {
    if (options.scope === 'project' && projectsOf(item.values).length === 0) {
      // Not a portal check in disguise: the row was meant to join a project and names none.
      return { code: 'ROW_REQUIRED', message: 'a user step with scope: project needs a project (field "project" or "projects"); this row names none', field: 'project', pos: item.pos };
    }
    if (isPortal(item.values)) {
      const email = emailOf(item.values);
      return {
        code: 'ROW_UNKNOWN_USER',
        message: `${email} is not a user of the portal; invite them in Zoho Projects first (the V3 API has no portal invitation call)`,
        field: 'email',
        value: email,
        pos: item.pos,
      };
    }
    return nonIdError(item.values, item);
  }

  async function lookupPortal(email: string): Promise<string[]> {
    const u = await api.users.getPortal(email);
    return u && normEmail(u.email ?? email) === email ? [u.id] : [];
  }

  const members: MembershipContext = { api, batchSize, projectUsers, emailOf, projectsOf, buildRequest };

  /** Portal scope: present → skipped with the portal user's id; absent → refuseUnmatched's reject. */
  async function checkPortal(it: LoadItem, state: { fatal?: ZpetlError }, signal?: AbortSignal): Promise<AttemptResult> {
    if (state.fatal || signal?.aborted) return { key: it.key, status: 'unsent' };
    try {
      const [id] = await lookupPortal(emailOf(it.values));
      return id !== undefined ? { key: it.key, status: 'skipped', zohoId: id } : { key: it.key, status: 'rejected', error: refuseUnmatched(it)! };
    } catch (e) {
      const f = classifyFailure(e, it, 'user', false);
      if (f.kind === 'rejected') return { key: it.key, status: 'rejected', error: f.error };
      if (f.kind === 'fatal') state.fatal ??= f.cause;
      return { key: it.key, status: 'unsent' };
    }
  }

  return {
    entity: 'user',
    idsPerScope: true,
    // Zoho's bulk add answers an email that is already a member with its id, but adds nothing:
    // counting that as created would say what Zoho did not do. Members are found and skipped first.
    matchesInEveryMode: true,
    buildRequest,
    refuseUnmatched,
    describe: (values) => {
      if (isPortal(values)) return { name: emailOf(values), scopeId: '', parents: {} };
      const projects = projectsOf(values);
      // The record's scope is its set of projects (one project: that project's id, as before).
      return { name: emailOf(values), scopeId: [...projects].sort().join(','), parents: { project: projects[0]! } };
    },
    async create(items, signal): Promise<AttemptBatch> {
      const out = new Map<string, AttemptResult>();
      const state: { fatal?: ZpetlError } = {};
      const toProjects: LoadItem[] = [];
      for (const it of items) {
        if (isPortal(it.values)) out.set(it.key, await checkPortal(it, state, signal));
        else {
          const refused = refuseUnmatched(it);
          if (refused !== undefined) out.set(it.key, { key: it.key, status: 'rejected', error: refused });
          else toProjects.push(it);
        }
      }
      const perProject = await addMemberships(members, toProjects, state, signal);
      for (const it of toProjects) out.set(it.key, combineMemberships(it, projectsOf(it.values), perProject));
      return {
        results: items.map((it) => out.get(it.key) ?? { key: it.key, status: 'unsent' as const }),
        ...(state.fatal ? { fatal: state.fatal } : {}),
      };
    },
    async update(item, zohoId) {
      // Nothing of a user is PATCHed by this toolkit (roles are set on add); existing = skipped.
      return { key: item.key, status: 'skipped', zohoId };
    },
    forget: () => projectUsers.clear(),
    // No findCandidates: Zoho holds one user per email, so a member found by email is that person
    // whoever added them (re-adding cannot make a second one); reconciliation needs no created-time floor.
    // Several projects: the person, only when a member of every one (else the rest is still to add).
    async findExisting(values, opts = {}) {
      const email = emailOf(values);
      if (isPortal(values)) return lookupPortal(email);
      let id: string | undefined;
      for (const project of projectsOf(values)) {
        const [found] = await membersWithEmail(members, project, email, opts.fresh === true);
        if (found === undefined) return [];
        id ??= found;
      }
      return id === undefined ? [] : [id];
    },
  };
}
