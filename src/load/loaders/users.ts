/**
 * Users. Project users go through the real bulk add (`userdetails` array, docs/zoho-api-notes.md#users) in batches
 * of `userBatchSize`, answered per email from Zoho's `emailvszpuid` map. A batch-level refusal (4xx)
 * is bisected: halves are retried until each offending row stands alone and is rejected with Zoho's
 * message, while the good rows land.
 *
 * Portal users: the V3 API this client speaks has no portal invitation call, so a portal-scope user
 * step checks each email against the portal (skipped when present) and rejects the others with
 * ROW_UNKNOWN_USER, telling the user to invite them in Zoho first.
 */
import { ZpetlError } from '../../core/errors.js';
import type { RowError } from '../../core/record.js';
import type { ProjectUserAdd, User, ZohoApi } from '../../zoho/types.js';
import { ScopeCache } from '../exactly-once/scope-cache.js';
import { collect } from '../collect.js';
import { compact, pickString, required } from '../target-values.js';
import { classifyFailure, failureResult, stopCause } from '../exactly-once/classify-failure.js';
import { normEmail } from '../exactly-once/natural-key-equality.js';
import type { AttemptBatch, AttemptResult, EntityLoader, LoadItem, LoaderOptions } from '../types.js';

export interface UserLoaderOptions extends LoaderOptions {
  /** 'project' (default when the values carry a project) adds to a project; 'portal' checks the portal. */
  scope?: 'project' | 'portal';
}

/**
 * Role and profile must reach Zoho as ids (`role_id`, `profile_id`); the client has no roles listing to
 * map a name, so a name is refused here rather than sent and silently ignored.
 */
function idOnly(values: Record<string, unknown>, field: string, alias: string): string | undefined {
  const v = pickString(values, field, alias);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) {
    throw new ZpetlError('ROW_INVALID_VALUE', `${field} must be a Zoho ${field} id (digits), got ${JSON.stringify(v)}; map names to ids with an enum converter`, {
      disposition: 'reject-row',
      field,
      value: v,
    });
  }
  return v;
}

