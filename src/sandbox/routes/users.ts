/**
 * Users (docs/zoho-api-notes.md#users): portal users only under /api/v3.1/ (list; get by zpuid or email); project users list;
 * bulk add `POST /projects/{J}/projectusers?userdetails=[{"email_id":…}]&notify=false` → `emailvszpuid`
 * (the [MAT] form-body variant `POST /projects/{J}/users` is accepted too). An e-mail the portal does
 * not know is added to the portal first.
 */
import { nowIso, type SandboxContext } from '../context.js';
import { formBody, json, type SandboxRequest } from '../http.js';
import { fail } from '../v3-error.js';
import { liveProject, type Json, type Route } from './common.js';
import { listRoute } from './resource.js';

/** The portal's roles, as the V3 user object names them (`role {id, name}`); listed by routes/roles.ts. */
export const ROLES = {
  admin: { id: '1512955000000000101', name: 'Administrator' },
  manager: { id: '1512955000000000102', name: 'Manager' },
  employee: { id: '1512955000000000103', name: 'Employee' },
  customer: { id: '1512955000000000104', name: 'Customer' },
} as const;
/** The portal's profiles (`portal_profile {id, name, is_default}`); listed by routes/roles.ts. */
export const PROFILES = {
  owner: { id: '1512955000000000201', name: 'Portal Owner', is_default: false },
  admin: { id: '1512955000000000202', name: 'Admin', is_default: false },
  manager: { id: '1512955000000000203', name: 'Manager', is_default: false },
  employee: { id: '1512955000000000204', name: 'Employee', is_default: true },
  customer: { id: '1512955000000000205', name: 'Customer', is_default: false },
} as const;

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NON_ASCII = /[^\x00-\x7f]/;
// Zoho Accounts' documented rule: Latin letters beyond ASCII before the @ (× and ÷ are no letters), an ASCII domain.
const NOT_LATIN_LOCAL = /[^\x00-\x7f\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]/;

/**
 * Zoho's check of an `email_id`: a loose shape of its own (a fake that shares the client's rule shares
 * its bugs), then the characters `emailAddresses` allows. Whether Zoho Projects takes internationalised
 * addresses is UNCONFIRMED (docs/zoho-api-notes.md#e-mail-addresses).
 */
function checkEmailId(ctx: SandboxContext, email: string, field: string): void {
  if (!EMAIL_RE.test(email)) throw fail.invalid(field, `not an e-mail address: ${email}`);
  const mode = ctx.config.emailAddresses;
  if (mode === 'international') return;
  const at = email.lastIndexOf('@');
  const refused = mode === 'ascii' ? NON_ASCII.test(email) : NOT_LATIN_LOCAL.test(email.slice(0, at)) || NON_ASCII.test(email.slice(at + 1));
  if (refused) throw fail.invalid(field, `not an e-mail address: ${email} (${mode === 'ascii' ? 'only ASCII characters are allowed' : 'letters beyond Latin are not allowed, and the domain must be ASCII'})`);
}

