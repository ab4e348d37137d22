/**
 * The differential test of the dry run: each pipeline is rehearsed (with read access, through the
 * credentials in the environment, as `zpetl run --dry-run` does) and then run for real against the
 * same sandbox and checkpoint. Per step, the dry run's wouldCreate / wouldSkip (+ rows its `where:`
 * left out) / wouldUpdate / rejects and reject codes equal what the run then counted, the source
 * warnings are the same, and the dry run wrote nothing to Zoho.
 *
 * Pipelines: every example in pipelines/ that loads (found in the folder), and generated ones for what the examples do not
 * reach: skip-existing over records another pipeline loaded (parents only in Zoho, a new milestone of
 * an existing task list, time logs of a person about to join a project), portal-scope users not in the
 * portal (and the tasks and logs that name them), upsert over the crosswalk and natural-key matches, a
 * rejected project and task with children under them, and a `where:` filter.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { ROOT, seedExamples } from '../helpers/cli-helpers.js';
import { dryRun, type DryRunResult } from '../../src/pipeline/dry-run/dry-run.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import { loadPipeline } from '../../src/pipeline/file/load-pipeline.js';
import { isLoadStep } from '../../src/pipeline/file/schema.js';
import { readJiraExpected } from '../helpers/jira-export.js';
import type { RunResult } from '../../src/pipeline/run-result.js';
import type { RunReport } from '../../src/report/model.js';
import type { Sandbox } from '../../src/sandbox/index.js';

it.override({ sandboxOptions: { seed: 'empty', timeScale: 1000 } });

/** Per step, what the run counts, in the run's terms. */
interface StepFigures {
  step: string;
  read: number;
  created: number;
  skipped: number;
  updated: number;
  rejected: number;
  codes: Record<string, number>;
}

function predicted(dry: DryRunResult): StepFigures[] {
  return dry.report.steps.map((s) => ({
    step: s.name,
    read: s.counts.read,
    created: s.counts.wouldCreate ?? 0,
    // The run counts rows its `where:` left out as skipped too.
    skipped: (s.counts.wouldSkip ?? 0) + s.counts.skipped,
    updated: s.counts.wouldUpdate ?? 0,
    rejected: s.counts.rejected,
    codes: s.rejectsByCode,
  }));
}

function counted(run: RunResult): StepFigures[] {
  const report = JSON.parse(readFileSync(run.reportFiles!.reportJson, 'utf8')) as RunReport;
  return report.steps.map((s) => ({ step: s.name, read: s.counts.read, created: s.counts.created, skipped: s.counts.skipped, updated: s.counts.updated, rejected: s.counts.rejected, codes: s.rejectsByCode }));
}

/** A run of `file` against the sandbox (its own checkpoint `db`), the report written under `dir`. */
async function realRun(sandbox: Sandbox, dir: string, file: string, db: string, out: string): Promise<RunResult> {
  return runPipeline(loadPipeline(file, sandbox.env), { env: sandbox.env, cwd: dir, db, outDir: join(dir, out), clock: sandbox.clock });
}

/**
 * The dry run of `file`, then its real run, on one sandbox and one checkpoint: the per-step figures
 * must be equal. Returns the run's figures for the scenario's own checks.
 */
async function differential(sandbox: Sandbox, dir: string, file: string, db = join(dir, 'differential.db'), unverified: Record<string, number> = {}): Promise<StepFigures[] & { dry: RunReport }> {
  const before = sandbox.admin.counters().entities;
  const notices: string[] = [];
  const dry = await dryRun(loadPipeline(file, sandbox.env), { env: sandbox.env, cwd: dir, db, outDir: join(dir, 'dry'), clock: sandbox.clock, onNotice: (n) => notices.push(n) });
  expect(dry.report.error).toBeUndefined();
  // Read access: nothing offline, nothing unverified (but what the scenario names), nothing written.
  expect(notices.length).toBe(Object.keys(unverified).length);
  expect(Object.fromEntries(dry.report.steps.filter((s) => s.unverified !== undefined).map((s) => [s.name, s.unverified]))).toEqual(unverified);
  expect(sandbox.admin.counters().entities).toEqual(before);
  const run = await realRun(sandbox, dir, file, db, 'run');
  expect(run.error, run.message).toBeUndefined();
  const done = counted(run);
  expect(predicted(dry)).toEqual(done);
  // The same source warnings (a repeated header read numbered …), told by the same rule.
  const runReport = JSON.parse(readFileSync(run.reportFiles!.reportJson, 'utf8')) as RunReport;
  expect(dry.report.sourceWarnings).toEqual(runReport.sourceWarnings);
  return Object.assign(done, { dry: dry.report });
}

