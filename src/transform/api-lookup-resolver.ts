/**
 * Lookups through the Zoho client. Each list (portal users, projects, one project's users, task lists,
 * milestones or tasks) is fetched once per scope and indexed; the client paces the calls within the
 * budget. Up to `cacheSize` listings are kept (least recently used dropped first); concurrent lookups
 * of the same scope share one listing, and user-by-email and user-by-name share the users' listing.
 *
 * Names match as src/transform/name-match.ts says (exact and NFC, then case-insensitive); a name that
 * matches several records is answered as ambiguous, naming them (users by e-mail, others by id), and
 * the row is refused rather than attached to a guess. E-mails match case-insensitively. A user's name
 * is its display name: `full_name`, else first and last name, else `name`
 * (docs/zoho-api-notes.md#users). `task-by-name` reads the project's task listing, which includes
 * subtasks (docs/zoho-api-notes.md#tasks), narrowed by task list when asked. `task-by-key` is never
 * answered here: source keys live in the crosswalk (loader) or the dry run's rows; chain those
 * resolvers before this one.
 */
import { normEmail } from '../core/norm-email.js';
import type { Task, User, ZohoApi } from '../zoho/types.js';
import { userDisplayName } from '../zoho/user-display-name.js';
import type { LookupSpec } from './lookup-spec.js';
import type { LookupAnswer, LookupResolver } from './lookup-types.js';
import { findName, indexNames, type NamedRecord, type NameIndex } from './name-match.js';

export interface ApiLookupResolver extends LookupResolver {
  /** Drops every cached list (e.g. after a step created records). */
  clear(): void;
  /** Number of listings fetched so far (each may span several pages). */
  listings(): number;
}

/** One listing, read once and indexed one or more ways (users: by e-mail and by name); the records themselves are not kept. */
type Indexes = Readonly<Record<string, NameIndex>>;

async function read<T>(it: AsyncIterable<T>, ways: Readonly<Record<string, (t: T) => NamedRecord>>): Promise<Indexes> {
  const records = Object.fromEntries(Object.keys(ways).map((w) => [w, [] as NamedRecord[]]));
  for await (const t of it) for (const [w, named] of Object.entries(ways)) records[w]!.push(named(t));
  return Object.fromEntries(Object.entries(records).map(([w, r]) => [w, indexNames(r)]));
}

const byEmail = (u: User): NamedRecord => ({ name: typeof u.email === 'string' ? normEmail(u.email) : '', id: u.id, label: u.email });
const byName = (u: User): NamedRecord => ({ name: userDisplayName(u), id: u.id, label: u.email });
const named = (x: { id: string; name?: string }): NamedRecord => ({ name: x.name ?? '', id: x.id, label: x.id });
const task = (t: Task): NamedRecord => ({ name: t.name ?? '', id: t.id, label: t.id, ...(t.tasklist?.id !== undefined ? { tag: String(t.tasklist.id) } : {}) });

/** A listing answered in one piece (roles, profiles), read like the paged ones. */
async function* listed<T>(all: Promise<readonly T[]>): AsyncIterable<T> {
  yield* await all;
}

/**
 * A resolver answering every lookup kind but `task-by-key` from Zoho's listings (see the file's top):
 * each listing fetched once per scope and kept, up to `cacheSize` (default 64) listings, least recently
 * used dropped first. Answers an id, an AmbiguousMatch naming the candidates, or undefined.
 */
export function createApiLookupResolver(api: ZohoApi, options: { cacheSize?: number } = {}): ApiLookupResolver {
  const cacheSize = Math.max(1, options.cacheSize ?? 64);
  const cache = new Map<string, Promise<Indexes>>();
  let listings = 0;

  const load = <T>(key: string, fetch: () => AsyncIterable<T>, ways: Readonly<Record<string, (t: T) => NamedRecord>>): Promise<Indexes> => {
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    listings++;
    const p = read(fetch(), ways);
    cache.set(key, p);
    p.catch(() => {
      if (cache.get(key) === p) cache.delete(key);
    });
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return p;
  };
  const userWays = { email: byEmail, name: byName };
  const byOwnName = { name: named };
  const byTask = { name: task };
  const users = (scope: string | undefined) =>
    scope === undefined ? load('users', () => api.users.listPortal(), userWays) : load(`users|${scope}`, () => api.users.listProject(scope), userWays);

  return {
    async resolve(spec: LookupSpec, value: string, scope?: string, tasklist?: string): Promise<LookupAnswer> {
      switch (spec.kind) {
        case 'user-by-email':
          return findName((await users(scope))['email']!, normEmail(value));
        case 'user-by-name':
          return findName((await users(scope))['name']!, value);
        case 'project-by-name':
          return findName((await load('projects', () => api.projects.list(), byOwnName))['name']!, value);
        case 'tasklist-by-name':
          if (scope === undefined) return undefined;
          return findName((await load(`tasklists|${scope}`, () => api.tasklists.list(scope), byOwnName))['name']!, value);
        case 'milestone-by-name':
          if (scope === undefined) return undefined;
          return findName((await load(`milestones|${scope}`, () => api.milestones.list(scope), byOwnName))['name']!, value);
        case 'task-by-name':
          if (scope === undefined) return undefined;
          return findName((await load(`tasks|${scope}`, () => api.tasks.list(scope), byTask))['name']!, value, tasklist);
        case 'task-by-key':
          return undefined;
        // The portal's listings (docs/zoho-api-notes.md#users): one small list each, fetched once.
        case 'role-by-name':
          return findName((await load('roles', () => listed(api.users.listRoles()), byOwnName))['name']!, value);
        case 'profile-by-name':
          return findName((await load('profiles', () => listed(api.users.listProfiles()), byOwnName))['name']!, value);
      }
    },
    clear: () => cache.clear(),
    listings: () => listings,
  };
}
