/** Helpers every loader uses: reading target values, mapping client errors to item results. */
import { ZpetlError, toZpetlError } from '../core/errors.js';
import { clip, type RowError } from '../core/record.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import type { AttemptBatch, AttemptResult, Candidate, EntityLoader, LoadItem } from './types.js';

/** The first present, non-empty value among `names` (target field names and their accepted aliases). */
export function pick(values: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) {
    const v = values[n];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** A string value (ids stay strings: never through Number). */
export function pickString(values: Record<string, unknown>, ...names: string[]): string | undefined {
  const v = pick(values, ...names);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A list of strings from an array or a comma-separated string. */
export function pickList(values: Record<string, unknown>, ...names: string[]): string[] {
  const v = pick(values, ...names);
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : String(v).split(',');
  return arr.map((x) => String(x).trim()).filter((x) => x !== '');
}

/** Copies `cf_*` custom fields through unchanged. */
export function customFields(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (k.startsWith('cf_') && v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}

/** Drops undefined members so bodies carry only what the source gave. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** A value that must be present: missing is a programming/mapping error surfaced as a row reject. */
export function required(values: Record<string, unknown>, field: string, ...aliases: string[]): string {
  const v = pickString(values, field, ...aliases);
  if (v === undefined) {
    throw new ZpetlError('ROW_REQUIRED', `${field} is required`, { disposition: 'reject-row', field });
  }
  return v;
}

/**
 * Codes that mean "a request went out and no trustworthy answer came back": the entity may exist.
 * The client reports ZOHO_IN_DOUBT for creates; the others are treated the same way to be safe,
 * since reconciliation costs a lookup while a wrong "not created" costs a duplicate.
 */
const DOUBTFUL = new Set(['ZOHO_IN_DOUBT', 'ZOHO_TIMEOUT', 'ZOHO_NETWORK', 'ZOHO_SERVER_ERROR', 'ZOHO_RETRIES_EXHAUSTED', 'ZOHO_UNEXPECTED_RESPONSE']);

/**
 * What a failed call means for its item. `stop` (with in-doubt): the item is in doubt and the run must
 * stop too, because the error is not one Zoho gave (a bug, an unexpected exception after the request
 * went out): recording the item as unsent would re-send a create that may have landed.
 */
export type Failure =
  | { kind: 'rejected'; error: RowError }
  | { kind: 'in-doubt'; cause: ZpetlError; stop?: true }
  | { kind: 'fatal'; cause: ZpetlError };

/** Maps an error thrown by a create/update call to the item's fate. */
export function classifyFailure(e: unknown, item: LoadItem, entity: string, sent: boolean): Failure {
  const err = toZpetlError(e);
  if (err.disposition === 'reject-row') return { kind: 'rejected', error: rowErrorFrom(err, item, entity) };
  if (sent && DOUBTFUL.has(err.code)) return { kind: 'in-doubt', cause: err };
  // An unknown exception during a send: whether the request reached Zoho is unknown, so never unsent.
  if (sent && err.code === 'INTERNAL') return { kind: 'in-doubt', cause: err, stop: true };
  return { kind: 'fatal', cause: err };
}

/** A failed send's item result: rejected, in-doubt, or (fatal) unsent: the run stopped before Zoho had it. */
export function failureResult(f: Failure, key: string): AttemptResult {
  if (f.kind === 'rejected') return { key, status: 'rejected', error: f.error };
  return { key, status: f.kind === 'in-doubt' ? 'in-doubt' : 'unsent' };
}

/** The cause a failed send stops the run with: a fatal error, or an in-doubt one Zoho did not give (`stop`). */
export function stopCause(f: Failure): ZpetlError | undefined {
  return f.kind === 'fatal' || (f.kind === 'in-doubt' && f.stop) ? f.cause : undefined;
}

/** Zoho's refusal as a row error: Zoho's title and message, the field it named, that field's value. */
export function rowErrorFrom(err: ZpetlError, item: LoadItem, entity: string): RowError {
  const d = err.details as { title?: unknown; fieldName?: unknown };
  const field = typeof d.fieldName === 'string' ? d.fieldName : (err.field ?? '');
  const title = typeof d.title === 'string' ? d.title : undefined;
  const code = err.code.startsWith('ROW_') ? err.code : 'ROW_REJECTED_BY_ZOHO';
  const message = code === 'ROW_REJECTED_BY_ZOHO' ? `Zoho refused the ${entity}${title ? ` (${title})` : ''}: ${err.message}` : err.message;
  const value = field !== '' ? item.values[field] : undefined;
  return { code, message, field, ...(value === undefined ? {} : { value: clip(value) }), pos: item.pos };
}

/**
 * Sends one call per item with at most `concurrency` in flight. After a fatal error or an abort no
 * new call starts; items never started answer 'unsent'. Every item gets exactly one result.
 */
export async function sendEach(
  items: readonly LoadItem[],
  entity: string,
  concurrency: number,
  call: (item: LoadItem) => Promise<string>,
  signal?: AbortSignal,
  status: 'created' | 'updated' = 'created',
): Promise<AttemptBatch> {
  const results = new Map<string, AttemptResult>();
  let fatal: ZpetlError | undefined;
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (fatal || signal?.aborted) return;
      const i = next++;
      const item = items[i];
      if (!item) return;
      try {
        const id = await call(item);
        results.set(item.key, { key: item.key, status, zohoId: id });
      } catch (e) {
        const f = classifyFailure(e, item, entity, true);
        results.set(item.key, failureResult(f, item.key));
        fatal ??= stopCause(f);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return {
    results: items.map((it) => results.get(it.key) ?? { key: it.key, status: 'unsent' as const }),
    ...(fatal ? { fatal } : {}),
  };
}

/** Drains an async iterable into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Normalises an email for matching (Zoho compares case-insensitively). */
export const normEmail = (s: string): string => s.trim().toLowerCase();

/** Normalises notes for matching: Zoho answers HTML (`<div>…</div>`) for the text it was sent. */
export function normNotes(s: unknown): string {
  if (typeof s !== 'string') return '';
  return s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "H:MM", "HH:MM" or "HH.MM" (hours.minutes) to minutes; undefined when unreadable. */
export function hoursToMinutes(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^(\d{1,3})[:.](\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const min = Number(m[2]);
  return min > 59 ? undefined : Number(m[1]) * 60 + min;
}

/**
 * Name equality for natural-key matching: Zoho may trim or collapse whitespace in names, so compare
 * whitespace-normalised strings (case is kept: "Design" and "design" are two lists to Zoho).
 */
export function sameName(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();
}

/**
 * When Zoho created an entity, in epoch ms: V3's `created_time` (ISO-8601 with `Z` or an offset, or ms
 * as digits), the older `created_time_long` / `created_date_long` (ms), users' `added_time`.
 *
 * undefined (unknown) for anything that does not say which instant it is: ISO without an offset or
 * V2's "05-13-2014 05:57 PM" (the portal's local time, up to ±14 h from UTC, read by `Date.parse` in
 * OUR zone), date-only values, epoch seconds or other small numbers. Reconciliation drops a candidate
 * created before its floor, so a wrong reading could drop our own entity and re-send it (a duplicate);
 * an unknown time only makes the candidate eligible, ordered after the timed ones.
 */
export function createdMsOf(entity: Record<string, unknown>): number | undefined {
  for (const name of ['created_time', 'created_time_long', 'created_date_long', 'added_time']) {
    const ms = epochMsOf(entity[name]);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/** A natural-key match as reconciliation sees it: its id, `marker` when it carries our key's marker, its created time when known. */
export function candidateOf(entity: { id: string }, marker = false): Candidate {
  const ms = createdMsOf(entity as unknown as Record<string, unknown>);
  return { id: entity.id, ...(marker ? { marker: true } : {}), ...(ms === undefined ? {} : { createdMs: ms }) };
}

/** 2001-09-09 in ms: a smaller "ms" value is seconds, a date or garbage, never a creation time we can trust. */
const MIN_EPOCH_MS = 1e12;
/** 2286-11-20 in ms: 14 digits and more are not ms. */
const MAX_EPOCH_MS = 1e13;
/** ISO-8601 date-time WITH a zone: `Z`, `+05:30`, `+0530`, `-08`. Space or `T` between date and time. */
const ISO_WITH_ZONE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2})?)$/i;

function epochMsOf(v: unknown): number | undefined {
  const inRange = (ms: number) => (Number.isFinite(ms) && ms >= MIN_EPOCH_MS && ms < MAX_EPOCH_MS ? ms : undefined);
  if (typeof v === 'number') return inRange(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  // Epoch milliseconds (13 digits today) are well inside Number's exact range; ids never come here.
  if (/^\d{13}$/.test(t)) return inRange(Number(t));
  const m = ISO_WITH_ZONE.exec(t);
  if (!m) return undefined;
  let zone = m[3]!.toUpperCase();
  if (zone !== 'Z') zone = zone.length === 3 ? `${zone}:00` : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  // Fractions beyond ms are cut (Date.parse takes at most 3 digits reliably).
  const time = m[2]!.replace(/(\.\d{3})\d+$/, '$1');
  return inRange(Date.parse(`${m[1]}T${time}${zone}`));
}

/**
 * Of `ids` (natural-key matches for the record of `owner`), those the crosswalk already gives to
 * another key: a match another key owns is that key's record, never claimed twice. For a loader whose
 * ids name one record per scope (`idsPerScope`: a user in several projects), only the other keys of
 * the same scope count: Ana's id owned by her Website membership does not make her Mobile membership
 * new.
 */
export function claimedElsewhere(
  store: Pick<CheckpointStore, 'claimedIds' | 'crosswalkByName'>,
  loader: Pick<EntityLoader, 'entity' | 'describe' | 'idsPerScope'>,
  ids: readonly string[],
  owner: { step: string; key: string; values: Record<string, unknown> },
): Set<string> {
  if (!loader.idsPerScope) return store.claimedIds(loader.entity, ids, { step: owner.step, key: owner.key });
  const { name, scopeId } = loader.describe(owner.values);
  const wanted = new Set(ids);
  const rows = name === undefined ? [] : store.crosswalkByName(loader.entity, name, scopeId ?? '');
  return new Set(rows.filter((c) => !(c.step === owner.step && c.key === owner.key) && wanted.has(c.zohoId)).map((c) => c.zohoId));
}

/** What one batch claims of an id: the id, or the id within the record's scope (`idsPerScope`). */
export function claimToken(loader: Pick<EntityLoader, 'describe' | 'idsPerScope'>, values: Record<string, unknown>, id: string): string {
  return loader.idsPerScope ? `${loader.describe(values).scopeId ?? ''}\u0000${id}` : id;
}

/**
 * The natural-key decision of modes skip-existing and upsert, shared by the run (step-loader.ts) and
 * the dry run's prediction: the first id findExisting gives that no other key owns (claimedElsewhere)
 * and this pass has not taken yet (`taken`, claimToken's). Undefined: nothing in Zoho is this record.
 */
export async function matchExisting(
  loader: Pick<EntityLoader, 'entity' | 'describe' | 'idsPerScope' | 'findExisting'>,
  store: Pick<CheckpointStore, 'claimedIds' | 'crosswalkByName'>,
  owner: { step: string; key: string; values: Record<string, unknown> },
  taken: Set<string>,
): Promise<string | undefined> {
  const ids = await loader.findExisting(owner.values, { key: owner.key });
  const claimed = claimedElsewhere(store, loader, ids, owner);
  const id = ids.find((x) => !claimed.has(x) && !taken.has(claimToken(loader, owner.values, x)));
  if (id !== undefined) taken.add(claimToken(loader, owner.values, id));
  return id;
}
