import { createSandbox, type Sandbox, type SandboxOptions, type SandboxResponse } from '../../src/sandbox/index.js';

export interface Harness {
  s: Sandbox;
  token: string;
  /** In-process call under /api/v3/portal/{P} (or an absolute path starting with /api or /oauth). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): SandboxResponse;
  /** Body as a plain object (test convenience). */
  b(res: SandboxResponse): any;
}

export function tokenRequest(s: Sandbox, extra: Record<string, string> = {}): SandboxResponse {
  const q = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: s.env.ZOHO_CLIENT_ID,
    client_secret: s.env.ZOHO_CLIENT_SECRET,
    refresh_token: s.env.ZOHO_REFRESH_TOKEN,
    ...extra,
  });
  return s.inject('POST', `/oauth/v2/token?${q}`);
}

export async function harness(opts: SandboxOptions = {}): Promise<Harness> {
  const s = await createSandbox({ seed: 'empty', ...opts });
  const tok = (tokenRequest(s).body as { access_token: string }).access_token;
  const h: Harness = {
    s,
    token: tok,
    call(method, path, body, headers = {}) {
      const url = path.startsWith('/api') || path.startsWith('/oauth') || path.startsWith('/__') ? path : `/api/v3/portal/${s.portalId}${path}`;
      return s.inject(method, url, {
        headers: { authorization: `Zoho-oauthtoken ${h.token}`, ...headers },
        ...(body !== undefined ? { body } : {}),
      });
    },
    b: (res) => res.body as any,
  };
  return h;
}

/** Creates a project with one task list, one task and the owner as member; returns their ids. */
export function scaffold(h: Harness) {
  const project = h.b(h.call('POST', '/projects', { name: 'P' })).id as string;
  const tasklist = h.b(h.call('POST', `/projects/${project}/tasklists`, { name: 'TL' })).id as string;
  const task = h.b(h.call('POST', `/projects/${project}/tasks`, { name: 'T', tasklist: { id: tasklist } })).id as string;
  const owner = h.s.admin.entities('users')[0] as { id: string; email: string };
  h.call('POST', `/projects/${project}/projectusers?userdetails=${encodeURIComponent(JSON.stringify([{ email_id: owner.email }]))}`);
  return { project, tasklist, task, owner: owner.id };
}
