/**
 * Zoho Projects timesheet exports (CSV saved from the web UI). No public sample of the export exists
 * (../shared/reference/zoho-projects-api.md §8), so columns are matched through aliases, compared
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
import { compileDateFormat } from '../transform/parse/date-format.js';
import { parseDuration } from '../transform/parse/duration.js';
import { formatTimeOfDay, parseTimeOfDay } from '../transform/parse/time-of-day.js';
import { DEFAULT_CHUNK_BYTES, emptyStats, itemsOf, readCsvBatches } from './csv-extractor.js';
import { openSourceFile, resolveSourcePath } from './file-access.js';
import type { ZohoTimesheetSource } from './source-schema.js';
import type { ExtractStats, ExtractWarning, Extractor, ExtractorOptions, SourceHeader } from './types.js';

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

const BILLING: Record<string, string> = { billable: 'Billable', nonbillable: 'Non Billable' };
const APPROVAL: Record<string, string> = { approved: 'Approved', unapproved: 'Unapproved', rejected: 'Rejected', pending: 'Unapproved' };

export function createTimesheetExtractor(source: ZohoTimesheetSource, options: ExtractorOptions): Extractor {
  const path = resolveSourcePath(options.baseDir, source.path);
  const dateFormat = compileDateFormat(source.dateFormat, true);
  let header: SourceHeader | undefined;
  let warnings: ExtractWarning[] = [];
  let stats: ExtractStats = emptyStats();

  const readBatches = async function* (signal?: AbortSignal): AsyncGenerator<ExtractItem[]> {
    header = undefined;
    warnings = [];
    stats = emptyStats();
    const warn = (w: ExtractWarning) => {
      warnings.push(w);
      options.onWarning?.(w);
    };
    // Column index → canonical field, and the original header name of each canonical column.
    let columns: { key: string; field: TimesheetField; name: string }[] = [];
    const file = await openSourceFile(source.path, path);
    try {
      const batches = readCsvBatches(
        file,
        source.path,
        { ...source, relaxColumnCount: false },
        {
          chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
          startAt: options.startAt,
          signal,
          stats,
          warn,
          onHeader: (h) => {
            if (h.names.length === 0) {
              header = h;
              return;
            }
            const seen = new Map<TimesheetField, string>();
            const keys = [...h.keys];
            columns = [];
            h.names.forEach((name, i) => {
              const field = ALIAS_INDEX.get(norm(name));
              if (field === undefined) return;
              if (seen.has(field)) {
                warn({ code: 'SOURCE_DUPLICATE_HEADER', message: `${source.path}: columns "${seen.get(field)}" and "${name.trim()}" both give the ${field}; the first is used`, pos: { source: source.path, line: 1, index: 0, byteOffset: 0 } });
                return;
              }
              seen.set(field, name.trim());
              columns.push({ key: keys[i]!, field, name: name.trim() });
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
            for (let i = 0; i < keys.length; i++) {
              if (canonical.has(keys[i]!)) {
                const renamed = `${keys[i]}_source`;
                for (const c of columns) if (c.key === keys[i]) c.key = renamed;
                keys[i] = renamed;
              }
            }
            header = { names: h.names, keys };
          },
        },
      );
      for await (const batch of batches) {
        const keys = header!.keys;
        for (let b = 0; b < batch.length; b++) {
          const item = batch[b]!;
          if (item.kind !== 'record') continue;
          const src = item.record.data;
          // Re-key original columns when a header collided with a canonical name.
          let data: Record<string, unknown> = src;
          if (keys.some((k) => k.endsWith('_source'))) {
            data = {};
            const original = Object.values(src);
            for (let i = 0; i < original.length; i++) data[keys[i]!] = original[i];
          }
          let error: RowError | undefined;
          const pos = item.record.pos;
          for (const c of columns) {
            const raw = data[c.key];
            if (typeof raw !== 'string' || raw.trim() === '') continue;
            const value = raw.trim();
            switch (c.field) {
              case 'date': {
                const p = dateFormat.parse(value);
                if (p) data.date = p.date;
                else error = { code: 'ROW_INVALID_DATE', message: `"${value}" in column "${c.name}" is not a date in the format ${source.dateFormat}`, field: c.name, value: clip(value), pos };
                break;
              }
              case 'minutes': {
                const r = parseDuration(value, source.hoursFormat);
                if (r.ok) data.minutes = r.minutes;
                else error = { code: 'ROW_INVALID_DURATION', message: `column "${c.name}": ${r.problem} (hoursFormat ${source.hoursFormat})`, field: c.name, value: clip(value), pos };
                break;
              }
              case 'startTime':
              case 'endTime': {
                const t = parseTimeOfDay(value);
                if (t !== undefined) data[c.field] = formatTimeOfDay(t);
                else error = { code: 'ROW_INVALID_DATETIME', message: `"${value}" in column "${c.name}" is not a time such as 14:20 or 02:20 PM`, field: c.name, value: clip(value), pos };
                break;
              }
              case 'billing':
                data.billing = BILLING[norm(value)] ?? value;
                break;
              case 'approval':
                data.approval = APPROVAL[norm(value)] ?? value;
                break;
              default:
                data[c.field] = value;
            }
            if (error) break;
          }
          if (error) {
            // The reject keeps the original columns only.
            for (const f of TIMESHEET_FIELDS) if (!keys.includes(f)) delete data[f];
            stats.records--;
            stats.rejects++;
            batch[b] = { kind: 'reject', reject: { error, data } };
          } else if (data !== src) {
            item.record.data = data;
          }
        }
        yield batch;
      }
    } finally {
      await file.close();
    }
  };

  return {
    source: source.path,
    path,
    readBatches,
    read: (signal) => itemsOf(readBatches(signal)),
    header: () => header,
    warnings: () => warnings,
    stats: () => stats,
  };
}
