/**
 * Time logs: one POST each to `/projects/{J}/log`. Request names differ from response names
 * (docs/zoho-api-notes.md#time-logs): we send `bill_status`, `hours` ("HH:MM"), `module`, `owner_zpuid`, `notes` and read
 * back `billing_status`, `log_hour`, `module_detail`, `owner.zpuid`.
 *
 * Natural key: project, date, owner, hours, notes (+ the task and billing status when given). Two
 * distinct source rows may share all of these; callers exclude ids the crosswalk already gives to
 * other keys, so each row claims one distinct log.
 */
import { formatHhMm, parseHhMm } from '../../core/local-date.js';
import { API_USER } from '../../core/api-user.js';
import type { TimeLog, TimeLogCreate, ZohoApi } from '../../zoho/types.js';
import { ScopeCache } from '../exactly-once/scope-cache.js';
import { collect } from '../collect.js';
import { either, pickString, requireRefIds, required, textOf, type RefField } from '../target-values.js';
import { candidateOf } from '../exactly-once/created-time.js';
import { hoursToMinutes, normNotes } from '../exactly-once/natural-key-equality.js';
import { sendEach } from '../exactly-once/send-each.js';
import type { Candidate, EntityLoader, LoaderOptions } from '../types.js';

function billStatus(v: string | undefined): 'Billable' | 'Non Billable' {
  // The enum converter's own spellings (the common case) answer without the regex.
  if (v === 'Billable' || v === 'Non Billable') return v;
  const s = (v ?? '').toLowerCase().replace(/[\s_-]/g, '');
  return s === 'billable' ? 'Billable' : 'Non Billable';
}

/** The request's "HH:MM" from `minutes` (an integer, the target field) or an "HH:MM" `hours` value. */
function hoursOf(values: Record<string, unknown>): string {
  const m = values.minutes;
  if (typeof m === 'number' && Number.isFinite(m)) return formatHhMm(m);
  if (typeof m === 'string' && /^\d+$/.test(m.trim())) return formatHhMm(Number(m));
  return required(values, 'hours');
}

