/**
 * Lookups through the Zoho client. Each list (portal users, projects, one project's users, task lists
 * or milestones) is fetched once per scope and indexed; the client paces the calls within the budget.
 * Up to `cacheSize` indexes are kept (least recently used dropped first); concurrent lookups of the
 * same scope share one listing.
 *
 * Names match exactly first (trimmed), then case-insensitively; a name that matches several records
 * resolves to nothing (the row is rejected as unknown rather than attached to a guess). E-mails match
 * case-insensitively. `task-by-key` is never answered here: source keys live in the crosswalk (loader)
 * or the dry run's rows; chain those resolvers before this one.
 */
import type { ZohoApi } from '../zoho/types.js';
import type { LookupSpec } from './lookup-spec.js';
import type { LookupResolver } from './lookup-types.js';

export interface ApiLookupResolver extends LookupResolver {
  /** Drops every cached list (e.g. after a step created records). */
  clear(): void;
  /** Number of listings fetched so far (each may span several pages). */
  listings(): number;
}

interface NameIndex {
  exact: Map<string, string[]>;
  folded: Map<string, string[]>;
}

function index(items: Iterable<{ key: string; id: string }>): NameIndex {
  const exact = new Map<string, string[]>();
  const folded = new Map<string, string[]>();
  for (const { key, id } of items) {
    const k = key.trim();
    const push = (m: Map<string, string[]>, kk: string) => {
      const list = m.get(kk);
      if (list === undefined) m.set(kk, [id]);
      else if (!list.includes(id)) list.push(id);
    };
    push(exact, k);
    push(folded, k.toLowerCase());
  }
  return { exact, folded };
}

function find(ix: NameIndex, value: string): string | undefined {
  const v = value.trim();
  const exact = ix.exact.get(v);
  if (exact !== undefined) return exact.length === 1 ? exact[0] : undefined;
  const folded = ix.folded.get(v.toLowerCase());
  return folded !== undefined && folded.length === 1 ? folded[0] : undefined;
}

async function collect<T>(it: AsyncIterable<T>, key: (t: T) => string | undefined, id: (t: T) => string): Promise<NameIndex> {
  const out: { key: string; id: string }[] = [];
  for await (const t of it) {
    const k = key(t);
    if (k !== undefined && k !== '') out.push({ key: k, id: id(t) });
  }
  return index(out);
}

export function createApiLookupResolver(api: ZohoApi, options: { cacheSize?: number } = {}): ApiLookupResolver {
  const cacheSize = Math.max(1, options.cacheSize ?? 64);
  const cache = new Map<string, Promise<NameIndex>>();
  let listings = 0;

  const load = (key: string, fetch: () => Promise<NameIndex>): Promise<NameIndex> => {
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    listings++;
    const p = fetch();
    cache.set(key, p);
    p.catch(() => {
      if (cache.get(key) === p) cache.delete(key);
    });
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return p;
  };

  const byEmail = (u: { email?: string }) => u.email?.toLowerCase();

  return {
    async resolve(spec: LookupSpec, value: string, scope?: string) {
      switch (spec.kind) {
        case 'user-by-email': {
          const ix =
            scope === undefined
              ? await load('users', () => collect(api.users.listPortal(), byEmail, (u) => u.id))
              : await load(`users|${scope}`, () => collect(api.users.listProject(scope), byEmail, (u) => u.id));
          return find(ix, value.toLowerCase());
        }
        case 'project-by-name':
          return find(await load('projects', () => collect(api.projects.list(), (p) => p.name, (p) => p.id)), value);
        case 'tasklist-by-name':
          if (scope === undefined) return undefined;
          return find(await load(`tasklists|${scope}`, () => collect(api.tasklists.list(scope), (t) => t.name, (t) => t.id)), value);
        case 'milestone-by-name':
          if (scope === undefined) return undefined;
          return find(await load(`milestones|${scope}`, () => collect(api.milestones.list(scope), (m) => m.name, (m) => m.id)), value);
        case 'task-by-key':
          return undefined;
        // The portal's listings (docs/zoho-api-notes.md#users): one small list each, fetched once.
        case 'role-by-name':
          return find(await load('roles', async () => index((await api.users.listRoles()).map((r) => ({ key: r.name, id: r.id })))), value);
        case 'profile-by-name':
          return find(await load('profiles', async () => index((await api.users.listProfiles()).map((p) => ({ key: p.name, id: p.id })))), value);
      }
    },
    clear: () => cache.clear(),
    listings: () => listings,
  };
}