const figures = (all: StepFigures[], step: string): StepFigures => all.find((s) => s.step === step)!;

/** Writes the files and a pipeline `<name>.yaml` of `steps` (YAML, indented as list items) into `dir`. */
function writePipeline(dir: string, name: string, files: Record<string, string>, steps: string): string {
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `version: 1\nname: ${name}\noptions:\n  batchSize: 3\nsteps:\n${steps}`);
  return path;
}

const PROJECTS = (mode: string) => `
  - name: projects
    entity: project
    mode: ${mode}
    source: { type: csv, path: projects.csv }
    key: [Code]
    fields:
      name: { from: Name, required: true }
      owner: { from: Owner, converter: email, lookup: { kind: user-by-email } }
`;

const TASKS = (mode: string, where = '') => `
  - name: tasks
    entity: task
    mode: ${mode}
    source: { type: csv, path: tasks.csv }${where}
    key: [ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      tasklist: { from: List, lookup: { kind: tasklist-by-name, within: project } }
      name: { from: Name, required: true }
      startDate: { from: Start, converter: { type: date, formats: [YYYY-MM-DD] } }
      owners: { from: Owner, converter: { type: list, separator: "," }, lookup: { kind: user-by-email } }
  - name: subtasks
    entity: subtask
    mode: ${mode}
    source: { type: csv, path: subtasks.csv }
    key: [ID]
    fields:
      parent: { from: Parent, lookup: { kind: task-by-key, step: tasks }, required: true }
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: Name, required: true }
`;

const TIMELOGS = (mode: string) => `
  - name: timelogs
    entity: timelog
    mode: ${mode}
    source: { type: csv, path: timelogs.csv }
    key: [ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      task: { from: Task, lookup: { kind: task-by-key, step: tasks } }
      user: { from: User, converter: email, lookup: { kind: user-by-email } }
      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" }, required: true }
      billing: { default: Billable }
      logName: { default: General }
      notes: { from: Notes }
`;

const USERS = (mode: string, scope: 'project' | 'portal') => `
  - name: users
    entity: user
    mode: ${mode}
    scope: ${scope}
    source: { type: csv, path: users.csv }
    key: [Email${scope === 'project' ? ', Project' : ''}]
    fields:
      email: { from: Email, converter: email, required: true }${scope === 'project' ? '\n      project: { from: Project, lookup: { kind: project-by-name }, required: true }' : ''}
`;

