/**
 * Zoho Projects timesheet exports (CSV saved from the web UI). No public sample of the export exists
 * (docs/zoho-api-notes.md#time-logs-and-timesheets), so columns are matched through aliases, compared
 * case- and space-insensitively, and the date and hours formats are stated in the pipeline.
 *
 * Each record keeps every original column under its header key (so rejects.csv reproduces the file)
 * and adds canonical fields: `date` (YYYY-MM-DD), `user`, `project`, `task`, `minutes` (integer),
 * `billing` (Billable | Non Billable when recognised), `approval` (Approved | Unapproved | Rejected
 * when recognised), `notes`, `startTime`/`endTime` (HH:MM, 24-hour). A header that is itself named
 * like a canonical field (e.g. `date`) keeps its original text under `<name>_source`.
 * A bad date, hours value or time rejects the row (ROW_INVALID_DATE / ROW_INVALID_DURATION /
 * ROW_INVALID_DATETIME) naming the column and value; an empty value leaves the field out.
 */
import { ZpetlError } from '../core/errors.js';
import { clip, type ExtractItem, type RowError } from '../core/record.js';
import { compileDateFormat } from '../core/parse/date-format.js';
import { parseDuration } from '../core/parse/duration.js';
import { formatTimeOfDay, parseTimeOfDay } from '../core/parse/time-of-day.js';
import { fileExtractor } from './batch-source.js';
import { DEFAULT_CHUNK_BYTES, readCsvBatches } from './csv-extractor.js';
import type { ZohoTimesheetSource } from './source-schema.js';
import type { Extractor, ExtractorOptions, SourceHeader } from './types.js';

export const TIMESHEET_FIELDS = ['date', 'user', 'project', 'task', 'minutes', 'billing', 'approval', 'notes', 'startTime', 'endTime'] as const;
export type TimesheetField = (typeof TIMESHEET_FIELDS)[number];

/** Header aliases per canonical field (matched lower-cased with spaces, `_`, `-` and `/` removed). */
export const TIMESHEET_ALIASES: Readonly<Record<TimesheetField, readonly string[]>> = {
  date: ['Date', 'Log Date'],
  user: ['User', 'Owner', 'Email', 'Log User', 'User Email', 'Owner Email'],
  project: ['Project', 'Project Name'],
  task: ['Task', 'Task Name', 'Issue', 'Issue Name', 'Task/Issue'],
  minutes: ['Hours', 'Time Spent', 'Duration', 'Log Hours'],
  billing: ['Billing Type', 'Billing Status', 'Bill Status'],
  approval: ['Approval Status'],
  notes: ['Notes', 'Log Notes'],
  startTime: ['Start Time'],
  endTime: ['End Time'],
};

/** Columns a timesheet cannot do without. */
const REQUIRED: readonly TimesheetField[] = ['date', 'minutes'];

const norm = (s: string) => s.toLowerCase().replace(/[\s_\-/]+/g, '');
const ALIAS_INDEX = new Map<string, TimesheetField>();
for (const f of TIMESHEET_FIELDS) for (const a of TIMESHEET_ALIASES[f]) ALIAS_INDEX.set(norm(a), f);

/**
 * Memoizes a pure string parser: timesheets repeat the same dates, hours and times on many rows, so
 * most values are parsed once. Bounded: cleared when it reaches `max` entries.
 */
function memo<T>(fn: (s: string) => T, max = 50_000): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined && !cache.has(s)) {
      v = fn(s);
      if (cache.size >= max) cache.clear();
      cache.set(s, v);
    }
    return v as T;
  };
}

const BILLING: Record<string, string> = { billable: 'Billable', nonbillable: 'Non Billable' };
const APPROVAL: Record<string, string> = { approved: 'Approved', unapproved: 'Unapproved', rejected: 'Rejected', pending: 'Unapproved' };

