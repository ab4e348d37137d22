/**
 * Tasks and subtasks: one POST each (V3 has no bulk task create, docs/zoho-api-notes.md#request-and-response-shapes). Links are nested
 * objects (`tasklist: {id}`, `parental_info: {parent_task_id}`); `*_id` keys are silently ignored by
 * V3 and would create unlinked records. Natural key: name within the task list and parent task, or
 * the external-id marker custom field when the step configures one.
 */
import type { Task, TaskCreate, ZohoApi } from '../../zoho/types.js';
import { ScopeCache } from '../exactly-once/scope-cache.js';
import { collect } from '../collect.js';
import { compact, customFields, pick, pickList, pickString, requireRefIds, required, type RefField } from '../target-values.js';
import { candidateOf } from '../exactly-once/created-time.js';
import { sameName } from '../exactly-once/natural-key-equality.js';
import { sendEach } from '../exactly-once/send-each.js';
import type { Candidate, EntityLoader, LoaderOptions } from '../types.js';

const PRIORITIES = new Set(['none', 'low', 'medium', 'high']);
const BILLING = new Set(['none', 'billable', 'non_billable']);

const REFS: readonly RefField[] = [
  { field: 'project', aliases: ['project_id'], lookup: 'project-by-name' },
  { field: 'tasklist', aliases: ['tasklist_id'], lookup: 'tasklist-by-name' },
  { field: 'parent', aliases: ['parent_task', 'parent_task_id'], lookup: 'task-by-key' },
  // Zoho takes an owner as `{email}` as well as `{zpuid}` (docs/zoho-api-notes.md#tasks).
  { field: 'owners', aliases: ['owner', 'owner_zpuid'], lookup: 'user-by-email', list: true, accepts: (v) => v.includes('@') },
];

/** `subtask: true` makes `parent_task` required and sends `parental_info`. */
export function createTaskLoader(api: ZohoApi, options: LoaderOptions & { subtask?: boolean } = {}): EntityLoader {
  const entity = options.subtask ? 'subtask' : 'task';
  const cache = new ScopeCache<Task>((project) => collect(api.tasks.list(project)));
  const ext = options.externalIdField;

  const project = (values: Record<string, unknown>) => required(values, 'project', 'project_id');
  const parentOf = (values: Record<string, unknown>) =>
    options.subtask ? required(values, 'parent', 'parent_task', 'parent_task_id') : pickString(values, 'parent', 'parent_task', 'parent_task_id');

  function buildRequest(values: Record<string, unknown>, key?: string): Record<string, unknown> {
    requireRefIds(values, REFS, options.isPlaceholder);
    const tasklist = pickString(values, 'tasklist', 'tasklist_id');
    const parent = parentOf(values);
    const owners = pickList(values, 'owners', 'owner', 'owner_zpuid');
    const priority = pickString(values, 'priority')?.toLowerCase();
    const billing = pickString(values, 'billingType', 'billing_type')?.toLowerCase();
    const durationValue = pickString(values, 'duration');
    const durationType = pickString(values, 'durationType', 'duration_type') === 'hours' ? 'hours' : 'days';
    const completion = pick(values, 'completionPercentage', 'completion_percentage');
    const body = compact({
      name: required(values, 'name'),
      description: pickString(values, 'description'),
      tasklist: tasklist === undefined ? undefined : { id: tasklist },
      parental_info: parent === undefined ? undefined : { parent_task_id: parent },
      priority: priority !== undefined && PRIORITIES.has(priority) ? priority : undefined,
      start_date: pickString(values, 'startDate', 'start_date'),
      end_date: pickString(values, 'endDate', 'end_date'),
      duration: durationValue === undefined ? undefined : { value: durationValue, type: durationType },
      owners_and_work: owners.length === 0 ? undefined : { owners: owners.map((o) => (o.includes('@') ? { email: o } : { zpuid: o })) },
      billing_type: billing !== undefined && BILLING.has(billing) ? billing : undefined,
      completion_percentage: typeof completion === 'number' || typeof completion === 'string' ? completion : undefined,
      ...customFields(values),
    } as Record<string, unknown>);
    if (ext && key !== undefined) body[ext] = key;
    return body;
  }

  async function findCandidates(values: Record<string, unknown>, opts: { fresh?: boolean; key?: string } = {}): Promise<Candidate[]> {
    const all = await cache.get(project(values), opts.fresh);
    const name = pickString(values, 'name');
    const tasklist = pickString(values, 'tasklist', 'tasklist_id');
    const parent = parentOf(values);
    const byMarker = ext && opts.key !== undefined ? all.filter((t) => t[ext] === opts.key) : [];
    const byName = all.filter(
      (t) =>
        !byMarker.includes(t) &&
        // With a marker configured, an entity marked for another key is that key's, never ours.
        !(ext && opts.key !== undefined && t[ext] !== undefined && t[ext] !== null && t[ext] !== '' && t[ext] !== opts.key) &&
        sameName(t.name, name) &&
        // Without a task list the task lands in the general list, whose id we do not know: any list.
        (tasklist === undefined || t.tasklist?.id === tasklist) &&
        (parent === undefined ? !t.parental_info?.parent_task_id : t.parental_info?.parent_task_id === parent),
    );
    return [...byMarker.map((t) => candidateOf(t, true)), ...byName.map((t) => candidateOf(t))];
  }

  return {
    entity,
    buildRequest,
    describe: (values) => {
      const p = pickString(values, 'project', 'project_id') ?? '';
      const tl = pickString(values, 'tasklist', 'tasklist_id');
      const parent = pickString(values, 'parent', 'parent_task', 'parent_task_id');
      return {
        name: pickString(values, 'name') ?? '',
        scopeId: p,
        parents: { project: p, ...(tl ? { tasklist: tl } : {}), ...(parent ? { parentTask: parent } : {}) },
      };
    },
    async create(items, signal) {
      return sendEach(items, entity, options.concurrency ?? 4, async (item) => {
        const p = project(item.values);
        const t = await api.tasks.create(p, buildRequest(item.values, item.key) as unknown as TaskCreate);
        await cache.add(p, t);
        return t.id;
      }, signal);
    },
    async update(item, zohoId) {
      const body = buildRequest(item.values, item.key);
      // A task cannot be re-parented by PATCH; sending parental_info again risks a refusal.
      delete body.parental_info;
      const t = await api.tasks.update(project(item.values), zohoId, body as Partial<TaskCreate>);
      return { key: item.key, status: 'updated', zohoId: t.id ?? zohoId };
    },
    forget: () => cache.clear(),
    async findExisting(values, opts = {}) {
      return (await findCandidates(values, opts)).map((c) => c.id);
    },
    findCandidates,
  };
}
