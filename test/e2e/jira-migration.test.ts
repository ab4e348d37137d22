/**
 * Acceptance: a real Jira/Tempo export (fixtures/examples/jira/) is mapped end to end by
 * pipelines/migrate-from-jira.yaml, with no preprocessing, against a sandbox whose portal holds the
 * people (invited under their Jira display names, as the V3 API cannot invite them).
 *  1. The dry run, then the real run (library calls: what `zpetl run --dry-run` and `zpetl run` call)
 *     agree on every count of every step: wouldCreate = created, wouldSkip + skipped = skipped,
 *     filtered, folded, warned, rejected and the reject codes.
 *  2. Those counts are the ones expected.json states (test/unit/fixtures/jira-fixture.test.ts derives
 *     them from the CSVs on their own).
 *  3. The sandbox holds the right names, owners and dates: read back through the admin API and
 *     compared with the CSV rows, each read here independently of the toolkit's converters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { jiraDay, readJiraCsv, readJiraExpected, type JiraRow } from '../helpers/jira-export.js';
import { dryRun, runPipeline, validatePipelineFile, type RunReport, type Sandbox, type StepCounts } from '../../src/index.js';

const PIPELINE = join(process.cwd(), 'pipelines/migrate-from-jira.yaml');
const expected = readJiraExpected();
const issues = readJiraCsv('jira-issues.csv').rows;
const worklogs = readJiraCsv('tempo-worklogs.csv').rows;
const issue = (key: string): JiraRow => issues.find((r) => r['Issue key'] === key)!;

it.override({ fileSandboxOptions: { seed: 'empty', timeScale: 100 } });

/** The portal's people, as they were invited: first and last names as in Jira, so the display names match. */
function seedPortal(sandbox: Sandbox): Map<string, string> {
  const people = expected.people.filter((p) => p.inZoho);
  const { ids } = sandbox.admin.insert('users', people.map((p) => ({ email: p.email, first_name: p.firstName, last_name: p.lastName })));
  return new Map(people.map((p, i) => [p.email, ids[i]!]));
}

/** The zpuid of the one person the portal knows under `name`. */
function zpuidOf(zpuids: Map<string, string>, name: string): string {
  const matches = expected.people.filter((p) => p.inZoho && p.name === name);
  expect(matches, name).toHaveLength(1);
  return zpuids.get(matches[0]!.email)!;
}

