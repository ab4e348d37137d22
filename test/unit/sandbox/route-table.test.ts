import { describe, expect, it } from 'vitest';
import { makeRequest } from '../../../src/sandbox/http.js';
import { createRouteTable } from '../../../src/sandbox/route-table.js';
import type { Route } from '../../../src/sandbox/routes/common.js';
import { V3Error } from '../../../src/sandbox/v3-error.js';

const route = (method: string, template: string, version?: 'v3' | 'v3.1'): Route => ({
  method,
  template,
  scope: 'ZohoProjects.tasks.READ',
  ...(version ? { version } : {}),
  handle: () => ({ status: 200, headers: {} }),
});

describe('createRouteTable', () => {
  const get = route('GET', '/projects/{project_id}/tasks/{task_id}');
  const users = route('GET', '/users', 'v3.1');
  const table = createRouteTable([get, users, route('GET', '/portals')]);

  it('matches a template, keys it by method and template, and decodes the portal and parameters', () => {
    const m = table.match(makeRequest('GET', '/api/v3/portal/p%201/projects/7/tasks/a%2Fb'))!;
    expect(m).toMatchObject({ portal: 'p 1', key: 'GET /projects/{project_id}/tasks/{task_id}', route: get });
    expect(m.params()).toEqual({ project_id: '7', task_id: 'a/b' });
    expect(table.match(makeRequest('GET', '/api/v3/portals'))).toMatchObject({ portal: undefined, key: 'GET /portals' });
  });

  it('a path with routes for other methods only is a match without a route (405); an unknown path or version is none (404)', () => {
    const m = table.match(makeRequest('DELETE', '/api/v3/portal/1/projects/7/tasks/8'))!;
    expect(m.key).toBe('DELETE /projects/{project_id}/tasks/{task_id}');
    expect(m.route).toBeUndefined();
    expect(table.match(makeRequest('GET', '/api/v3/portal/1/nothing'))).toBeUndefined();
    expect(table.match(makeRequest('GET', '/api/v3/portal/1/users'))).toBeUndefined();
    expect(table.match(makeRequest('GET', '/api/v3.1/portal/1/users'))?.route).toBe(users);
    expect(table.match(makeRequest('GET', '/elsewhere'))).toBeUndefined();
  });

  it('malformed percent-encoding is a 400 (in the portal at match time, in a parameter when read)', () => {
    expect(() => table.match(makeRequest('GET', '/api/v3/portal/%E0%A4%A/projects/7/tasks/8'))).toThrow(V3Error);
    const m = table.match(makeRequest('GET', '/api/v3/portal/1/projects/%E0%A4%A/tasks/8'))!;
    expect(() => m.params()).toThrow(V3Error);
  });
});
