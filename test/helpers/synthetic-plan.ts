/**
 * A migration built straight as a RunPlan (no pipeline file): NDJSON sources written to a temp folder,
 * read with exact byte offsets (so resume seeks), and references resolved through the crosswalk of
 * earlier steps by source key. It exercises the run engine, the checkpoint store, the loaders, the
 * client and the sandbox for real; only the pipeline-file front half is replaced.
 *
 * Shape (for `n` tasks): 1 project · users · task lists · tasks · subtasks (every third task) · time
 * logs (one per task, on a user), so the numbers in the expected result are simple to derive.
 */
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadMode } from '../../src/core/load-mode.js';
import type { StartAt } from '../../src/extract/types.js';
import type { EntityKind } from '../../src/core/entity-kind.js';
import type { PlannedStep, PrepareContext, RunPlan } from '../../src/pipeline/run/run-plan.js';
import type { PreparedItem } from '../../src/core/prepared-item.js';

export interface MigrationSize {
  users: number;
  tasklists: number;
  tasks: number;
  /** One subtask per `subtaskEvery` tasks. */
  subtaskEvery: number;
  /** Time logs (spread over tasks and users). */
  timelogs: number;
  /** Rows with a deliberate problem per step (missing name), rejected before any request. */
  badRows?: number;
}

export interface Expected {
  projects: number;
  users: number;
  tasklists: number;
  tasks: number;
  subtasks: number;
  timelogs: number;
  subtaskEvery: number;
  /** Rows rejected by design. */
  rejected: number;
  total: number;
}

type Row = Record<string, string>;

