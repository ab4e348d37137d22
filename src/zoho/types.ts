/**
 * The contract between the Zoho client and everything above it (loaders, lookups, payroll).
 * Wire types follow the V3 shapes in docs/zoho-api-notes.md#entities-the-loaders-create; every id is a
 * string (19 digits on the real service, docs/zoho-api-notes.md#ids) and must never pass through Number.
 *
 * Errors: every method throws ZpetlError only. Callers switch on `disposition`:
 *  - 'reject-row': Zoho refused this record (details: { title, fieldName, status }); the row is rejected.
 *  - 'fatal': stop the run (auth, config, retries exhausted).
 *  - code 'ZOHO_IN_DOUBT': a create (POST) was sent and no answer came back (timeout, reset). It may or
 *    may not exist in Zoho; the caller must reconcile before any re-send. Never retried by the client.
 */

export type ZohoId = string;

/** `{id, name}` link objects as V3 returns them. */
export interface ZohoRef {
  id: ZohoId;
  name?: string;
}

export interface ZohoUserRef {
  zpuid?: ZohoId;
  zuid?: number | string;
  name?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
}

export interface Portal {
  id: ZohoId;
  name?: string;
  [k: string]: unknown;
}

export interface Project {
  id: ZohoId;
  name: string;
  description?: string;
  start_date?: string;
  end_date?: string;
  status?: { id: ZohoId; name: string; is_closed_type?: boolean };
  owner?: ZohoUserRef;
  [k: string]: unknown;
}

export interface ProjectCreate {
  name: string;
  description?: string;
  start_date?: string;
  end_date?: string;
  owner?: { zpuid: ZohoId };
  is_public_project?: boolean;
  [cf: `cf_${string}`]: unknown;
}

export interface Milestone {
  id: ZohoId;
  name: string;
  start_date?: string;
  end_date?: string;
  flag?: 'internal' | 'external';
  owner?: ZohoUserRef;
  project?: ZohoRef;
  [k: string]: unknown;
}

export interface MilestoneCreate {
  name: string;
  start_date: string;
  end_date: string;
  owner?: { zpuid: ZohoId };
  flag?: 'internal' | 'external';
}

export interface Tasklist {
  id: ZohoId;
  name: string;
  milestone?: ZohoRef;
  flag?: 'internal' | 'external';
  project?: ZohoRef;
  [k: string]: unknown;
}

export interface TasklistCreate {
  name: string;
  milestone?: { id: ZohoId };
  flag?: 'internal' | 'external';
}

export interface Task {
  id: ZohoId;
  name: string;
  description?: string;
  tasklist?: ZohoRef;
  milestone?: ZohoRef;
  project?: ZohoRef;
  priority?: string;
  start_date?: string;
  end_date?: string;
  depth?: number;
  parental_info?: { parent_task_id: ZohoId; root_task_id?: ZohoId };
  owners_and_work?: { owners?: ZohoUserRef[]; [k: string]: unknown };
  completion_percentage?: number;
  status?: { id: ZohoId; name?: string; is_closed_type?: boolean };
  [k: string]: unknown;
}

export interface TaskCreate {
  name: string;
  description?: string;
  tasklist?: { id: ZohoId };
  parental_info?: { parent_task_id: ZohoId };
  priority?: 'none' | 'low' | 'medium' | 'high';
  start_date?: string;
  end_date?: string;
  duration?: { value: string; type: 'days' | 'hours' };
  owners_and_work?: { owners: { zpuid?: ZohoId; email?: string }[]; work_type?: string; total_work?: string };
  billing_type?: 'none' | 'billable' | 'non_billable';
  completion_percentage?: number | string;
  [cf: `cf_${string}`]: unknown;
}

export interface User {
  /** zpuid */
  id: ZohoId;
  zuid?: number | string;
  email: string;
  first_name?: string;
  last_name?: string;
  full_name?: string;
  status?: string;
  role?: { id: ZohoId; name: string };
  [k: string]: unknown;
}

/** A portal role (the V3 user object's `role {id, name}`; listing: docs/zoho-api-notes.md#users). */
export interface Role {
  id: ZohoId;
  name: string;
  [k: string]: unknown;
}

/** A portal profile (the V3 user object's `portal_profile {id, name, is_default}`). */
export interface Profile {
  id: ZohoId;
  name: string;
  is_default?: boolean;
  [k: string]: unknown;
}