export function createTimesheetExtractor(source: ZohoTimesheetSource, options: ExtractorOptions): Extractor {
  const dateFormat = compileDateFormat(source.dateFormat, true);

  return fileExtractor(source.path, options, (file, { signal, stats, warn, setHeader }) => {
    const parseDate = memo((v: string) => dateFormat.parse(v)?.date);
    const parseHours = memo((v: string) => parseDuration(v, source.hoursFormat));
    const parseTime = memo((v: string) => {
      const t = parseTimeOfDay(v);
      return t === undefined ? undefined : formatTimeOfDay(t);
    });
    const billing = memo((v: string) => BILLING[norm(v)] ?? v, 1000);
    const approval = memo((v: string) => APPROVAL[norm(v)] ?? v, 1000);
    // Canonical columns: index in the record, field, original header name.
    let columns: { index: number; field: TimesheetField; name: string }[] = [];
    return readCsvBatches(
      file,
      source.path,
      { ...source, relaxColumnCount: false },
      {
        chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
        startAt: options.startAt,
        signal,
        stats,
        warn,
        repeatsRead: options.repeatsRead,
        onHeader: (h) => {
          if (h.names.length === 0) {
            setHeader(h);
            return undefined;
          }
          const seen = new Map<TimesheetField, string>();
          columns = [];
          h.names.forEach((name, index) => {
            const field = ALIAS_INDEX.get(norm(name));
            if (field === undefined) return;
            if (seen.has(field)) {
              warn({ code: 'SOURCE_DUPLICATE_HEADER', message: `${source.path}: columns "${seen.get(field)}" and "${name.trim()}" both give the ${field}; the first is used`, pos: { source: source.path, line: 1, index: 0, byteOffset: 0 }, field: h.keys[index] });
              return;
            }
            seen.set(field, name.trim());
            columns.push({ index, field, name: name.trim() });
          });
          const missing = REQUIRED.filter((f) => !seen.has(f));
          if (missing.length > 0) {
            throw new ZpetlError('SOURCE_MISSING_COLUMN', `${source.path}: the timesheet header has no ${missing.join(' or ')} column`, {
              pos: { source: source.path, line: 1, index: 0, byteOffset: 0 },
              details: { header: h.names },
              hint: `accepted names: ${missing.map((f) => `${f}: ${TIMESHEET_ALIASES[f].join(' | ')}`).join('; ')}`,
            });
          }
          // A header literally named like a canonical field keeps its text under `<name>_source`.
          const canonical = new Set<string>(TIMESHEET_FIELDS);
          const keyOf = (k: string) => (canonical.has(k) ? `${k}_source` : k);
          const header: SourceHeader = { names: h.names, keys: h.keys.map(keyOf) };
          if (h.repeated !== undefined) header.repeated = h.repeated.map((r) => ({ ...r, keys: r.keys.map(keyOf) }));
          setHeader(header);
          return header;
        },
        onRecord: (rec, data, pos): RowError | undefined => {
          for (let i = 0; i < columns.length; i++) {
            const c = columns[i]!;
            const raw = rec[c.index]!;
            if (raw.length === 0) continue;
            const value = raw.charCodeAt(0) > 32 && raw.charCodeAt(raw.length - 1) > 32 ? raw : raw.trim();
            if (value.length === 0) continue;
            switch (c.field) {
              case 'date': {
                const d = parseDate(value);
                if (d === undefined) return { code: 'ROW_INVALID_DATE', message: `"${value}" in column "${c.name}" is not a date in the format ${source.dateFormat}`, field: c.name, value: clip(value), pos };
                data.date = d;
                break;
              }
              case 'minutes': {
                const r = parseHours(value);
                if (!r.ok) return { code: 'ROW_INVALID_DURATION', message: `column "${c.name}": ${r.problem} (hoursFormat ${source.hoursFormat})`, field: c.name, value: clip(value), pos };
                data.minutes = r.minutes;
                break;
              }
              case 'startTime':
              case 'endTime': {
                const t = parseTime(value);
                if (t === undefined) return { code: 'ROW_INVALID_DATETIME', message: `"${value}" in column "${c.name}" is not a time such as 14:20 or 02:20 PM`, field: c.name, value: clip(value), pos };
                if (c.field === 'startTime') data.startTime = t;
                else data.endTime = t;
                break;
              }
              case 'billing':
                data.billing = billing(value);
                break;
              case 'approval':
                data.approval = approval(value);
                break;
              // Named stores (not data[c.field]) keep these property writes monomorphic.
              case 'user':
                data.user = value;
                break;
              case 'project':
                data.project = value;
                break;
              case 'task':
                data.task = value;
                break;
              case 'notes':
                data.notes = value;
                break;
            }
          }
          return undefined;
        },
      },
    );
  });
}
