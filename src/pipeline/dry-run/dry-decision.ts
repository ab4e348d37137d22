/**
 * What the run will do with one valid row, predicted with the run's own decisions and nothing copied:
 * the mode's action (keyAction), the natural-key match in Zoho (matchExisting, read-only, with the
 * checkpoint's claims), the loader's refusal of what matches nothing and cannot be created
 * (EntityLoader.refuseUnmatched: a portal user not in the portal), and the loader's request (a value
 * buildRequest refuses is a reject the run meets at send time). Errors are classified as the run's
 * (classifyFailure), so a predicted reject has the run's code and message.
 *
 * Without read access (an offline rehearsal) a row whose fate depends on what Zoho holds (mode
 * skip-existing or upsert, users in every mode) is counted as a create, as the run would if Zoho held
 * nothing, and flagged `unverified`: the run may skip it, or (a portal user) reject it.
 */
import type { RowError } from '../../core/record.js';
import { toZpetlError } from '../../core/errors.js';
import { DEFAULT_LOAD_MODE, type LoadMode } from '../../core/load-mode.js';
import type { PreparedValid } from '../../core/prepared-item.js';
import type { CheckpointStore } from '../../checkpoint/store.js';
import { classifyFailure } from '../../load/exactly-once/classify-failure.js';
import { keyAction } from '../../load/exactly-once/key-action.js';
import { matchExisting } from '../../load/exactly-once/match-existing.js';
import { stepEntityLoader, type StepConfig } from '../../load/exactly-once/step-loader.js';
import type { EntityLoader } from '../../load/types.js';
import type { LookupResolver } from '../../transform/lookup-types.js';
import type { ZohoApi } from '../../zoho/types.js';
import { projectsOfUser } from '../../load/loaders/index.js';
import { isDryPlaceholder } from './dry-resolver.js';

/** The predicted outcome of one valid row. */
export type DryPrediction =
  /** `adds`: the parents the run adds the record to (a user: the projects they are not a member of yet), when the loader says. */
  | { action: 'create'; unverified?: true; adds?: readonly string[] }
  | { action: 'skip' | 'update'; zohoId: string }
  | { action: 'reject'; error: RowError };

/** What a step's predictions need. */
export interface DryDecisionContext {
  step: string;
  mode: LoadMode;
  /** The step's loader (stepEntityLoader), over the run's client; its Zoho reads are made only when `online`. */
  loader: EntityLoader;
  /** Read access to Zoho: the natural-key match is asked. */
  online: boolean;
  /** The claims of the checkpoint's crosswalk (an id another key owns is not this row's). */
  claims: Pick<CheckpointStore, 'claimedIds' | 'crosswalkByName'>;
  /** Whether an id names a record this dry run would create (a placeholder): Zoho holds nothing under it yet. */
  isPlaceholder: (id: string) => boolean;
  /**
   * What Zoho will hold under a parent the run creates, matching the row: its id, else undefined (a new
   * project's owner is a member of it, so the run finds and skips that membership).
   */
  heldUnder?: (placeholder: string, item: PreparedValid) => Promise<string | undefined>;
  /**
   * A record whose scope is a set of parents (a user of several projects): those parents, and the row
   * narrowed to some of them. Each parent is decided apart: under a placeholder by heldUnder, the others
   * by the natural-key match over the narrowed row (the loader never sees a placeholder).
   */
  parents?: {
    of(values: Record<string, unknown>): readonly string[];
    narrow(values: Record<string, unknown>, parents: readonly string[]): Record<string, unknown>;
  };
}

/**
 * A step's predictor: call it once per valid row, in source order (claims are taken as the run takes them).
 * A promise only when the row needs a Zoho read (the natural-key match); otherwise the prediction itself,
 * so the dry run's per-row loop awaits nothing for most rows.
 */
