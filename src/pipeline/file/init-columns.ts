/**
 * `zpetl init`'s column guesses: which column fills which target field (by header names and their
 * usual synonyms) and which column is the key.
 */
import type { EntityKind } from '../../core/entity-kind.js';
import { ENTITY_FIELDS, type TargetField } from '../../transform/entity-fields.js';
import { isPortalScope } from '../../load/loaders/users.js';

/** Header names (normalised: lower case, letters and digits only) that usually hold each target field. */
const SYNONYMS: Record<string, string[]> = {
  name: ['name', 'title', 'taskname', 'task', 'summary', 'subject'],
  description: ['description', 'notes', 'details', 'body', 'desc'],
  startDate: ['startdate', 'start', 'begin', 'begins', 'startson'],
  endDate: ['duedate', 'due', 'enddate', 'end', 'deadline', 'dueon'],
  priority: ['priority', 'prio'],
  owners: ['assigneeemail', 'assignee', 'owneremail', 'owner', 'assignedto', 'owners', 'assignees'],
  owner: ['owneremail', 'owner', 'manager', 'manageremail', 'lead'],
  completionPercentage: ['percentcomplete', 'complete', 'progress', 'completion', 'done'],
  billingType: ['billingtype', 'billable'],
  tasklist: ['tasklist', 'list', 'section', 'column', 'group', 'tasklistname', 'listname'],
  milestone: ['milestone', 'phase', 'milestonename'],
  project: ['project', 'projectname', 'projectcode', 'workspace', 'board'],
  parent: ['parentid', 'parent', 'parenttask', 'parentkey', 'parenttaskid'],
  email: ['email', 'workemail', 'emailaddress', 'mail', 'useremail', 'emailid'],
  firstName: ['firstname', 'givenname', 'forename', 'first'],
  lastName: ['lastname', 'familyname', 'surname', 'last'],
  role: ['role', 'projectrole'],
  profile: ['profile'],
  user: ['useremail', 'user', 'owneremail', 'owner', 'email', 'employee', 'logowner'],
  date: ['logdate', 'date', 'day', 'workdate'],
  minutes: ['hours', 'timespent', 'duration', 'minutes', 'loghours', 'time'],
  billing: ['billingstatus', 'billingtype', 'billable', 'billstatus', 'billing'],
  approval: ['approvalstatus', 'approval', 'approved'],
  notes: ['notes', 'lognotes', 'comment', 'comments', 'description'],
  task: ['taskid', 'taskkey', 'task', 'issue', 'taskname'],
  logName: ['logname'],
  startTime: ['starttime', 'from'],
  endTime: ['endtime', 'to'],
  isPublic: ['public', 'ispublic'],
  flag: ['flag', 'visibility'],
};

/** Per-entity overrides: a task list's name is usually in a "List" column, a project's in "Project Name". */
const ENTITY_SYNONYMS: Partial<Record<EntityKind, Record<string, string[]>>> = {
  project: { name: ['projectname', 'project', 'name', 'title'] },
  milestone: { name: ['milestone', 'milestonename', 'phase', 'name', 'title'] },
  tasklist: { name: ['tasklist', 'tasklistname', 'list', 'listname', 'section', 'name'] },
  timelog: { task: ['taskid', 'taskkey', 'task', 'issue'] },
};

/** Column names that usually identify a record across exports: generic ones, then per entity. */
const KEY_SYNONYMS = ['id', 'key', 'externalid', 'recordid', 'uid', 'uuid'];
const ENTITY_KEY_SYNONYMS: Record<EntityKind, string[]> = {
  user: ['employeeid', 'userid', 'personid', 'staffid'],
  project: ['projectid', 'projectcode', 'projectkey', 'code'],
  milestone: ['milestoneid', 'phaseid'],
  tasklist: ['tasklistid', 'listid', 'sectionid'],
  task: ['taskid', 'taskkey', 'issueid', 'issuekey', 'ticketid'],
  subtask: ['taskid', 'subtaskid', 'taskkey', 'issueid', 'issuekey'],
  timelog: ['logid', 'timelogid', 'entryid', 'worklogid'],
};

/** A header name normalised for matching: lower case, letters and digits only. */
export const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** One target field and the column that fills it (undefined: none looked like it). */
export interface Mapping {
  field: string;
  spec: TargetField;
  column: string | undefined;
}

/** Which column fills which field (by header names and their usual synonyms), and which column is the key. */
export function pickColumns(entity: EntityKind, header: readonly string[]): { mappings: Mapping[]; key: string | undefined } {
  const used = new Set<string>();
  const byNorm = new Map(header.map((h) => [norm(h), h]));
  const fields = ENTITY_FIELDS[entity];
  const mappings: Mapping[] = [];
  // Required fields choose first so that, e.g., a task's `name` gets "Title" before `description` could.
  const order = Object.entries(fields).sort(([, a], [, b]) => Number(b.required ?? false) - Number(a.required ?? false));
  for (const [field, spec] of order) {
    if (spec.refused !== undefined) continue; // validate refuses it (e.g. a user's names): never map a column to it
    const synonyms = ENTITY_SYNONYMS[entity]?.[field] ?? SYNONYMS[field] ?? [norm(field)];
    let column: string | undefined;
    for (const s of synonyms) {
      const h = byNorm.get(s);
      if (h !== undefined && !used.has(h)) {
        column = h;
        break;
      }
    }
    if (column !== undefined) used.add(column);
    mappings.push({ field, spec, column });
  }
  // A portal-scope user step (no project column) sends nothing but checks e-mails: validate refuses a role or profile there.
  if (entity === 'user' && isPortalScope(undefined, mappings.some((m) => (m.field === 'project' || m.field === 'projects') && m.column !== undefined))) {
    for (const m of mappings) if (m.field === 'role' || m.field === 'profile') m.column = undefined;
  }
  // Back in the entity's declared order for the file.
  const declared = Object.keys(fields);
  mappings.sort((a, b) => declared.indexOf(a.field) - declared.indexOf(b.field));
  // A column that fills a reference (a parent's key, a project name) identifies another record, not this one.
  const refColumns = new Set(mappings.filter((m) => m.spec.type === 'ref' || m.spec.type === 'refs').map((m) => m.column));
  let key = [...KEY_SYNONYMS, ...ENTITY_KEY_SYNONYMS[entity]].map((s) => byNorm.get(s)).find((h) => h !== undefined && !refColumns.has(h));
  if (key === undefined && entity === 'user') key = mappings.find((m) => m.field === 'email')?.column;
  if (key === undefined) key = mappings.find((m) => m.field === 'name')?.column;
  return { mappings, key };
}