/** The run's crosswalk: step → source key → Zoho id. */
function crosswalkOf(reportDir: string): Map<string, Map<string, string>> {
  const rows = parse(readFileSync(join(reportDir, 'crosswalk.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) out.set(r['step']!, (out.get(r['step']!) ?? new Map<string, string>()).set(r['key']!, r['zoho_id']!));
  return out;
}

/** The counts two reports must agree on, as a dry run and a real run state them. */
function comparable(c: StepCounts, dry: boolean) {
  return {
    read: c.read,
    created: dry ? (c.wouldCreate ?? 0) : c.created,
    updated: dry ? (c.wouldUpdate ?? 0) : c.updated,
    // A dry run's `skipped` holds the rows `where:` and `distinct:` leave out; wouldSkip the rows already in Zoho.
    skipped: dry ? c.skipped + (c.wouldSkip ?? 0) : c.skipped,
    filtered: c.filtered ?? 0,
    folded: c.folded ?? 0,
    warned: c.warned ?? 0,
    rejected: c.rejected,
  };
}

/** What one migration left: its reports and the sandbox's records, for the checks below. */
interface Migration {
  sandbox: Sandbox;
  tmp: string;
  /** E-mail → the zpuid the portal gave the person. */
  zpuids: Map<string, string>;
  dry: Awaited<ReturnType<typeof dryRun>>;
  runReport: RunReport;
  reportDir: string;
  /** step → source key → Zoho id (the run's crosswalk.csv). */
  ids: Map<string, Map<string, string>>;
  tasks: Map<string, Task>;
  logs: Log[];
}

/** Seeds the portal, rehearses, then runs the pipeline (library calls, as `zpetl run --dry-run` and `zpetl run` make them). */
async function migrate(sandbox: Sandbox, tmp: string): Promise<Migration> {
  const zpuids = seedPortal(sandbox);
  const env = { ...sandbox.env };
  const dry = await dryRun(PIPELINE, { cwd: tmp, env, clock: sandbox.clock, outDir: join(tmp, 'dry') });
  expect(dry.error, dry.report.error).toBeUndefined();
  const run = await runPipeline(PIPELINE, { cwd: tmp, env, clock: sandbox.clock });
  expect(run.error?.format()).toBeUndefined();
  // 3: the export's deliberately unmappable rows are rejected, in both.
  expect([dry.exitCode, run.exitCode]).toEqual([3, 3]);
  const reportDir = run.reportDir!;
  const runReport = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunReport;
  const tasks = new Map((sandbox.admin.entities('tasks') as Task[]).map((t) => [t.id, t]));
  return { sandbox, tmp, zpuids, dry, runReport, reportDir, ids: crosswalkOf(reportDir), tasks, logs: sandbox.admin.entities('timelogs') as Log[] };
}

/** The Zoho task (or sub-task) the run made of a Jira issue. */
function taskOf(m: Migration, key: string): Task {
  const id = m.ids.get(issue(key)['Parent'] === '' ? 'tasks' : 'subtasks')?.get(key);
  expect(id, key).toBeDefined();
  return m.tasks.get(id!)!;
}

/** A top-level issue matching `test` that the run loads (not one of the ambiguous name's). */
const loadedIssue = (test: (r: JiraRow) => boolean): JiraRow => {
  const r = issues.find((x) => x['Parent'] === '' && x['Assignee'] !== 'Daniel Schmidt' && test(x));
  expect(r).toBeDefined();
  return r!;
};

type Task = { id: string; name: string; description?: string; start_date?: string; end_date?: string; priority?: string; completion_percentage?: number | string; tasklist?: { id: string; name?: string }; parental_info?: { parent_task_id: string }; owners_and_work?: { owners: { zpuid: string; name?: string }[] } };
type Log = { id: string; date: string; log_hour: string; notes?: string; billing_status: string; module_detail?: { id: string }; owner: { zpuid: string }; project: { id: string } };

/** "1.75" decimal hours → "01:45". */
const hhmm = (hours: string) => {
  const m = Math.round(Number(hours) * 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};
/** The description footer the pipeline writes: the Jira key, the type and the labels (those present). */
const footer = (r: JiraRow) => {
  const labels = [r['Labels'], r['Labels_2'], r['Labels_3']].filter((l) => l !== '').join(' ');
  return `Jira ${r['Issue key']} (${r['Issue Type']})${labels ? `, labels: ${labels}` : ''}`;
};

describe('pipelines/migrate-from-jira.yaml on the Jira/Tempo export (e2e)', () => {
  it('validates', () => {
    expect(validatePipelineFile(PIPELINE, { ZOHO_PORTAL_ID: '1' }).problems).toEqual([]);
  });
});

describe('the migration against the sandbox (e2e)', () => {
  let m: Migration;
  it.beforeAll(async ({ fileSandbox, fileTmp }) => {
    m = await migrate(fileSandbox, fileTmp);
  }, 240_000);

  it('dry run and real run agree on every count of every step, and those are the counts of expected.json', () => {
    const { dry, runReport } = m;
    expect(dry.report.steps.map((s) => s.name)).toEqual(runReport.steps.map((s) => s.name));
    for (const [i, d] of dry.report.steps.entries()) {
      const r = runReport.steps[i]!;
      expect(comparable(d.counts, true), d.name).toEqual(comparable(r.counts, false));
      expect(d.rejectsByCode, d.name).toEqual(r.rejectsByCode);
      expect(r.counts.inDoubt, d.name).toBe(0);
    }
    for (const r of runReport.steps) {
      const e = expected.steps[r.name];
      expect(e, r.name).toBeDefined();
      const { rejectsByCode, ...counts } = e!;
      expect(comparable(r.counts, false), r.name).toEqual({ updated: 0, filtered: 0, folded: 0, warned: 0, ...counts });
      expect(r.rejectsByCode, r.name).toEqual(rejectsByCode);
    }
    expect(runReport.steps.map((s) => s.name).sort()).toEqual(Object.keys(expected.steps).sort());
  });

  it('holds tasks with their Jira names, the owner named in Assignee, and the dates of 05/Nov/25 11:03 AM', () => {
    const projects = m.sandbox.admin.entities('projects') as { name: string }[];
    expect(projects.map((p) => p.name).sort()).toEqual(['Internal IT & Operations', 'Orion Mobile', 'Phoenix Web Platform']);
    expect(m.tasks.size).toBe(expected.steps['tasks']!.created + expected.steps['subtasks']!.created);
    for (const key of ['PHX-1', 'PHX-2', 'ORN-1', 'OPS-1']) {
      const row = issue(key);
      const t = taskOf(m, key);
      expect(t.name, key).toBe(row['Summary']);
      const owner = expected.people.some((p) => p.inZoho && p.name === row['Assignee']) ? [zpuidOf(m.zpuids, row['Assignee']!)] : [];
      expect(t.owners_and_work?.owners.map((o) => o.zpuid) ?? [], key).toEqual(owner);
      expect(t.start_date?.slice(0, 10), key).toBe(jiraDay(row['Created']!));
      expect(t.end_date?.slice(0, 10) || undefined, key).toBe(row['Due date'] ? jiraDay(row['Due date']) : undefined);
    }
    expect([taskOf(m, 'PHX-1').start_date, taskOf(m, 'PHX-1').end_date].map((d) => d?.slice(0, 10))).toEqual(['2025-11-05', '2025-11-23']);
    // Just after midnight, just after noon, New Year's Eve 2024: the 12-hour clock and the year never shift the day.
    expect(['PHX-2', 'ORN-1', 'OPS-1'].map((k) => taskOf(m, k).start_date?.slice(0, 10))).toEqual(['2025-11-06', '2025-11-03', '2024-12-31']);
    const umlaut = loadedIssue((r) => r['Summary']!.includes('Übersetzung'));
    expect(taskOf(m, umlaut['Issue key']!).name).toBe(umlaut['Summary']);
  });

  it('keeps non-ASCII names intact, on the people and on the tasks they own', () => {
    const users = m.sandbox.admin.entities('users') as { id: string; full_name: string }[];
    for (const name of ['Jonas Müller', 'Zoë Laurent', 'Ana Sofía Ramírez', 'Łukasz Wójcik', "Grace O'Connor"]) {
      expect(users.find((u) => u.id === zpuidOf(m.zpuids, name))?.full_name, name).toBe(name);
    }
    const owned = [...m.tasks.values()].find((t) => t.owners_and_work?.owners[0]?.zpuid === zpuidOf(m.zpuids, 'Zoë Laurent'));
    expect(owned?.owners_and_work?.owners[0]?.name).toBe('Zoë Laurent');
  });

  it('keeps a multi-line wiki-markup description line for line, then the labels footer; maps priority, progress and sprint', () => {
    const phx1 = issue('PHX-1');
    expect(phx1['Description']!.split('\n').length).toBeGreaterThan(4);
    expect(footer(phx1)).toBe(`Jira PHX-1 (${phx1['Issue Type']}), labels: frontend billing customer-reported`);
    expect(taskOf(m, 'PHX-1').description).toBe(`${phx1['Description']}\n\n${footer(phx1)}`);
    const bare = loadedIssue((r) => r['Description'] === '' && r['Labels'] === '');
    expect(taskOf(m, bare['Issue key']!).description).toBe(footer(bare));
    const code = loadedIssue((r) => r['Description']!.includes('{code:java}'));
    expect(taskOf(m, code['Issue key']!).description?.startsWith(`${code['Description']}\n\n`)).toBe(true);
    expect(taskOf(m, 'PHX-1').priority).toBe({ Highest: 'high', High: 'high', Medium: 'medium', Low: 'low', Lowest: 'low' }[phx1['Priority']!]);
    const done = loadedIssue((r) => r['Status'] === 'Done');
    expect(Number(taskOf(m, done['Issue key']!).completion_percentage)).toBe(100);
    // The sprint a task is in now: the second Sprint column when it was carried over.
    const carried = loadedIssue((r) => r['Sprint_2'] !== '');
    expect(taskOf(m, carried['Issue key']!).tasklist?.name).toBe(carried['Sprint_2']);
  });

  it("loads the departed contractor's tasks unassigned with their time; rejects the ambiguous name's, naming both candidates", () => {
    // Each loop is guarded: a fixture change that empties its list must fail here, not pass vacuously.
    const departed = issues.filter((x) => x['Assignee'] === 'Tomás Ferreira');
    expect(departed.length).toBeGreaterThan(0);
    for (const r of departed) expect(taskOf(m, r['Issue key']!).owners_and_work?.owners ?? [], r['Issue key']).toEqual([]);
    const logIds = m.ids.get('timelogs')!;
    const onContractors = worklogs.filter((w) => issue(w['Issue Key']!)['Assignee'] === 'Tomás Ferreira' && w['Full name'] !== 'Tomás Ferreira');
    expect(onContractors.length).toBeGreaterThan(0);
    for (const w of onContractors) expect(m.logs.find((l) => l.id === logIds.get(w['Tempo Worklog ID']!))?.module_detail?.id).toBe(taskOf(m, w['Issue Key']!).id);
    const onAmbiguous = issues.filter((x) => x['Assignee'] === 'Daniel Schmidt');
    expect(onAmbiguous.length).toBeGreaterThan(0);
    for (const r of onAmbiguous) expect(m.ids.get('tasks')?.has(r['Issue key']!), r['Issue key']).toBe(false);
    const ambiguous = (parse(readFileSync(join(m.reportDir, 'rejects.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).filter((r) => r['_code'] === 'ROW_AMBIGUOUS_REFERENCE');
    expect(ambiguous).toHaveLength(expected.steps['tasks']!.rejectsByCode['ROW_AMBIGUOUS_REFERENCE']! + expected.steps['timelogs']!.rejectsByCode['ROW_AMBIGUOUS_REFERENCE']!);
    expect(ambiguous.length).toBeGreaterThan(0);
    const candidates = expected.people.filter((x) => x.name === 'Daniel Schmidt');
    expect(candidates.length, 'the ambiguous name is held by several people').toBeGreaterThan(1);
    for (const p of candidates) {
      // By e-mail or by id, whichever the message uses.
      for (const r of ambiguous) expect(r['_message'], r['_message']).toMatch(new RegExp(`${p.email.replace(/\./g, '\\.')}|${m.zpuids.get(p.email)}`));
    }
  });

  it('puts sub-tasks under their parents, and worklogs on sub-tasks on them: person, day, hours, billing, notes', () => {
    const sub = issues.find((r) => r['Parent'] !== '' && m.ids.get('subtasks')?.has(r['Issue key']!))!;
    expect(taskOf(m, sub['Issue key']!).parental_info?.parent_task_id).toBe(m.ids.get('tasks')!.get(sub['Parent']!));
    expect(taskOf(m, sub['Issue key']!).name).toBe(sub['Summary']);
    expect(m.logs).toHaveLength(expected.steps['timelogs']!.created);
    const onSub = worklogs.filter((w) => m.ids.get('subtasks')?.has(w['Issue Key']!));
    expect(onSub.length).toBeGreaterThanOrEqual(10);
    const logIds = m.ids.get('timelogs')!;
    for (const w of onSub) {
      const log = m.logs.find((l) => l.id === logIds.get(w['Tempo Worklog ID']!));
      expect(log, w['Tempo Worklog ID']).toBeDefined();
      expect(log!.module_detail?.id).toBe(m.ids.get('subtasks')!.get(w['Issue Key']!));
      expect(log!.owner.zpuid).toBe(zpuidOf(m.zpuids, w['Full name']!));
      expect(log!.date).toBe(jiraDay(w['Work date']!));
      expect(log!.log_hour).toBe(hhmm(w['Hours']!));
      expect(log!.billing_status).toBe(w['Account Category'] === 'Billable' ? 'Billable' : 'Non Billable');
      expect(log!.notes).toBe(w['Work Description']);
    }
  });

  it('makes the active people members of every project, never the departed contractor', () => {
    for (const p of m.sandbox.admin.entities('projects') as { id: string; name: string }[]) {
      const members = (m.sandbox.admin.entities('project-users', { project: p.id }) as { email: string }[]).map((u) => u.email);
      expect(members, p.name).toEqual(expect.arrayContaining(expected.people.filter((x) => x.status === 'Active').map((x) => x.email)));
      expect(members, p.name).not.toContain('tomas@ferreira-dev.example');
    }
  });

  it('once loaded, a new rehearsal predicts no creates: everything loaded is found (wouldSkip)', async () => {
    const again = await dryRun(PIPELINE, { cwd: m.tmp, env: { ...m.sandbox.env }, clock: m.sandbox.clock, outDir: join(m.tmp, 'dry-again') });
    for (const s of again.report.steps) {
      expect(s.counts.wouldCreate ?? 0, s.name).toBe(0);
      expect(s.counts.wouldSkip ?? 0, s.name).toBe(expected.steps[s.name]!.created);
    }
  }, 120_000);
});