export function createDryDecision(ctx: DryDecisionContext): (item: PreparedValid, crosswalkId: string | undefined) => DryPrediction | Promise<DryPrediction> {
  const { loader, mode } = ctx;
  const matchesInEveryMode = loader.matchesInEveryMode === true;
  // The ids this pass has matched (claimToken's), as the run's batches claim them.
  const taken = new Set<string>();
  const asReject = (e: unknown, item: PreparedValid): DryPrediction | undefined => {
    if (toZpetlError(e).disposition !== 'reject-row') return undefined;
    const f = classifyFailure(e, item, loader.entity, false);
    return f.kind === 'rejected' ? { action: 'reject', error: f.error } : undefined;
  };

  /** What Zoho will hold under a placeholder parent of `item`: the id, else undefined (heldUnder; none without it). */
  const held = async (parent: string, item: PreparedValid): Promise<string | undefined> => (ctx.heldUnder === undefined ? undefined : ctx.heldUnder(parent, item));

  /**
   * The natural-key match: an id, none, `unverified` (it needs a read this rehearsal cannot make), or
   * the run's reject of the lookup. Throws what would stop the run.
   */
  async function match(item: PreparedValid): Promise<{ id: string | undefined } | 'unverified' | DryPrediction> {
    // Under a parent this dry run would create (a placeholder) Zoho holds only what creating it brings
    // (heldUnder). Other placeholders (a new milestone of an existing task list) are the loader's to compare.
    const scope = loader.describe(item.values).scopeId;
    const parents = scope === undefined ? [] : (ctx.parents?.of(item.values) ?? [scope]);
    const fresh = parents.filter(ctx.isPlaceholder);
    let values = item.values;
    if (fresh.length > 0) {
      if (ctx.heldUnder === undefined) return { id: undefined };
      if (!ctx.online) return 'unverified';
      let id: string | undefined;
      for (const parent of fresh) {
        id = await held(parent, item);
        if (id === undefined) return { id: undefined };
      }
      if (fresh.length === parents.length || ctx.parents === undefined) return { id };
      values = ctx.parents.narrow(item.values, parents.filter((p) => !ctx.isPlaceholder(p)));
    }
    if (!ctx.online) return 'unverified';
    try {
      return { id: await matchExisting(loader, ctx.claims, { step: ctx.step, key: item.key, values }, taken) };
    } catch (e) {
      const r = asReject(e, item);
      if (r) return r;
      throw e;
    }
  }

  /** The parents the run adds a created record to: those it is not under yet (read through the loader's own match). */
  async function adds(item: PreparedValid): Promise<readonly string[] | undefined> {
    if (ctx.parents === undefined || !ctx.online) return undefined;
    const out: string[] = [];
    for (const parent of ctx.parents.of(item.values)) {
      const under = ctx.isPlaceholder(parent) ? await held(parent, item) : (await loader.findExisting(ctx.parents.narrow(item.values, [parent])))[0];
      if (under === undefined) out.push(parent);
    }
    return out;
  }

  /** The prediction once the match is known (or not asked): a create, unless the loader refuses it. */
  function created(item: PreparedValid, unverified: boolean): DryPrediction | Promise<DryPrediction> {
    // Matches nothing in Zoho (or, unverified, may match): the run creates it, unless the loader refuses
    // what matches nothing and cannot be created (it never builds a request for that). Unverified, the
    // refusal is not certain: the run skips the row if Zoho holds it.
    const refused = loader.refuseUnmatched?.(item);
    if (refused) return unverified ? { action: 'create', unverified: true } : { action: 'reject', error: refused };
    try {
      loader.buildRequest(item.values, item.key);
    } catch (e) {
      const r = asReject(e, item);
      if (r) return r;
      throw e;
    }
    if (unverified) return { action: 'create', unverified: true };
    // A record under a set of parents (a user of several projects): the memberships the run adds.
    if (ctx.parents === undefined || !ctx.online) return { action: 'create' };
    return adds(item).then((added) => (added === undefined ? { action: 'create' } : { action: 'create', adds: added }));
  }

  /** A row whose action needs the natural-key match (it may read Zoho). */
  async function lookedUp(item: PreparedValid): Promise<DryPrediction> {
    const m = await match(item);
    if (m === 'unverified') return created(item, true);
    if ('action' in m) return m;
    const action = keyAction(mode, { inCrosswalk: false, matchesInEveryMode, naturalMatch: m.id !== undefined });
    if (action !== 'create') return { action: action === 'update' ? 'update' : 'skip', zohoId: m.id! };
    return created(item, false);
  }

  return (item, crosswalkId) => {
    if (crosswalkId !== undefined) {
      return { action: keyAction(mode, { inCrosswalk: true }) === 'update' ? 'update' : 'skip', zohoId: crosswalkId };
    }
    if (keyAction(mode, { inCrosswalk: false, matchesInEveryMode }) === 'look-up') return lookedUp(item);
    return created(item, false);
  };
}

