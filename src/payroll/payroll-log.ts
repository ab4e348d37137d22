/**
 * The one shape every source is normalised to before any arithmetic: integer minutes, a LocalDate
 * string (never an instant), ids as strings. `contentHash` covers the fields that decide pay, so a
 * notes-only edit is not an adjustment but a change of hours, date, owner, project, task, billing or
 * approval is.
 */
import { createHash } from 'node:crypto';
import type { SourcePosition } from '../core/errors.js';
import { isLocalDate } from '../core/local-date.js';
import type { RowError } from '../core/record.js';
import type { TimeLog } from '../zoho/types.js';

export interface PayrollLog {
  /** Zoho log id, or `file:<hash>[#n]` for a file source (stable across reorderings of the file). */
  id: string;
  date: string;
  /** As logged, integer minutes. */
  minutes: number;
  billable: boolean;
  /** Approved | Unapproved | Rejected (Zoho's words). */
  approval: string;
  logType: string;
  userId: string;
  email: string;
  userName: string;
  projectId: string;
  projectName: string;
  taskId: string;
  taskName: string;
  notes: string;
  pos: SourcePosition;
  contentHash: string;
  /** Who logged it, for grouping: `z:<zpuid>`, else `e:<email lower case>`, else `n:<name>`. */
  who: string;
}

/** Result of normalising one source entry: a log, or a row error (reported, never dropped). */
export type Normalised = { ok: true; log: PayrollLog } | { ok: false; error: RowError; partial: Partial<PayrollLog> };

const HH_MM = /^(\d{1,3}):([0-5]\d)$/;

// A period's logs carry few distinct durations: each string is parsed once (capped, like the date cache).
const logHours = new Map<string, number | undefined>();

/** `HH:MM` as Zoho sends `log_hour` (hours may exceed 24 on a bad log; that is caught per day). */
export function parseLogHour(s: string): number | undefined {
  if (logHours.has(s)) return logHours.get(s);
  const m = HH_MM.exec(s.trim());
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
  if (logHours.size > 10_000) logHours.clear();
  logHours.set(s, minutes);
  return minutes;
}

/**
 * Content hash: 64 bits (two independent 32-bit multiply-xor lanes over the UTF-16 code units), hex.
 * It detects edits between two snapshots of the same log id; it is not a security boundary, and a
 * cryptographic hash per log cost a fifth of a 100,000-log export.
 */