/** The example pipelines with a load step (nightly-payroll-export.yaml, a payroll export, has none). */
function loadingExamples(): string[] {
  return readdirSync(join(ROOT, 'pipelines'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .filter((name) => loadPipeline(join(ROOT, 'pipelines', `${name}.yaml`), { ZOHO_PORTAL_ID: '1' }).config.steps.some(isLoadStep))
    .sort();
}

/** The portal an example assumes, when it is not the shared example portal (seedExamples). */
const SETUP: Record<string, (s: Sandbox) => Promise<void> | void> = {
  'demo-migration': () => {},
  'migrate-from-jira': (s) => {
    const people = readJiraExpected().people.filter((p) => p.inZoho);
    s.admin.insert('users', people.map((p) => ({ email: p.email, first_name: p.firstName, last_name: p.lastName })));
  },
};

const OLIVIA = 'olivia.brown@acme.example';
const MIA = 'mia.novak@acme.example';

describe('dry run against real run, per step (differential)', () => {
  // Every example that loads, found in pipelines/ (a new example is covered without editing this test).
  // Each starts from the portal its comments assume: the demo makes its own, the Jira migration needs
  // the people already in Zoho under their Jira names, the others the shared example portal.
  it.for(loadingExamples())('pipelines/%s.yaml', async (name, { sandbox, tmp }) => {
    await (SETUP[name] ?? seedExamples)(sandbox);
    const done = await differential(sandbox, tmp, join(ROOT, 'pipelines', `${name}.yaml`));
    expect(done.reduce((n, s) => n + s.created, 0)).toBeGreaterThan(0);
  });

  it('covers at least the five examples that load', () => {
    expect(loadingExamples()).toEqual(expect.arrayContaining(['demo-migration', 'migrate-tasks-from-csv', 'provision-users-from-hr', 'import-zoho-timesheet-export', 'migrate-from-jira']));
  });

  it('skip-existing over what another pipeline loaded: parents only in Zoho, a new milestone of an existing list, logs of a person about to join a project', async ({ sandbox, tmp }) => {
    await seedExamples(sandbox);
    sandbox.admin.insert('projects', [{ name: 'Internal' }]);
    // Another pipeline (its own checkpoint: this one's crosswalk knows none of it) loaded these first.
    const first = writePipeline(tmp, 'first-load', {
      'tasks.csv': `ID,Project,List,Name,Start,Owner\nT1,Website relaunch,Build,Design page,,${OLIVIA}\nT2,Website relaunch,Build,Write copy,,\nT3,Mobile app v2,,Sync engine,,\n`,
      'subtasks.csv': 'ID,Parent,Project,Name\nS1,T1,Website relaunch,Sketch\n',
      'timelogs.csv': `ID,Project,Task,User,Date,Hours,Notes\nL1,Website relaunch,T1,${OLIVIA},2026-11-02,01:00,first\nL2,Website relaunch,,${MIA},2026-11-03,02:00,general\n`,
    }, TASKS('create') + TIMELOGS('create'));
    const firstRun = await realRun(sandbox, tmp, first, join(tmp, 'first.db'), 'first');
    expect(firstRun.exitCode, JSON.stringify(firstRun.counts) + readFileSync(firstRun.reportFiles!.rejectsCsv, 'utf8')).toBe(0);

    const file = writePipeline(tmp, 'migrate', {
      'projects.csv': 'Code,Name,Owner\nP1,Website relaunch,\nP2,New project,\n',
      // Mia joins Internal (added: she keeps her portal id); Olivia is already in Website relaunch.
      'users.csv': `Email,Project\n${MIA},Internal\n${OLIVIA},Website relaunch\n`,
      'milestones.csv': 'Project,Name,Start,End\nWebsite relaunch,Launch,2026-11-01,2026-12-01\n',
      'tasklists.csv': 'Project,Name,Milestone\nWebsite relaunch,Build,Launch\nNew project,Backlog,\n',
      // T3 and T6: their project is only in Zoho (not in projects.csv).
      'tasks.csv': `ID,Project,List,Name,Start,Owner\nT1,Website relaunch,Build,Design page,,${OLIVIA}\nT2,Website relaunch,Build,Write copy,,\nT3,Mobile app v2,,Sync engine,,\nT4,Website relaunch,Build,Deploy,,${MIA}\nT5,New project,Backlog,Kickoff,,\nT6,Mobile app v2,Offline mode,Cache,,\n`,
      'subtasks.csv': 'ID,Parent,Project,Name\nS1,T1,Website relaunch,Sketch\nS2,T2,Website relaunch,Proofread\nS3,T5,New project,Agenda\n',
      'timelogs.csv': `ID,Project,Task,User,Date,Hours,Notes\nL1,Website relaunch,T1,${OLIVIA},2026-11-02,01:00,first\nL2,Website relaunch,,${MIA},2026-11-03,02:00,general\nL3,Website relaunch,T4,${OLIVIA},2026-11-04,02:00,second\n`,
    }, `${PROJECTS('skip-existing')}${USERS('skip-existing', 'project')}
  - name: milestones
    entity: milestone
    mode: skip-existing
    source: { type: csv, path: milestones.csv }
    key: [Project, Name]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: Name, required: true }
      startDate: { from: Start, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      endDate: { from: End, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
  - name: tasklists
    entity: tasklist
    mode: skip-existing
    source: { type: csv, path: tasklists.csv }
    key: [Project, Name]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: Name, required: true }
      milestone: { from: Milestone, lookup: { kind: milestone-by-name, within: project } }
${TASKS('skip-existing')}${TIMELOGS('skip-existing')}`);
    const done = await differential(sandbox, tmp, file);
    expect(done.map((s) => [s.step, s.created, s.skipped])).toEqual([
      ['projects', 1, 1],
      ['users', 1, 1],
      ['milestones', 1, 0],
      ['tasklists', 1, 1],
      ['tasks', 3, 3],
      ['subtasks', 2, 1],
      ['timelogs', 1, 2],
    ]);
  });

  it('portal-scope users, some not in the portal: they, and the tasks and logs naming them, are rejected', async ({ sandbox, tmp }) => {
    await seedExamples(sandbox);
    const file = writePipeline(tmp, 'portal-users', {
      'users.csv': `Email\n${OLIVIA}\nzed@acme.example\nYan@Acme.example\n${MIA}\n`,
      'tasks.csv': `ID,Project,List,Name,Start,Owner\nT1,Website relaunch,Build,Mine,,${OLIVIA}\nT2,Website relaunch,Build,Zed's,,zed@acme.example\nT3,Website relaunch,Build,Both,,"${MIA},yan@acme.example"\nT4,Website relaunch,Build,Nobody's,,\n`,
      'subtasks.csv': 'ID,Parent,Project,Name\nS1,T2,Website relaunch,Under a reject\nS2,T1,Website relaunch,Fine\n',
      'timelogs.csv': `ID,Project,Task,User,Date,Hours,Notes\nL1,Website relaunch,T1,${OLIVIA},2026-11-02,01:00,ok\nL2,Website relaunch,T1,zed@acme.example,2026-11-02,01:00,no\n`,
    }, USERS('create', 'portal') + TASKS('create') + TIMELOGS('create'));
    const done = await differential(sandbox, tmp, file);
    expect(figures(done, 'users')).toMatchObject({ created: 0, skipped: 2, rejected: 2, codes: { ROW_UNKNOWN_USER: 2 } });
    expect(figures(done, 'tasks')).toMatchObject({ created: 2, rejected: 2, codes: { ROW_UNKNOWN_USER: 2 } });
    expect(figures(done, 'subtasks')).toMatchObject({ created: 1, rejected: 1, codes: { ROW_MISSING_PARENT: 1 } });
    expect(figures(done, 'timelogs')).toMatchObject({ created: 1, rejected: 1, codes: { ROW_UNKNOWN_USER: 1 } });
  });

  it('upsert after a first run: crosswalk keys and natural-key matches updated, new rows created, project users skipped', async ({ sandbox, tmp }) => {
    await seedExamples(sandbox);
    const other = writePipeline(tmp, 'other', { 'tasks.csv': 'ID,Project,List,Name,Start,Owner\nX9,Website relaunch,Build,Loaded elsewhere,,\n', 'subtasks.csv': 'ID,Parent,Project,Name\n' }, TASKS('create'));
    expect((await realRun(sandbox, tmp, other, join(tmp, 'other.db'), 'other')).exitCode).toBe(0);
    const files = {
      'users.csv': `Email,Project\n${OLIVIA},Website relaunch\n`,
      'tasks.csv': 'ID,Project,List,Name,Start,Owner\nT1,Website relaunch,Build,One,,\nT2,Website relaunch,Build,Two,,\n',
      'subtasks.csv': 'ID,Parent,Project,Name\nS1,T1,Website relaunch,Under one\n',
    };
    const steps = (mode: string) => USERS(mode, 'project') + TASKS(mode);
    const db = join(tmp, 'upsert.db');
    expect((await realRun(sandbox, tmp, writePipeline(tmp, 'upsert', files, steps('create')), db, 'first')).exitCode).toBe(0);
    const file = writePipeline(tmp, 'upsert', {
      'users.csv': `Email,Project\n${OLIVIA},Website relaunch\n${MIA},Internal\n`,
      'tasks.csv': 'ID,Project,List,Name,Start,Owner\nT1,Website relaunch,Build,One (renamed),2026-11-02,\nT2,Website relaunch,Build,Two,,\nX1,Website relaunch,Build,Loaded elsewhere,,\nT3,Website relaunch,Build,Three,,\nT4,Website relaunch,Build,Bad date,2026-13-45,\n',
      'subtasks.csv': 'ID,Parent,Project,Name\nS1,T1,Website relaunch,Under one\nS2,T3,Website relaunch,Under three\nS3,T4,Website relaunch,Under a reject\n',
    }, steps('upsert'));
    const done = await differential(sandbox, tmp, file, db);
    expect(figures(done, 'users')).toMatchObject({ created: 0, skipped: 1, rejected: 1, codes: { ROW_UNKNOWN_PROJECT: 1 } });
    expect(figures(done, 'tasks')).toMatchObject({ created: 1, updated: 3, rejected: 1, codes: { ROW_INVALID_DATE: 1 } });
    expect(figures(done, 'subtasks')).toMatchObject({ created: 1, updated: 1, rejected: 1, codes: { ROW_MISSING_PARENT: 1 } });
  });

  it('a rejected project and a rejected task with children, and a where: filter', async ({ sandbox, tmp }) => {
    await seedExamples(sandbox);
    const file = writePipeline(tmp, 'cascade', {
      // Doomed's owner is unknown: rejected, and so is everything under it.
      'projects.csv': `Code,Name,Owner\nP1,Fresh,${OLIVIA}\nP2,Doomed,ghost@acme.example\nP3,,\n`,
      // Olivia owns Fresh, so she is a member of it once it is created: found, not added.
      'users.csv': `Email,Project\n${OLIVIA},Fresh\n${MIA},Fresh\n${MIA},Doomed\n`,
      'tasks.csv': `ID,Project,List,Name,Start,Owner,Kind\nT1,Fresh,,Good,,${OLIVIA},task\nT2,Fresh,,Bad start,31/12/2026,,task\nT3,Doomed,,Orphan,,,task\nT4,Fresh,,Left out,,,note\n`,
      'subtasks.csv': 'ID,Parent,Project,Name\nS1,T2,Fresh,Under bad\nS2,T3,Doomed,Under orphan\nS3,T1,Fresh,Under good\nS4,T4,Fresh,Under left out\n',
      'timelogs.csv': `ID,Project,Task,User,Date,Hours,Notes\nL1,Fresh,T2,${OLIVIA},2026-11-02,01:00,on bad\nL2,Fresh,T1,${OLIVIA},2026-11-02,01:00,on good\n`,
    }, PROJECTS('create') + USERS('create', 'project') + TASKS('create', '\n    where: { column: Kind, equals: task }') + TIMELOGS('create'));
    const done = await differential(sandbox, tmp, file);
    expect(figures(done, 'projects')).toMatchObject({ created: 1, rejected: 2, codes: { ROW_UNKNOWN_USER: 1, ROW_REQUIRED: 1 } });
    expect(figures(done, 'users')).toMatchObject({ created: 1, skipped: 1, rejected: 1, codes: { ROW_UNKNOWN_PROJECT: 1 } });
    expect(figures(done, 'tasks')).toMatchObject({ created: 1, skipped: 1, rejected: 2 });
    expect(figures(done, 'subtasks')).toMatchObject({ created: 1, rejected: 3, codes: { ROW_MISSING_PARENT: 3 } });
    expect(figures(done, 'timelogs')).toMatchObject({ created: 1, rejected: 1, codes: { ROW_MISSING_PARENT: 1 } });
  });

  it('users across several projects (an existing one and one the pipeline creates), lookups `within` a project, and a scope: project row naming no project', async ({ sandbox, tmp }) => {
    await seedExamples(sandbox);
    sandbox.admin.insert('projects', [{ name: 'Internal' }, { name: 'Lab' }]);
    const file = writePipeline(tmp, 'several', {
      'projects.csv': `Code,Name,Owner\nP1,Fresh,${OLIVIA}\n`,
      // Mia: already in Website relaunch, joins Fresh (new). Liam joins Internal only. Noah names no project.
      'users.csv': `Email,Project,Projects\n${MIA},Website relaunch,Fresh\nliam.garcia@acme.example,Internal,\nnoah.kim@acme.example,,\n${OLIVIA},Fresh,\n`,
      // Mia is a member of Fresh (her `projects`); Liam of Internal, not of Lab.
      'tasks.csv': `ID,Project,Name,Owner\nT1,Fresh,Hers,${MIA}\nT2,Lab,Not his,liam.garcia@acme.example\nT3,Internal,His,liam.garcia@acme.example\n`,
    }, `${PROJECTS('create')}
  - name: users
    entity: user
    scope: project
    source: { type: csv, path: users.csv }
    key: [Email]
    fields:
      email: { from: Email, converter: email, required: true }
      project: { from: Project, lookup: { kind: project-by-name } }
      projects: { from: Projects, converter: list, lookup: { kind: project-by-name } }
  - name: tasks
    entity: task
    source: { type: csv, path: tasks.csv }
    key: [ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: Name, required: true }
      owners: { from: Owner, converter: { type: list, separator: "," }, lookup: { kind: user-by-email, within: project } }
`);
    const adds = () => sandbox.admin.counters().endpoints['POST /projects/{project}/projectusers']?.calls ?? 0;
    const before = adds();
    const done = await differential(sandbox, tmp, file);
    expect(figures(done, 'users')).toMatchObject({ created: 2, skipped: 1, rejected: 1, codes: { ROW_REQUIRED: 1 } });
    // The estimate counts the bulk adds the run makes: Mia's to Fresh only (she is in Website relaunch), Liam's to Internal.
    expect(done.dry.steps.find((s) => s.name === 'users')?.calls?.calls).toBe(2);
    expect(adds() - before).toBe(2);
    expect(figures(done, 'tasks')).toMatchObject({ created: 2, rejected: 1, codes: { ROW_UNKNOWN_USER: 1 } });
  });

  it('a name Zoho holds twice once the pipeline creates its own (a project, a task list, a task) is ambiguous in both', async ({ sandbox, tmp }) => {
    await seedExamples(sandbox);
    const [atlas] = sandbox.admin.insert('projects', [{ name: 'Atlas' }]).ids;
    sandbox.admin.insert('tasklists', [{ project_id: atlas, name: 'Backlog' }]);
    sandbox.admin.insert('tasks', [{ project_id: atlas, name: 'Design page' }]);
    sandbox.admin.insert('project-users', [{ project_id: atlas, email: OLIVIA }]);
    const file = writePipeline(tmp, 'twice', {
      // A second "Website relaunch" beside Zoho's; "Solo" is the only one of its name.
      'projects.csv': 'Code,Name,Owner\nP1,Website relaunch,\nP2,Solo,\n',
      'tasklists.csv': 'Project,Name\nAtlas,Backlog\nAtlas,Sprint\n',
      'tasks.csv': 'ID,Project,List,Name,Start,Owner\nT1,Website relaunch,,Where?,,\nT2,Solo,,Fine,,\nT3,Atlas,Backlog,Which list?,,\nT4,Atlas,Sprint,Design page,,\nT5,Atlas,Sprint,Only one,,\n',
      'subtasks.csv': 'ID,Parent,Project,Name\n',
      'timelogs.csv': `ID,Project,Task,User,Date,Hours\nL1,Atlas,Design page,${OLIVIA},2026-11-02,01:00\nL2,Atlas,Only one,${OLIVIA},2026-11-02,01:00\n`,
    }, `${PROJECTS('create')}
  - name: tasklists
    entity: tasklist
    source: { type: csv, path: tasklists.csv }
    key: [Project, Name]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: Name, required: true }
${TASKS('create')}
  - name: timelogs
    entity: timelog
    source: { type: csv, path: timelogs.csv }
    key: [ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      task: { from: Task, lookup: { kind: task-by-name, within: project } }
      user: { from: User, converter: email, lookup: { kind: user-by-email } }
      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" }, required: true }
      billing: { default: Billable }
`);
    const done = await differential(sandbox, tmp, file);
    expect(figures(done, 'tasks')).toMatchObject({ created: 3, rejected: 2, codes: { ROW_AMBIGUOUS_REFERENCE: 2 } });
    expect(figures(done, 'timelogs')).toMatchObject({ created: 1, rejected: 1, codes: { ROW_AMBIGUOUS_REFERENCE: 1 } });
  });

  it('user-by-name for people a project-scope step adds: a portal user resolves, a new person is unverified', async ({ sandbox, tmp }) => {
    await seedExamples(sandbox);
    sandbox.admin.insert('projects', [{ name: 'Internal' }]);
    const file = writePipeline(tmp, 'by-name', {
      'users.csv': 'Email,Project\nsofia.rossi@acme.example,Internal\nfresh.face@acme.example,Internal\n',
      // (A name nobody holds is unverified too there: the run alone knows whether it is the new person's.)
      'tasks.csv': 'ID,Project,Name,Owner\nT1,Internal,Hers,Sofia Rossi\nT2,Internal,New face,Fresh Face\nT3,Mobile app v2,Not a member,Fresh Face\n',
    }, `${USERS('create', 'project')}
  - name: tasks
    entity: task
    source: { type: csv, path: tasks.csv }
    key: [ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: Name, required: true }
      owners: { from: Owner, converter: { type: list, separator: "," }, lookup: { kind: user-by-name, within: project } }
`);
    // What Zoho names a person it has just added is not known before the run: that row is unverified.
    const done = await differential(sandbox, tmp, file, join(tmp, 'differential.db'), { tasks: 1 });
    expect(figures(done, 'tasks')).toMatchObject({ created: 2, rejected: 1, codes: { ROW_UNKNOWN_USER: 1 } });
  });
});