export interface ProjectUserAdd {
  email_id: string;
  role_id?: ZohoId;
  profile_id?: ZohoId;
}

/** One time-log entry as V3 *returns* it (names differ from the request: see TimeLogCreate). */
export interface TimeLog {
  id: ZohoId;
  /** YYYY-MM-DD */
  date: string;
  /** "HH:MM" */
  log_hour: string;
  start_time?: string;
  end_time?: string;
  billing_status: 'Billable' | 'Non Billable';
  type: 'task' | 'issue' | 'general';
  module_detail?: { id: ZohoId; name?: string; type?: string };
  project: ZohoRef;
  owner: ZohoUserRef;
  added_by?: ZohoUserRef;
  approval?: { status: 'Approved' | 'Unapproved' | 'Rejected' | string; time?: string } & ZohoUserRef;
  notes?: string;
  log_notes?: string;
  log_name?: string;
  created_time?: string;
  last_modified_time?: string;
  [k: string]: unknown;
}

/** A time-log create as V3 *accepts* it. */
export interface TimeLogCreate {
  date: string;
  bill_status: 'Billable' | 'Non Billable';
  /** "HH:MM" */
  hours: string;
  module: { type: 'task' | 'issue' | 'general'; id?: ZohoId };
  log_name?: string;
  notes?: string;
  owner_zpuid?: ZohoId;
  start_time?: string;
  end_time?: string;
  status?: 'Approved' | 'Unapproved' | 'Rejected';
}

export interface TimeLogQuery {
  /** YYYY-MM-DD; the client splits ranges longer than 6 months into several windows. */
  startDate: string;
  endDate: string;
  /** task | issue | general; default all three, one listing each. */
  moduleTypes?: ('task' | 'issue' | 'general')[];
  /** zpuids; default all users. */
  userIds?: ZohoId[];
  perPage?: number;
}

/** Endpoint templates: the unit of Zoho's rate limit (method + path template). */
export const ENDPOINTS = {
  portalsList: 'GET /portals',
  projectsList: 'GET /projects',
  projectGet: 'GET /projects/{project}',
  projectCreate: 'POST /projects',
  projectUpdate: 'PATCH /projects/{project}',
  projectTrash: 'POST /projects/{project}/trash',
  milestonesList: 'GET /projects/{project}/milestones',
  milestoneCreate: 'POST /projects/{project}/milestones',
  milestoneUpdate: 'PATCH /projects/{project}/milestones/{milestone}',
  tasklistsList: 'GET /projects/{project}/tasklists',
  tasklistCreate: 'POST /projects/{project}/tasklists',
  tasklistUpdate: 'PATCH /projects/{project}/tasklists/{tasklist}',
  tasksList: 'GET /projects/{project}/tasks',
  taskGet: 'GET /projects/{project}/tasks/{task}',
  taskCreate: 'POST /projects/{project}/tasks',
  taskUpdate: 'PATCH /projects/{project}/tasks/{task}',
  taskDelete: 'DELETE /projects/{project}/tasks/{task}',
  portalUsersList: 'GET /users',
  portalUserGet: 'GET /users/{user}',
  projectUsersList: 'GET /projects/{project}/users',
  projectUsersAdd: 'POST /projects/{project}/projectusers',
  // Role and profile listings: paths UNCONFIRMED, the first asked first (docs/zoho-api-notes.md#users).
  rolesList: 'GET /settings/roles',
  rolesListPlain: 'GET /roles',
  profilesList: 'GET /settings/profiles',
  profilesListPlain: 'GET /profiles',
  timelogsProjectList: 'GET /projects/{project}/timelogs',
  timelogsPortalList: 'GET /timelogs',
  timelogCreate: 'POST /projects/{project}/log',
  timelogUpdate: 'PATCH /projects/{project}/logs/{log}',
  timelogDelete: 'DELETE /projects/{project}/logs/{log}',
} as const;

export type EndpointName = keyof typeof ENDPOINTS;
export type EndpointTemplate = (typeof ENDPOINTS)[EndpointName];

/** Events the client emits; the pipeline forwards them to progress renderers and reports. */
export type ClientEvent =
  | { type: 'request'; endpoint: EndpointTemplate; method: string; status: number; durationMs: number; attempt: number }
  | { type: 'retry'; endpoint: EndpointTemplate; attempt: number; delayMs: number; reason: string }
  | { type: 'rate-limited'; endpoint: EndpointTemplate; untilMs: number; source: '429' | 'rolling-throttle' | 'headers' }
  | { type: 'budget-wait'; endpoint: EndpointTemplate; waitMs: number }
  | { type: 'token-refresh'; ok: boolean; durationMs: number }
  | { type: 'auth-throttled'; waitMs: number }
  | { type: 'in-doubt'; endpoint: EndpointTemplate; reason: string };

