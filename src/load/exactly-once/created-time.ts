/** The created-time rule's input: when Zoho says it created an entity (README.md#the-created-time-rule). */
import type { Candidate } from '../types.js';

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