export function hashLog(l: Omit<PayrollLog, 'contentHash' | 'pos' | 'notes' | 'who'>): string {
  // The hash of `${id}\u001f${date}\u001f${minutes}\u001f${B|N}\u001f${approval}\u001f${logType}\u001f${userId}\u001f
  // ${email lower case}\u001f${projectId}\u001f${projectName}\u001f${taskId}\u001f${taskName}`, fed field by field
  // (no concatenated key string per log; the values are unchanged, snapshots stay comparable).
  const h = lanes;
  h[0] = 0xdeadbeef;
  h[1] = 0x41c6ce57;
  feed(h, l.id);
  feed(h, SEP_CHAR);
  feed(h, l.date);
  feed(h, SEP_CHAR);
  feed(h, String(l.minutes));
  feed(h, l.billable ? '\u001fB\u001f' : '\u001fN\u001f');
  feed(h, l.approval);
  feed(h, SEP_CHAR);
  feed(h, l.logType);
  feed(h, SEP_CHAR);
  feed(h, l.userId);
  feed(h, SEP_CHAR);
  feed(h, lowerCase(l.email));
  feed(h, SEP_CHAR);
  feed(h, l.projectId);
  feed(h, SEP_CHAR);
  feed(h, l.projectName);
  feed(h, SEP_CHAR);
  feed(h, l.taskId);
  feed(h, SEP_CHAR);
  feed(h, l.taskName);
  let h1 = h[0]!;
  let h2 = h[1]!;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

const SEP_CHAR = '\u001f';
const lanes = new Int32Array(2);
function feed(h: Int32Array, s: string): void {
  let h1 = h[0]!;
  let h2 = h[1]!;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h[0] = h1;
  h[1] = h2;
}
// Emails are mostly lower-case ASCII already: skip toLowerCase's copy for those (anything upper case or
// non-ASCII goes through it).
const MAY_CHANGE_CASE = /[A-Z\u0080-\uffff]/;
const lowerCase = (s: string) => (MAY_CHANGE_CASE.test(s) ? s.toLowerCase() : s);

const ENTITIES: readonly (readonly [string, string])[] = [
  ['&nbsp;', ' '],
  ['&amp;', '&'],
  ['&lt;', '<'],
  ['&gt;', '>'],
];

/** JavaScript's `\s`: the characters a whitespace run is made of. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Zoho notes are HTML: tags become spaces, the common entities are decoded, whitespace collapses to
 * one space, and the ends are trimmed. One scan with slices of the literal runs (a regex replace with a
 * callback per tag cost about a tenth of normalising a log); `<` without a closing `>` stays as it is.
 */
export function stripHtml(s: string): string {
  if (!s.includes('<') && !s.includes('&')) return s.trim();
  let out = '';
  let space = false;
  let run = -1;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    let skip = 0;
    let decoded: string | undefined;
    if (c === 60) {
      const j = s.indexOf('>', i + 1);
      if (j >= 0) skip = j + 1 - i;
    } else if (c === 38) {
      for (const [entity, value] of ENTITIES) {
        if (s.startsWith(entity, i)) {
          skip = entity.length;
          decoded = value;
          break;
        }
      }
    } else if (isSpace(c)) skip = 1;
    if (skip === 0) {
      if (run < 0) {
        if (space) out += ' ';
        space = false;
        run = i;
      }
      i++;
      continue;
    }
    if (run >= 0) {
      out += s.slice(run, i);
      run = -1;
    }
    if (decoded !== undefined && decoded !== ' ') {
      if (space) out += ' ';
      space = false;
      out += decoded;
    } else if (out.length > 0) space = true;
    i += skip;
  }
  if (run >= 0) out += s.slice(run);
  return out;
}

/** What a bad entry still says about itself (a function, not a closure allocated per log). */
const partialOf = (t: TimeLog): Partial<PayrollLog> => ({ id: String(t.id), date: t.date, email: t.owner?.email ?? '', userId: t.owner?.zpuid ?? '' });

/** A V3 time-log entry → PayrollLog. `index` is the entry's position in the listing (for reports). */
export function fromTimeLog(t: TimeLog, index: number): Normalised {
  const pos: SourcePosition = { source: 'zoho:timelogs', line: 0, index };
  if (!isDate(t.date)) {
    return { ok: false, partial: partialOf(t), error: { code: 'ROW_INVALID_DATE', message: `time log ${t.id}: date is not YYYY-MM-DD`, field: 'date', value: t.date, pos } };
  }
  const minutes = typeof t.log_hour === 'string' ? parseLogHour(t.log_hour) : undefined;
  if (minutes === undefined) {
    return { ok: false, partial: partialOf(t), error: { code: 'ROW_INVALID_DURATION', message: `time log ${t.id}: log_hour is not HH:MM`, field: 'log_hour', value: t.log_hour, pos } };
  }
  const owner = t.owner;
  const log: PayrollLog = {
    id: String(t.id),
    date: t.date,
    minutes,
    billable: t.billing_status === 'Billable',
    approval: t.approval?.status ?? 'Unapproved',
    logType: t.type ?? '',
    userId: owner?.zpuid ?? '',
    email: owner?.email ?? '',
    userName: owner?.name ?? [owner?.first_name, owner?.last_name].filter(Boolean).join(' '),
    projectId: t.project?.id ?? '',
    projectName: t.project?.name ?? '',
    taskId: t.module_detail?.id ?? '',
    taskName: t.module_detail?.name ?? t.log_name ?? '',
    notes: stripHtml(t.notes ?? t.log_notes ?? ''),
    pos,
    contentHash: '',
    who: '',
  };
  log.contentHash = hashLog(log);
  log.who = whoOf(log);
  return { ok: true, log };
}