function titleCase(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** Adds a portal user (API side effect, seeds, admin bulk insert). Returns the stored V3 user object. */
export function insertUser(ctx: SandboxContext, data: Json): Json {
  const email = String(data.email ?? '').toLowerCase();
  const local = email.split('@')[0] ?? 'user';
  const [first, ...rest] = local.split(/[._-]/);
  const id = typeof data.id === 'string' ? data.id : ctx.store.nextId();
  const zuidSeq = Number(ctx.store.getMeta('zuid_counter') ?? '70000000') + 1;
  ctx.store.setMeta('zuid_counter', String(zuidSeq));
  const now = nowIso(ctx);
  const user: Json = {
    id,
    zuid: zuidSeq,
    email,
    first_name: titleCase(first ?? local),
    last_name: titleCase(rest.join(' ')),
    status: 'active',
    user_type: 'portal_user',
    is_confirmed: true,
    is_resend_invite: false,
    added_time: now,
    updated_time: now,
    role: ROLES.employee,
    portal_profile: PROFILES.employee,
    ...data,
  };
  user.id = id;
  user.email = email;
  user.full_name ??= `${String(user.first_name)} ${String(user.last_name)}`.trim();
  ctx.store.insert('user', id, user, { email });
  return user;
}

/** Makes `zpuid` a member of `projectId` (idempotent). */
export function addProjectUser(ctx: SandboxContext, projectId: string, zpuid: string, roleId?: string): void {
  const key = `${projectId}:${zpuid}`;
  if (ctx.store.get('project_user', key)) return;
  const role = Object.values(ROLES).find((r) => r.id === roleId) ?? ROLES.employee;
  ctx.store.insert(
    'project_user',
    key,
    { project_id: projectId, zpuid, project_role: role, added_time: nowIso(ctx) },
    { projectId, parentId: zpuid },
  );
}

export function isProjectUser(ctx: SandboxContext, projectId: string, zpuid: string): boolean {
  return ctx.store.get('project_user', `${projectId}:${zpuid}`) !== undefined;
}

function parseUserDetails(ctx: SandboxContext, raw: string | null): { email_id: string; role_id?: string; profile_id?: string }[] {
  if (raw === null || raw.trim() === '') throw fail.missing('userdetails');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw fail.parse('userdetails', 'userdetails must be a JSON array of {"email_id":…}');
  }
  if (!Array.isArray(v)) throw fail.parse('userdetails', 'userdetails must be a JSON array');
  if (v.length === 0) throw fail.missing('userdetails');
  return v.map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw fail.parse('userdetails', `userdetails[${i}] must be an object`);
    }
    const o = item as Json;
    for (const k of Object.keys(o)) if (!['email_id', 'role_id', 'profile_id'].includes(k)) throw fail.extraKey(k);
    if (typeof o.email_id !== 'string' || o.email_id === '') throw fail.missing('email_id');
    checkEmailId(ctx, o.email_id, 'email_id');
    if (o.role_id !== undefined && !Object.values(ROLES).some((r) => r.id === String(o.role_id))) {
      throw fail.invalid('role_id', `no role with id ${String(o.role_id)}`);
    }
    if (o.profile_id !== undefined && !Object.values(PROFILES).some((p) => p.id === String(o.profile_id))) {
      throw fail.invalid('profile_id', `no profile with id ${String(o.profile_id)}`);
    }
    return {
      email_id: o.email_id,
      ...(o.role_id !== undefined ? { role_id: String(o.role_id) } : {}),
      ...(o.profile_id !== undefined ? { profile_id: String(o.profile_id) } : {}),
    };
  });
}

function addUsers(ctx: SandboxContext, req: SandboxRequest, projectId: string) {
  liveProject(ctx, projectId);
  const form = formBody(req);
  const raw = req.query.get('userdetails') ?? form?.get('userdetails') ?? null;
  const details = parseUserDetails(ctx, raw);
  const out: Record<string, string> = {};
  for (const d of details) {
    const existing = ctx.store.findByEmail<Json>('user', d.email_id);
    const profile = Object.values(PROFILES).find((p) => p.id === d.profile_id);
    const user = existing?.data ?? insertUser(ctx, { email: d.email_id, ...(profile ? { portal_profile: profile } : {}) });
    addProjectUser(ctx, projectId, String(user.id), d.role_id);
    out[d.email_id] = String(user.id);
  }
  return json(200, { emailvszpuid: out });
}

export const userRoutes: Route[] = [
  listRoute({ template: '/users', version: 'v3.1', scope: 'users.READ', kind: 'user', key: 'users', maxPerPage: (ctx) => ctx.config.maxUsersPerPage }),
  {
    method: 'GET',
    template: '/users/{user}',
    version: 'v3.1',
    scope: 'users.READ',
    handle: ({ ctx, params }) => {
      const key = params.user!;
      const row = key.includes('@') ? ctx.store.findByEmail<Json>('user', key) : ctx.store.get<Json>('user', key);
      if (!row) throw fail.notFound('user', key);
      return json(200, row.data);
    },
  },
  listRoute({
    template: '/projects/{project}/users',
    scope: 'users.READ',
    kind: 'project_user',
    key: 'users',
    // A project member is the portal user plus the project role.
    present: (ctx, m) => ({ ...(ctx.store.get<Json>('user', String(m.zpuid))?.data ?? {}), project_role: m.project_role }),
  }),
  {
    method: 'POST',
    template: '/projects/{project}/projectusers',
    scope: 'users.CREATE',
    handle: ({ ctx, req, params }) => addUsers(ctx, req, params.project!),
  },
  {
    method: 'POST',
    template: '/projects/{project}/users',
    scope: 'users.CREATE',
    handle: ({ ctx, req, params }) => addUsers(ctx, req, params.project!),
  },
];
