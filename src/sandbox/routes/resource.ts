/**
 * The route blocks every resource repeats, written once: the paginated list (`{[key]: […], page_info}`,
 * docs/zoho-api-notes.md#pagination) and the create (Zoho's body key rules, then the required keys,
 * docs/zoho-api-notes.md#request-and-response-shapes). Under
 * `/projects/{project}/…` both first require a live project (404, or 410 for a trashed one), as the
 * real API answers before it looks at the query or the body.
 */
import type { SandboxResponse } from '../http.js';
import type { SandboxContext } from '../context.js';
import type { StoredKind } from '../store.js';
import { checkKeys, jsonBody, listResponse, liveProject, paging, requireKeys, type Json, type Route, type RouteCall } from './common.js';

interface RouteBase {
  /** Path template after the portal prefix; `{project}` in it makes the route project-scoped. */
  template: string;
  /** Scope needed, `module.OP` (docs/zoho-api-notes.md#scopes). */
  scope: string;
  version?: 'v3' | 'v3.1';
}

const base = (o: RouteBase, method: string) => ({
  method,
  template: o.template,
  scope: o.scope,
  ...(o.version !== undefined ? { version: o.version } : {}),
});

const inProjectScope = (template: string) => template.includes('{project}');

/**
 * `GET` a page of stored `kind` entities (of the project, for a project-scoped template), fetching
 * per_page + 1 to know `has_next_page`; an empty page is 200 or 204 per config.
 */
export function listRoute(
  o: RouteBase & {
    kind: StoredKind;
    /** The list's key in the answer (`milestones`, `users`, …). */
    key: string;
    /** Largest per_page (default config.maxPerPage). */
    maxPerPage?: (ctx: SandboxContext) => number;
    /** Turns a stored entity into the answered item (default: as stored). */
    present?: (ctx: SandboxContext, data: Json) => unknown;
  },
): Route {
  const scoped = inProjectScope(o.template);
  const { kind, key, present } = o;
  return {
    ...base(o, 'GET'),
    handle: ({ ctx, req, params }) => {
      if (scoped) liveProject(ctx, params.project!);
      const p = paging(ctx, req, o.maxPerPage?.(ctx));
      const stored = ctx.store.list<Json>(kind, { ...(scoped ? { projectId: params.project! } : {}), limit: p.perPage + 1, offset: p.offset });
      const rows = present ? stored.map((r) => present(ctx, r.data)) : stored.map((r) => r.data);
      return listResponse(ctx, key, rows, p);
    },
  };
}

/**
 * `POST` a new entity: the body must be a JSON object whose keys pass `keys` (the resource's key
 * rules: custom `cf_*` fields pass, configured silent keys are dropped, others are
 * EXTRA_KEY_FOUND_IN_JSON) and that holds every `required` key; `create` builds, stores and answers.
 */
export function createRoute(
  o: RouteBase & {
    /** Resource name of the key rules (`config.ignoredKeys[resource]`). */
    resource: string;
    keys: readonly string[];
    required: readonly string[];
    create: (call: RouteCall, body: Json) => SandboxResponse;
  },
): Route {
  const scoped = inProjectScope(o.template);
  return {
    ...base(o, 'POST'),
    handle: (call) => {
      const { ctx, req, params } = call;
      if (scoped) liveProject(ctx, params.project!);
      const body = checkKeys(ctx, o.resource, jsonBody(req), o.keys);
      requireKeys(body, o.required);
      return o.create(call, body);
    },
  };
}
