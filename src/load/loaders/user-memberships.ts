/**
 * Project memberships for the user loader (users.ts): the bulk add per project, bisected on a batch
 * refusal, and one result per row from the memberships of all its projects. A membership is a set
 * (re-adding a member adds nothing, docs/zoho-api-notes.md#users), which is what lets a row of several
 * projects be completed after a kill without a duplicate: only the memberships still missing are sent.
 */
import type { ZpetlError } from '../../core/errors.js';
import type { ProjectUserAdd, User, ZohoApi } from '../../zoho/types.js';
import type { ScopeCache } from '../exactly-once/scope-cache.js';
import { classifyFailure, failureResult, stopCause } from '../exactly-once/classify-failure.js';
import { normEmail } from '../exactly-once/natural-key-equality.js';
import type { AttemptResult, LoadItem } from '../types.js';

/** What the membership code needs of the loader. */
export interface MembershipContext {
  api: ZohoApi;
  /** Users per bulk call. */
  batchSize: number;
  /** Each project's members, kept current as members are added. */
  projectUsers: ScopeCache<User>;
  emailOf(values: Record<string, unknown>): string;
  projectsOf(values: Record<string, unknown>): string[];
  buildRequest(values: Record<string, unknown>): Record<string, unknown>;
}

/** Results per project, then per item key. */
export type MembershipResults = Map<string, Map<string, AttemptResult>>;

/** The ids of `project`'s members with this (normalised) email. */
export async function membersWithEmail(c: MembershipContext, project: string, email: string, fresh: boolean): Promise<string[]> {
  const all = await c.projectUsers.get(project, fresh);
  return all.filter((u) => typeof u.email === 'string' && normEmail(u.email) === email).map((u) => u.id);
}

/** One bulk call for `items` (same project); bisects on a batch-level refusal. Answers per key into `out`. */
async function addBisecting(c: MembershipContext, project: string, items: readonly LoadItem[], out: Map<string, AttemptResult>, state: { fatal?: ZpetlError }, signal?: AbortSignal): Promise<void> {
  if (items.length === 0) return;
  if (state.fatal || signal?.aborted) {
    for (const it of items) out.set(it.key, { key: it.key, status: 'unsent' });
    return;
  }
  let answer: Record<string, string>;
  try {
    answer = await c.api.users.addToProject(project, items.map((it) => c.buildRequest(it.values) as unknown as ProjectUserAdd));
  } catch (e) {
    const f = classifyFailure(e, items[0]!, 'user', true);
    if (f.kind === 'rejected' && items.length > 1) {
      const mid = Math.ceil(items.length / 2);
      await addBisecting(c, project, items.slice(0, mid), out, state, signal);
      await addBisecting(c, project, items.slice(mid), out, state, signal);
      return;
    }
    for (const it of items) out.set(it.key, failureResult(f, it.key));
    state.fatal ??= stopCause(f);
    return;
  }
  const byEmail = new Map(Object.entries(answer).map(([email, id]) => [normEmail(email), id]));
  let missing = false;
  for (const it of items) {
    const id = byEmail.get(c.emailOf(it.values));
    if (id !== undefined) {
      out.set(it.key, { key: it.key, status: 'created', zohoId: id });
      await c.projectUsers.add(project, { id, email: c.emailOf(it.values) });
    } else missing = true;
  }
  if (!missing) return;
  // Zoho answered without some emails: look them up now rather than guess.
  for (const it of items) {
    if (out.has(it.key)) continue;
    try {
      const [id] = await membersWithEmail(c, project, c.emailOf(it.values), true);
      out.set(it.key, id === undefined ? { key: it.key, status: 'in-doubt' } : { key: it.key, status: 'created', zohoId: id });
    } catch {
      out.set(it.key, { key: it.key, status: 'in-doubt' });
    }
  }
}

/**
 * Every (item, project) membership still missing is added, one bulk call per project and batch; the
 * memberships already there are answered skipped with the member's id.
 */
export async function addMemberships(c: MembershipContext, items: readonly LoadItem[], state: { fatal?: ZpetlError }, signal?: AbortSignal): Promise<MembershipResults> {
  const perProject: MembershipResults = new Map();
  const toAdd = new Map<string, LoadItem[]>();
  for (const it of items) {
    for (const project of c.projectsOf(it.values)) {
      const answers = perProject.get(project) ?? new Map<string, AttemptResult>();
      perProject.set(project, answers);
      let present: string | undefined;
      try {
        [present] = await membersWithEmail(c, project, c.emailOf(it.values), false);
      } catch {
        present = undefined; // the add itself tells: a member re-added is answered, not duplicated
      }
      if (present !== undefined) answers.set(it.key, { key: it.key, status: 'skipped', zohoId: present });
      else (toAdd.get(project) ?? toAdd.set(project, []).get(project)!).push(it); // push: copying the list per row was O(n²)
    }
  }
  for (const [project, list] of toAdd) {
    const answers = perProject.get(project)!;
    for (let i = 0; i < list.length; i += c.batchSize) await addBisecting(c, project, list.slice(i, i + c.batchSize), answers, state, signal);
  }
  return perProject;
}

/**
 * One row's result from the memberships of its projects: a refusal wins (naming the project, and the
 * projects the person did join), then doubt, then unsent (in doubt when some membership was added: part
 * of the row was sent); else created when some membership was added, skipped when all were there.
 */
export function combineMemberships(it: LoadItem, projects: readonly string[], results: MembershipResults): AttemptResult {
  const parts = projects.map((p) => [p, results.get(p)?.get(it.key) ?? ({ key: it.key, status: 'unsent' } as AttemptResult)] as const);
  const withStatus = <S extends AttemptResult['status']>(s: S) =>
    parts.filter((x): x is readonly [string, Extract<AttemptResult, { status: S }>] => x[1].status === s);
  const created = withStatus('created');
  const landed = [...created, ...withStatus('skipped')];
  const [rejected] = withStatus('rejected');
  if (rejected !== undefined) {
    const [project, r] = rejected;
    const joined = landed.map(([p]) => p);
    const note = parts.length > 1 ? ` (project ${project}${joined.length > 0 ? `; a member of ${joined.join(', ')} now` : ''})` : '';
    return { key: it.key, status: 'rejected', error: { ...r.error, message: `${r.error.message}${note}` } };
  }
  if (withStatus('in-doubt').length > 0) return { key: it.key, status: 'in-doubt' };
  if (withStatus('unsent').length > 0) return { key: it.key, status: created.length > 0 ? 'in-doubt' : 'unsent' };
  return created[0]?.[1] ?? landed[0]![1];
}