/** Canonical fields the timesheet extractor yields (src/extract, type zoho-timesheet). */
export interface TimesheetFields {
  date?: unknown;
  user?: unknown;
  project?: unknown;
  task?: unknown;
  /** Integer minutes (parsed by the extractor in the configured hours format). */
  minutes?: unknown;
  billing?: unknown;
  approval?: unknown;
  notes?: unknown;
  startTime?: unknown;
  endTime?: unknown;
  [k: string]: unknown;
}

// Interned: a period has few users and many logs; one string per user instead of per log (GC time),
// looked up by the field itself so no key string is built per log.
const whoByZpuid = new Map<string, string>();
const whoByEmail = new Map<string, string>();
const whoByName = new Map<string, string>();
function whoOf(l: { userId: string; email: string; userName: string }): string {
  const cache = l.userId ? whoByZpuid : l.email ? whoByEmail : whoByName;
  const value = l.userId || l.email || l.userName;
  let who = cache.get(value);
  if (who === undefined) {
    if (cache.size > 10_000) cache.clear();
    who = l.userId ? `z:${l.userId}` : l.email ? `e:${l.email.toLowerCase()}` : `n:${l.userName}`;
    cache.set(value, who);
  }
  return who;
}

// Dates repeat across logs: validate each distinct string once.
const validDates = new Set<string>();
function isDate(d: unknown): d is string {
  if (typeof d !== 'string') return false;
  if (validDates.has(d)) return true;
  if (!isLocalDate(d)) return false;
  if (validDates.size > 10_000) validDates.clear();
  validDates.add(d);
  return true;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v).trim());

/**
 * A record of a Zoho timesheet export file → PayrollLog. The file has no log ids, so the id is a hash
 * of what identifies the entry (date, user, project, task, start time, notes) plus `#n` for the n-th
 * identical entry; editing the hours of a row keeps its id and shows up as a change.
 */
export function fromTimesheetRecord(data: TimesheetFields, pos: SourcePosition, seen: Map<string, number>): Normalised {
  const date = str(data.date);
  const user = str(data.user);
  const partial: Partial<PayrollLog> = { date, email: user.includes('@') ? user : '', userName: user };
  if (!isLocalDate(date)) return { ok: false, partial, error: { code: 'ROW_INVALID_DATE', message: 'date is not a real date', field: 'date', value: data.date, pos } };
  const minutes = typeof data.minutes === 'number' ? data.minutes : Number.NaN;
  if (!Number.isInteger(minutes) || minutes < 0) {
    return { ok: false, partial, error: { code: 'ROW_INVALID_DURATION', message: 'the hours column is empty or not a duration', field: 'minutes', value: data.minutes, pos } };
  }
  if (!user) return { ok: false, partial, error: { code: 'ROW_REQUIRED', message: 'user is empty', field: 'user', value: data.user, pos } };
  const billing = str(data.billing).toLowerCase();
  const approval = str(data.approval);
  const project = str(data.project);
  const task = str(data.task);
  const notes = str(data.notes);
  const identity = createHash('sha256').update([date, user.toLowerCase(), project, task, str(data.startTime), notes].join('\u001f')).digest('hex').slice(0, 20);
  const n = (seen.get(identity) ?? 0) + 1;
  seen.set(identity, n);
  const base = {
    id: n === 1 ? `file:${identity}` : `file:${identity}#${n}`,
    date,
    minutes,
    billable: billing === 'billable' || billing === 'yes' || billing === 'true',
    // No approval column: count the log as Unapproved (excluded by default, reported), never as approved pay.
    approval: approval || 'Unapproved',
    logType: task ? 'task' : 'general',
    userId: '',
    email: user.includes('@') ? user : '',
    userName: user.includes('@') ? '' : user,
    projectId: '',
    projectName: project,
    taskId: '',
    taskName: task,
  };
  return { ok: true, log: { ...base, notes: stripHtml(notes), pos, contentHash: hashLog(base), who: whoOf(base) } };
}