/** "HH:MM" 24-hour → "hh:mm AM|PM", the form V3's docs show for start_time/end_time (docs/zoho-api-notes.md#time-logs). */
function twelveHour(hhmm: string | undefined): string | undefined {
  if (hhmm === undefined) return undefined;
  if (/[ap]m$/i.test(hhmm.trim())) return hhmm.trim().toUpperCase();
  const min = parseHhMm(hhmm);
  if (min === undefined) return hhmm;
  const h = Math.floor(min / 60) % 24;
  const suffix = h < 12 ? 'AM' : 'PM';
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${String(h12).padStart(2, '0')}:${String(min % 60).padStart(2, '0')} ${suffix}`;
}

type Values = Record<string, unknown>;
/**
 * A time log's target fields and their aliases, read on every row: one property load per name (pickString
 * loops over a names array with keyed loads, ~3× the time of the whole request per row, measured).
 */
const TASK = (v: Values) => textOf(either(v['task'], v['task_id']));
const MODULE_TYPE = (v: Values) => textOf(either(v['moduleType'], v['module_type']));
const APPROVAL = (v: Values) => textOf(either(either(v['approval'], v['approval_status']), v['status']));
const START = (v: Values) => textOf(either(v['startTime'], v['start_time']));
const END = (v: Values) => textOf(either(v['endTime'], v['end_time']));
const BILLING = (v: Values) => textOf(either(either(v['billing'], v['bill_status']), v['billing_status']));
const LOG_NAME = (v: Values) => textOf(either(v['logName'], v['log_name']));
const NOTES = (v: Values) => textOf(v['notes']);
const DATE = (v: Values) => textOf(v['date']);
const OWNER = (v: Values) => textOf(either(either(v['user'], v['owner']), v['owner_zpuid']));

/** The owner to send: none for `api-user` (Zoho books the log to the token's owner), else the zpuid. */
function ownerOf(values: Record<string, unknown>): string | undefined {
  const owner = OWNER(values);
  return owner === API_USER ? undefined : owner;
}

const REFS: readonly RefField[] = [
  { field: 'project', aliases: ['project_id'], lookup: 'project-by-name', read: (v) => textOf(either(v['project'], v['project_id'])) },
  { field: 'task', aliases: ['task_id'], lookup: 'task-by-key', read: TASK },
  { field: 'user', aliases: ['owner', 'owner_zpuid'], lookup: 'user-by-email', accepts: (v) => v === API_USER, read: OWNER },
];

function monthRange(date: string): { startDate: string; endDate: string } {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { startDate: `${y}-${mm}-01`, endDate: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}

export function createTimelogLoader(api: ZohoApi, options: LoaderOptions = {}): EntityLoader {
  // One listing per project-month: skip-existing over many logs costs a few calls, not one per row.
  const cache = new ScopeCache<TimeLog>((scope) => {
    const [project, month] = scope.split('|') as [string, string];
    return collect(api.timelogs.listProject(project, monthRange(`${month}-01`)));
  });

  const project = (values: Record<string, unknown>) => required(values, 'project', 'project_id');

  function buildRequest(values: Record<string, unknown>): Record<string, unknown> {
    requireRefIds(values, REFS, options.isPlaceholder);
    const task = TASK(values);
    const moduleType = (MODULE_TYPE(values) ?? (task ? 'task' : 'general')) as 'task' | 'issue' | 'general';
    const status = APPROVAL(values);
    const start = twelveHour(START(values));
    // Built member by member in one fixed order, only the members the source gave (no compact copy):
    // this runs for every row the run sends, and again in the dry run.
    const body: Record<string, unknown> = {
      date: DATE(values) ?? required(values, 'date'),
      bill_status: billStatus(BILLING(values)),
      hours: hoursOf(values),
      module: task === undefined ? { type: moduleType } : { type: moduleType, id: task },
    };
    const logName = LOG_NAME(values);
    if (logName !== undefined) body['log_name'] = logName;
    const notes = NOTES(values);
    if (notes !== undefined) body['notes'] = notes;
    const owner = ownerOf(values);
    if (owner !== undefined) body['owner_zpuid'] = owner;
    if (start !== undefined) {
      body['start_time'] = start;
      const end = twelveHour(END(values));
      if (end !== undefined) body['end_time'] = end;
    }
    if (status === 'Approved' || status === 'Unapproved' || status === 'Rejected') body['status'] = status;
    return body;
  }

  function matches(log: TimeLog, values: Record<string, unknown>): boolean {
    const body = buildRequest(values) as unknown as TimeLogCreate;
    if (log.date !== body.date) return false;
    if (hoursToMinutes(log.log_hour) !== hoursToMinutes(body.hours)) return false;
    if (body.owner_zpuid !== undefined && log.owner?.zpuid !== body.owner_zpuid) return false;
    if (body.module.id !== undefined && log.module_detail?.id !== body.module.id) return false;
    if (body.module.id === undefined && log.type !== body.module.type) return false;
    if (log.billing_status !== undefined && log.billing_status !== body.bill_status) return false;
    return normNotes(log.notes ?? log.log_notes) === normNotes(body.notes);
  }

  async function findCandidates(values: Record<string, unknown>, opts: { fresh?: boolean } = {}): Promise<Candidate[]> {
    const date = required(values, 'date');
    const all = await cache.get(`${project(values)}|${date.slice(0, 7)}`, opts.fresh);
    return all
      .filter((l) => matches(l, values))
      .map((l) => candidateOf(l));
  }

  return {
    entity: 'timelog',
    buildRequest,
    describe: (values) => {
      const p = pickString(values, 'project', 'project_id') ?? '';
      const task = pickString(values, 'task', 'task_id');
      return { name: pickString(values, 'date') ?? '', scopeId: p, parents: { project: p, ...(task ? { task } : {}) } };
    },
    async create(items, signal) {
      return sendEach(items, 'timelog', options.concurrency ?? 4, async (item) => {
        const p = project(item.values);
        const log = await api.timelogs.create(p, buildRequest(item.values) as unknown as TimeLogCreate);
        await cache.add(`${p}|${String(log.date ?? item.values.date).slice(0, 7)}`, log);
        return log.id;
      }, signal);
    },
    async update(item, zohoId) {
      const log = await api.timelogs.update(project(item.values), zohoId, buildRequest(item.values) as Partial<TimeLogCreate>);
      return { key: item.key, status: 'updated', zohoId: log.id ?? zohoId };
    },
    forget: () => cache.clear(),
    async findExisting(values, opts = {}) {
      return (await findCandidates(values, opts)).map((c) => c.id);
    },
    findCandidates,
  };
}