/**
 * The offline rehearsal's stand-in for a client: the steps' loaders are built (their decisions are the
 * run's), but no Zoho read is ever made through it.
 */
const OFFLINE_API = new Proxy({} as ZohoApi, {
  get() {
    throw new Error('an offline dry run reads nothing from Zoho');
  },
});

/** What the dry run learns across steps for its predictions. */
export interface DryKnowledge {
  /** Zoho's own answers (no scratch store, no crosswalk), when online. */
  zoho: LookupResolver | undefined;
  /** Projects this dry run would create (placeholder → the owner's id): the owner is a member once it is created. */
  newProjectOwners: Map<string, string>;
}

/**
 * The id a row the run creates will have, when Zoho already knows it: a person added to a project keeps
 * the portal id they have (Zoho answers the bulk add with it, docs/zoho-api-notes.md#users), so their
 * time logs and tasks already in Zoho match it. Undefined: a placeholder stands for it. A promise only
 * when Zoho is asked (a user, online): every other row gets its answer without a turn of the event loop.
 */
export function createdIdOf(entity: StepConfig['entity'], item: PreparedValid, known: DryKnowledge): string | undefined | Promise<string | undefined> {
  const email = item.values['email'];
  if (entity !== 'user' || known.zoho === undefined || typeof email !== 'string') return undefined;
  // One person per e-mail in Zoho; an ambiguous answer cannot happen, and is no id to predict with.
  return known.zoho.resolve({ kind: 'user-by-email' }, email).then((id) => (typeof id === 'string' ? id : undefined));
}

/** Notes what a row the run creates brings along (`id`: what registerDryRecord registered for it). */
export function noteCreated(entity: StepConfig['entity'], id: string | undefined, item: PreparedValid, known: DryKnowledge): void {
  const owner = item.values['owner'];
  if (entity === 'project' && id !== undefined && typeof owner === 'string') known.newProjectOwners.set(id, owner);
}

/** The predictor of one step: its loader over the api (or, offline, over no client at all) and what the dry run knows. */
export function dryStepDecision(step: StepConfig, api: ZohoApi | undefined, claims: DryDecisionContext['claims'], known: DryKnowledge): ReturnType<typeof createDryDecision> {
  return createDryDecision({
    step: step.name,
    mode: step.mode ?? DEFAULT_LOAD_MODE,
    // Its placeholders stand for ids the run will have: buildRequest takes them as ids.
    loader: stepEntityLoader({ ...step, isPlaceholder: isDryPlaceholder }, api ?? OFFLINE_API),
    online: api !== undefined,
    claims,
    isPlaceholder: isDryPlaceholder,
    // A new project's owner is a member of it (Zoho adds the owner, as the web UI does): the run finds that membership.
    ...(step.entity === 'user'
      ? {
          heldUnder: async (project: string, item: PreparedValid) => {
            const owner = known.newProjectOwners.get(project);
            const person = owner === undefined ? undefined : await createdIdOf(step.entity, item, known);
            return person !== undefined && person === owner ? person : undefined;
          },
          // A person's projects are decided one by one (a membership is a set: users.ts).
          parents: {
            of: projectsOfUser,
            narrow: (values: Record<string, unknown>, projects: readonly string[]) => ({ ...values, project: undefined, project_id: undefined, projects: [...projects] }),
          },
        }
      : {}),
  });
}
