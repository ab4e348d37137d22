/**
 * How a looked-up name matches a record's: exactly first (both trimmed and in Unicode NFC, so a
 * "Müller" typed with a combining diaeresis matches the precomposed one), then case-insensitively
 * (also with runs of white space collapsed). A name that matches several records is ambiguous at
 * the first level that matches at all: an exact match to one record wins over case variants.
 * The API resolver and the dry run's resolver both match this way.
 */
import type { LookupAnswer } from './lookup-types.js';

/** The exact form of a name: NFC, trimmed. */
export const normName = (s: string): string => s.normalize('NFC').trim();

/** The case-insensitive form: the exact form with runs of white space collapsed, lower-cased. */
export const foldName = (s: string): string => normName(s).replace(/\s+/g, ' ').toLowerCase();

/** One named record of a listing. */
export interface NamedRecord {
  /** The name matched (a display name, a project name, an e-mail…). */
  name: string;
  id: string;
  /** How the record is named in an ambiguity message: the e-mail for users, else the id. */
  label: string;
  /** What a lookup may narrow by (a task's task list id). */
  tag?: string;
}

/** A listing indexed by exact and folded name. */
export interface NameIndex {
  exact: Map<string, NamedRecord[]>;
  folded: Map<string, NamedRecord[]>;
}

/** Indexes records by name; records without a name are left out, a record listed twice counts once. */
export function indexNames(records: Iterable<NamedRecord>): NameIndex {
  const exact = new Map<string, NamedRecord[]>();
  const folded = new Map<string, NamedRecord[]>();
  const push = (m: Map<string, NamedRecord[]>, k: string, r: NamedRecord) => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [r]);
    else if (!list.some((x) => x.id === r.id)) list.push(r);
  };
  for (const r of records) {
    const n = normName(r.name);
    if (n === '') continue;
    push(exact, n, r);
    push(folded, foldName(r.name), r);
  }
  return { exact, folded };
}

/** The record `value` names (restricted to `tag` when given), an AmbiguousMatch, or undefined. */
export function findName(ix: NameIndex, value: string, tag?: string): LookupAnswer {
  for (const [m, k] of [
    [ix.exact, normName(value)],
    [ix.folded, foldName(value)],
  ] as const) {
    const all = m.get(k);
    if (all === undefined) continue;
    const hits = tag === undefined ? all : all.filter((r) => r.tag === tag);
    if (hits.length === 1) return hits[0]!.id;
    if (hits.length > 1) return { ambiguous: hits.map((r) => r.label) };
  }
  return undefined;
}