/** Per-endpoint counters kept by the client for reports. */
export interface EndpointStats {
  calls: number;
  rateLimited: number;
  retries: number;
  errors: number;
}

/** The typed API surface. Lists are async iterables over every page. */
export interface ZohoApi {
  readonly portalId: string;
  portals: {
    list(): Promise<Portal[]>;
  };
  projects: {
    list(): AsyncIterable<Project>;
    get(projectId: ZohoId): Promise<Project>;
    create(body: ProjectCreate): Promise<Project>;
    update(projectId: ZohoId, body: Partial<ProjectCreate>): Promise<Project>;
    trash(projectId: ZohoId): Promise<void>;
  };
  milestones: {
    list(projectId: ZohoId): AsyncIterable<Milestone>;
    create(projectId: ZohoId, body: MilestoneCreate): Promise<Milestone>;
    update(projectId: ZohoId, milestoneId: ZohoId, body: Partial<MilestoneCreate>): Promise<Milestone>;
  };
  tasklists: {
    list(projectId: ZohoId): AsyncIterable<Tasklist>;
    create(projectId: ZohoId, body: TasklistCreate): Promise<Tasklist>;
    update(projectId: ZohoId, tasklistId: ZohoId, body: Partial<TasklistCreate>): Promise<Tasklist>;
  };
  tasks: {
    list(projectId: ZohoId): AsyncIterable<Task>;
    get(projectId: ZohoId, taskId: ZohoId): Promise<Task>;
    create(projectId: ZohoId, body: TaskCreate): Promise<Task>;
    update(projectId: ZohoId, taskId: ZohoId, body: Partial<TaskCreate>): Promise<Task>;
    delete(projectId: ZohoId, taskId: ZohoId): Promise<void>;
  };
  users: {
    listPortal(): AsyncIterable<User>;
    /** By zpuid or email; undefined when Zoho has no such user. */
    getPortal(idOrEmail: string): Promise<User | undefined>;
    listProject(projectId: ZohoId): AsyncIterable<User>;
    /** Bulk add; returns email → zpuid for each added user (Zoho's `emailvszpuid`). */
    addToProject(projectId: ZohoId, users: ProjectUserAdd[]): Promise<Record<string, ZohoId>>;
    /** The portal's roles (`GET /settings/roles`, else `GET /roles`: both UNCONFIRMED). */
    listRoles(): Promise<Role[]>;
    /** The portal's profiles (`GET /settings/profiles`, else `GET /profiles`: both UNCONFIRMED). */
    listProfiles(): Promise<Profile[]>;
  };
  timelogs: {
    /** Every log in the range for one project (all pages, 6-month windows, each module type). */
    listProject(projectId: ZohoId, query: TimeLogQuery): AsyncIterable<TimeLog>;
    /** Every log in the range portal-wide. */
    listPortal(query: TimeLogQuery): AsyncIterable<TimeLog>;
    create(projectId: ZohoId, body: TimeLogCreate): Promise<TimeLog>;
    update(projectId: ZohoId, logId: ZohoId, body: Partial<TimeLogCreate>): Promise<TimeLog>;
    delete(projectId: ZohoId, logId: ZohoId, moduleType: 'task' | 'issue' | 'general'): Promise<void>;
  };
}

/** The client: the API plus what the run loop needs to observe and pace it. */
export interface ZohoClient extends ZohoApi {
  /** Subscribes to client events; returns an unsubscribe function. */
  on(listener: (e: ClientEvent) => void): () => void;
  /** Counters per endpoint template since the client was created. */
  stats(): Record<string, EndpointStats>;
  /**
   * Milliseconds until `endpoint` could take `calls` more calls at the current budget (0 = now).
   * Used by the off-peak window drain and ETA figures.
   */
  estimateWaitMs(endpoint: EndpointTemplate, calls: number): number;
  /** The effective per-window limit and window length for an endpoint (after headroom). */
  budgetFor(endpoint: EndpointTemplate): { limit: number; windowMs: number };
  /** Stops pacing timers and aborts waits. */
  close(): Promise<void>;
}