export function createUserLoader(api: ZohoApi, options: UserLoaderOptions = {}): EntityLoader {
  const batchSize = Math.max(1, options.userBatchSize ?? 50);
  const projectUsers = new ScopeCache<User>((project) => collect(api.users.listProject(project)));
  const emailOf = (values: Record<string, unknown>) => normEmail(required(values, 'email', 'email_id'));
  const projectOf = (values: Record<string, unknown>) => pickString(values, 'project', 'project_id');
  const isPortal = (values: Record<string, unknown>) => options.scope === 'portal' || projectOf(values) === undefined;

  function buildRequest(values: Record<string, unknown>): Record<string, unknown> {
    return compact({
      email_id: emailOf(values),
      role_id: idOnly(values, 'role', 'role_id'),
      profile_id: idOnly(values, 'profile', 'profile_id'),
    } as Record<string, unknown>);
  }

  async function lookupPortal(email: string): Promise<string[]> {
    const u = await api.users.getPortal(email);
    return u && normEmail(u.email ?? email) === email ? [u.id] : [];
  }

  async function lookupProject(project: string, email: string, fresh: boolean): Promise<string[]> {
    const all = await projectUsers.get(project, fresh);
    return all.filter((u) => typeof u.email === 'string' && normEmail(u.email) === email).map((u) => u.id);
  }

  /** One bulk call for `items` (same project); bisects on a batch-level refusal. */
  async function addBisecting(project: string, items: readonly LoadItem[], out: Map<string, AttemptResult>, state: { fatal?: ZpetlError }, signal?: AbortSignal): Promise<void> {
    if (items.length === 0) return;
    if (state.fatal || signal?.aborted) {
      for (const it of items) out.set(it.key, { key: it.key, status: 'unsent' });
      return;
    }
    let answer: Record<string, string>;
    try {
      answer = await api.users.addToProject(project, items.map((it) => buildRequest(it.values) as unknown as ProjectUserAdd));
    } catch (e) {
      const f = classifyFailure(e, items[0]!, 'user', true);
      if (f.kind === 'rejected' && items.length > 1) {
        const mid = Math.ceil(items.length / 2);
        await addBisecting(project, items.slice(0, mid), out, state, signal);
        await addBisecting(project, items.slice(mid), out, state, signal);
        return;
      }
      for (const it of items) out.set(it.key, failureResult(f, it.key));
      state.fatal ??= stopCause(f);
      return;
    }
    const byEmail = new Map(Object.entries(answer).map(([email, id]) => [normEmail(email), id]));
    let missing = false;
    for (const it of items) {
      const id = byEmail.get(emailOf(it.values));
      if (id !== undefined) {
        out.set(it.key, { key: it.key, status: 'created', zohoId: id });
        await projectUsers.add(project, { id, email: emailOf(it.values) });
      } else missing = true;
    }
    if (!missing) return;
    // Zoho answered without some emails: look them up now rather than guess.
    for (const it of items) {
      if (out.has(it.key)) continue;
      try {
        const [id] = await lookupProject(project, emailOf(it.values), true);
        out.set(it.key, id === undefined ? { key: it.key, status: 'in-doubt' } : { key: it.key, status: 'created', zohoId: id });
      } catch {
        out.set(it.key, { key: it.key, status: 'in-doubt' });
      }
    }
  }

  /**
   * A portal-scope user that matches nothing in the portal cannot be created: the V3 API has no portal
   * invitation call (docs/zoho-api-notes.md#users). The run's create and the dry run ask this one rule.
   */
  function refuseUnmatched(item: LoadItem): RowError | undefined {
    if (!isPortal(item.values)) return undefined;
    const email = emailOf(item.values);
    return {
      code: 'ROW_UNKNOWN_USER',
      message: `${email} is not a user of the portal; invite them in Zoho Projects first (the V3 API has no portal invitation call)`,
      field: 'email',
      value: email,
      pos: item.pos,
    };
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
      const p = projectOf(values);
      return { name: emailOf(values), scopeId: options.scope === 'portal' ? '' : (p ?? ''), parents: p && options.scope !== 'portal' ? { project: p } : {} };
    },
    async create(items, signal): Promise<AttemptBatch> {
      const out = new Map<string, AttemptResult>();
      const state: { fatal?: ZpetlError } = {};
      const byProject = new Map<string, LoadItem[]>();
      for (const it of items) {
        if (isPortal(it.values)) {
          if (state.fatal || signal?.aborted) {
            out.set(it.key, { key: it.key, status: 'unsent' });
            continue;
          }
          try {
            const [id] = await lookupPortal(emailOf(it.values));
            // A portal item matching nobody is always refused (refuseUnmatched's portal rule).
            out.set(it.key, id !== undefined ? { key: it.key, status: 'skipped', zohoId: id } : { key: it.key, status: 'rejected', error: refuseUnmatched(it)! });
          } catch (e) {
            const f = classifyFailure(e, it, 'user', false);
            if (f.kind === 'rejected') out.set(it.key, { key: it.key, status: 'rejected', error: f.error });
            else {
              out.set(it.key, { key: it.key, status: 'unsent' });
              if (f.kind === 'fatal') state.fatal ??= f.cause;
            }
          }
          continue;
        }
        const p = projectOf(it.values)!;
        const list = byProject.get(p) ?? [];
        list.push(it);
        byProject.set(p, list);
      }
      for (const [project, list] of byProject) {
        for (let i = 0; i < list.length; i += batchSize) await addBisecting(project, list.slice(i, i + batchSize), out, state, signal);
      }
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
    async findExisting(values, opts = {}) {
      const email = emailOf(values);
      if (isPortal(values)) return lookupPortal(email);
      return lookupProject(projectOf(values)!, email, opts.fresh === true);
    },
  };
}