export function generateMigration(dir: string, size: MigrationSize): { files: Record<string, string>; expected: Expected } {
  mkdirSync(dir, { recursive: true });
  const bad = size.badRows ?? 0;
  const rows: Record<string, Row[]> = { projects: [], users: [], tasklists: [], tasks: [], subtasks: [], timelogs: [] };
  rows.projects!.push({ key: 'P1', name: 'Chaos migration' });
  for (let i = 0; i < size.users; i++) rows.users!.push({ key: `U${i}`, email: `user${i}@example.com`, project: 'P1', projectName: 'Chaos migration' });
  for (let i = 0; i < size.tasklists; i++) rows.tasklists!.push({ key: `L${i}`, name: `List ${i}`, project: 'P1', projectName: 'Chaos migration' });
  for (let i = 0; i < size.tasks; i++) rows.tasks!.push({ key: `T${i}`, name: `Task ${i}`, tasklist: `L${i % size.tasklists}`, tasklistName: `List ${i % size.tasklists}`, project: 'P1', projectName: 'Chaos migration' });
  for (let i = 0; i < size.tasks; i += size.subtaskEvery) {
    rows.subtasks!.push({ key: `S${i}`, name: `Subtask of ${i}`, parent: `T${i}`, tasklist: `L${i % size.tasklists}`, tasklistName: `List ${i % size.tasklists}`, project: 'P1', projectName: 'Chaos migration' });
  }
  for (let i = 0; i < size.timelogs; i++) {
    const day = 1 + (i % 28);
    rows.timelogs!.push({
      key: `G${i}`,
      task: `T${i % size.tasks}`,
      user: `U${i % size.users}`,
      email: `user${i % size.users}@example.com`,
      date: `2026-10-${String(day).padStart(2, '0')}`,
      // at most 3 logs per user and day (lcm of 40 users and 28 days is 280), each under 8 h: never over 24 h a day
      hours: `0${1 + (i % 7)}:${String((i * 7) % 60).padStart(2, '0')}`,
      notes: `log ${i}`,
      project: 'P1',
      projectName: 'Chaos migration',
    });
  }
  // Deliberately bad rows (no name / no date), placed in the middle of each big step.
  for (const step of ['tasks', 'timelogs'] as const) {
    for (let b = 0; b < bad; b++) {
      const at = Math.floor(((b + 1) * rows[step]!.length) / (bad + 1));
      rows[step]!.splice(at, 0, step === 'tasks' ? { key: `BAD-T${b}`, name: '', tasklist: 'L0', project: 'P1', projectName: 'Chaos migration' } : { key: `BAD-G${b}`, task: 'T0', user: 'U0', date: '', hours: '01:00', notes: 'bad', project: 'P1', projectName: 'Chaos migration' });
    }
  }
  const files: Record<string, string> = {};
  for (const [name, list] of Object.entries(rows)) {
    const path = join(dir, `${name}.ndjson`);
    writeFileSync(path, list.map((r) => JSON.stringify(r)).join('\n') + '\n');
    files[name] = path;
    // The same rows as CSV, for the pipeline file (pipeline.yaml) that runs them through runPipeline.
    // The pipeline file looks the project up by name (projectName): the CSVs carry that column.
    const csvRows: Row[] = name === 'projects' ? list : list.map((r) => ({ ...r, projectName: 'Chaos migration' }));
    const cols = [...new Set(csvRows.flatMap((r) => Object.keys(r)))];
    const cell = (v: string | undefined) => (v === undefined ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    writeFileSync(join(dir, `${name}.csv`), [cols.join(','), ...csvRows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n');
  }
  files.pipeline = join(dir, 'pipeline.yaml');
  writeFileSync(files.pipeline, PIPELINE_YAML);
  const expected: Expected = {
    projects: 1,
    users: size.users,
    tasklists: size.tasklists,
    tasks: size.tasks,
    subtasks: rows.subtasks!.length,
    subtaskEvery: size.subtaskEvery,
    timelogs: size.timelogs,
    rejected: 2 * bad,
    total: 0,
  };
  expected.total = Object.values(rows).reduce((n, l) => n + l.length, 0);
  return { files, expected };
}

/** The migration as a pipeline file over the CSVs: lookups by name and by key, as a user would write it. */
const PIPELINE_YAML = `version: 1
name: chaos
options: { batchSize: 25, concurrency: 4 }
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [key]
    fields: { name: { required: true } }
  - name: users
    entity: user
    scope: project
    source: { type: csv, path: users.csv }
    key: [key]
    fields:
      email: { converter: email, required: true }
      project: { from: projectName, lookup: { kind: project-by-name }, default: Chaos migration }
  - name: tasklists
    entity: tasklist
    source: { type: csv, path: tasklists.csv }
    key: [key]
    fields:
      name: { required: true }
      project: { from: projectName, lookup: { kind: project-by-name }, default: Chaos migration }
  - name: tasks
    entity: task
    source: { type: csv, path: tasks.csv }
    key: [key]
    fields:
      name: { required: true }
      project: { from: projectName, lookup: { kind: project-by-name }, default: Chaos migration }
      tasklist: { from: tasklistName, lookup: { kind: tasklist-by-name, within: project } }
  - name: subtasks
    entity: subtask
    source: { type: csv, path: subtasks.csv }
    key: [key]
    fields:
      name: { required: true }
      project: { from: projectName, lookup: { kind: project-by-name }, default: Chaos migration }
      parent: { lookup: { kind: task-by-key, step: tasks }, required: true }
      tasklist: { from: tasklistName, lookup: { kind: tasklist-by-name, within: project } }
  - name: timelogs
    entity: timelog
    source: { type: csv, path: timelogs.csv }
    key: [key]
    fields:
      project: { from: projectName, lookup: { kind: project-by-name }, default: Chaos migration }
      task: { lookup: { kind: task-by-key, step: tasks }, required: true }
      user: { from: email, lookup: { kind: user-by-email } }
      date: { converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      minutes: { from: hours, converter: { type: duration, format: "hh:mm" }, required: true }
      billing: { default: Billable }
      notes: {}
`;

/** NDJSON lines with exact byte offsets, from `startAt` on. */
async function* readNdjson(path: string, display: string, startAt?: StartAt): AsyncIterable<{ row: Row; pos: { source: string; line: number; index: number; byteOffset: number } }> {
  let offset = startAt?.byteOffset ?? 0;
  let index = startAt?.index ?? 0;
  let line = startAt?.line ?? 1;
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { start: offset })) {
    let buf = Buffer.concat([carry, chunk as Buffer]);
    for (;;) {
      const nl = buf.indexOf(10);
      if (nl < 0) break;
      const text = buf.subarray(0, nl).toString('utf8');
      if (text.trim() !== '') {
        yield { row: JSON.parse(text) as Row, pos: { source: display, line, index, byteOffset: offset } };
        index++;
      }
      offset += nl + 1;
      line++;
      buf = buf.subarray(nl + 1);
    }
    carry = buf;
  }
}

const xw = (ctx: PrepareContext, step: string, key: string | undefined) => (key ? ctx.store.crosswalkGet(step, key)?.zohoId : undefined);

type Mapper = (row: Row, ctx: PrepareContext) => { values: Record<string, unknown> } | { field: string; message: string; code: 'ROW_REQUIRED' | 'ROW_MISSING_PARENT' };

function step(name: string, entity: EntityKind, path: string, batchSize: number, map: Mapper, loader: PlannedStep['loader'] = {}): PlannedStep {
  return {
    name,
    entity,
    mode: 'create',
    batchSize,
    source: { path, display: `${name}.ndjson` },
    loader: { concurrency: 4, ...loader },
    async *prepare(ctx): AsyncIterable<PreparedItem> {
      for await (const { row, pos } of readNdjson(path, `${name}.ndjson`, ctx.startAt)) {
        const m = map(row, ctx);
        if ('values' in m) yield { kind: 'valid', key: row.key!, values: m.values, pos, data: row };
        else yield { kind: 'reject', error: { code: m.code, message: m.message, field: m.field, pos }, pos, data: row };
      }
    },
  };
}

const need = (v: string | undefined, field: string, code: 'ROW_REQUIRED' | 'ROW_MISSING_PARENT' = 'ROW_MISSING_PARENT') =>
  v ? undefined : ({ field, code, message: code === 'ROW_REQUIRED' ? `${field} is required` : `${field} not loaded` } as const);

export interface PlanOptions {
  pipeline?: string;
  batchSize?: number;
  /** Load mode per step name (default create). */
  modes?: Partial<Record<string, LoadMode>>;
  rejectLimits?: RunPlan['rejectLimits'];
}

export function migrationPlan(files: Record<string, string>, opts: PlanOptions = {}): RunPlan {
  const bs = opts.batchSize ?? 25;
  const projects = step('projects', 'project', files.projects!, bs, (r) => ({ values: { name: r.name } }));
  const users = step(
    'users',
    'user',
    files.users!,
    bs,
    (r, ctx) => {
      const project = xw(ctx, 'projects', r.project);
      return need(project, 'project') ?? { values: { email: r.email, project } };
    },
    { userBatchSize: 10, userScope: 'project' },
  );
  const tasklists = step('tasklists', 'tasklist', files.tasklists!, bs, (r, ctx) => {
    const project = xw(ctx, 'projects', r.project);
    return need(project, 'project') ?? { values: { name: r.name, project } };
  });
  const tasks = step('tasks', 'task', files.tasks!, bs, (r, ctx) => {
    const project = xw(ctx, 'projects', r.project);
    const tasklist = xw(ctx, 'tasklists', r.tasklist);
    return (
      need(r.name, 'name', 'ROW_REQUIRED') ??
      need(project, 'project') ??
      need(tasklist, 'tasklist') ?? { values: { name: r.name, project, tasklist, ...(r.description ? { description: r.description } : {}) } }
    );
  });
  const subtasks = step('subtasks', 'subtask', files.subtasks!, bs, (r, ctx) => {
    const project = xw(ctx, 'projects', r.project);
    const parent = xw(ctx, 'tasks', r.parent);
    const tasklist = xw(ctx, 'tasklists', r.tasklist);
    return need(project, 'project') ?? need(parent, 'parent') ?? { values: { name: r.name, project, parent_task: parent, tasklist } };
  });
  const timelogs = step('timelogs', 'timelog', files.timelogs!, bs, (r, ctx) => {
    const project = xw(ctx, 'projects', r.project);
    const task = xw(ctx, 'tasks', r.task);
    const owner = xw(ctx, 'users', r.user);
    return (
      need(r.date, 'date', 'ROW_REQUIRED') ??
      need(project, 'project') ??
      need(task, 'task') ??
      need(owner, 'user') ?? { values: { project, task, owner, date: r.date, hours: r.hours, notes: r.notes, bill_status: 'Billable' } }
    );
  });
  for (const st of [projects, users, tasklists, tasks, subtasks, timelogs]) st.mode = opts.modes?.[st.name] ?? 'create';
  return {
    pipeline: opts.pipeline ?? 'chaos',
    // users and task lists hit different endpoints: one group, run concurrently
    groups: [[projects], [users, tasklists], [tasks], [subtasks], [timelogs]],
    rejectLimits: opts.rejectLimits ?? {},
  };
}
