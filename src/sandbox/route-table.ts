/**
 * Which route a request path names: the API prefix (`/api/v3/portals`, `/api/v3[.1]/portal/{id}/…`)
 * split off, then the route templates (routes/*.ts) matched as regular expressions. The endpoint key
 * (`METHOD template`) is what the rate limiter, the faults and the counters count by.
 */
import type { SandboxRequest } from './http.js';
import type { Route } from './routes/common.js';
import { V3Error } from './v3-error.js';

interface Compiled {
  route: Route;
  re: RegExp;
  names: string[];
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const src = route.template.replace(/\{(\w+)\}/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { route, re: new RegExp(`^${src}$`), names };
}

/** A request path that names a route template (not necessarily one for its method). */
export interface RouteMatch {
  /** The portal id of the path, decoded (absent for `/api/v3/portals`). */
  portal?: string;
  /** `METHOD template`, e.g. `GET /projects/{project_id}/tasks`. */
  key: string;
  /** The route for the request's method, absent when only other methods exist (405). */
  route?: Route;
  /** The path parameters of `route`, decoded (throws V3Error 400 on malformed percent-encoding). */
  params: () => Record<string, string>;
}

/** Looks requests up in one set of routes. */
export interface RouteTable {
  /** The match, or undefined when no route has this path (404); V3Error 400 for a malformed portal segment. */
  match(req: SandboxRequest): RouteMatch | undefined;
}

/** A decoded path segment; malformed percent-encoding (`%E0%A4%A`) is the client's error: 400. */
function decodeSegment(segment: string, path: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new V3Error(400, 'URL_RULE_NOT_CONFIGURED', [{ message: `malformed percent-encoding in ${segment} of the path ${path}` }]);
  }
}

function splitApiPath(path: string): { version: 'v3' | 'v3.1'; sub: string; portal?: string } | undefined {
  if (path === '/api/v3/portals') return { version: 'v3', sub: '/portals' };
  const m = /^\/api\/(v3|v3\.1)\/portal\/([^/]+)(\/.*)$/.exec(path);
  if (!m) return undefined;
  return { version: m[1] as 'v3' | 'v3.1', portal: decodeSegment(m[2]!, path), sub: m[3]! };
}

/** Compiles `routes` once; a route without `version` is a v3 route. */
export function createRouteTable(routes: readonly Route[]): RouteTable {
  const compiled = routes.map(compile);
  return {
    match(req) {
      const where = splitApiPath(req.path);
      if (!where) return undefined;
      const candidates = compiled.filter((c) => (c.route.version ?? 'v3') === where.version && c.re.test(where.sub));
      const hit = candidates.find((c) => c.route.method === req.method);
      const template = (hit ?? candidates[0])?.route.template;
      if (!template) return undefined;
      return {
        portal: where.portal,
        key: `${req.method} ${template}`,
        route: hit?.route,
        params: () => {
          const params: Record<string, string> = {};
          if (!hit) return params;
          const m = hit.re.exec(where.sub)!;
          hit.names.forEach((n, i) => (params[n] = decodeSegment(m[i + 1]!, req.path)));
          return params;
        },
      };
    },
  };
}
