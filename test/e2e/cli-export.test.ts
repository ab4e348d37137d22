import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { test } from '../helpers/fixtures.js';
import { addDays } from '../../src/core/local-date.js';
import { todayIn } from '../../src/payroll/period.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ensureBuilt, ROOT, runZpetl } from '../helpers/cli-helpers.js';

test.override({ fileSandboxOptions: { seed: 'demo' } });
let sandbox: Sandbox;
let dir: string;

beforeAll(() => ensureBuilt());
test.beforeAll(({ fileSandbox, fileTmp }) => {
  sandbox = fileSandbox;
  dir = fileTmp;
});

describe('zpetl export timesheets (e2e, against a sandbox)', () => {
  it('writes the payroll CSV and a one-object JSON summary; an unmapped user makes it exit 3', async () => {
    const out = join(dir, 'payroll.csv');
    const r = await runZpetl(['export', 'timesheets', '--period', '2026-01-01..2026-01-31', '--tz', 'UTC', '--out', out, '--db', join(dir, 'p.db'), '--json'], { env: { ...sandbox.env }, cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    const summary = JSON.parse(r.stdout) as { exitCode: number; rows: number; outPath: string; totals: { paidMinutes: number }; warnings: { code: string }[] };
    expect(summary.exitCode).toBe(3);
    expect(summary.outPath).toBe(out);
    expect(summary.warnings.map((w) => w.code)).toContain('ROW_NO_EMPLOYEE_ID');
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv.length - 1).toBe(summary.rows);
    const minutesCol = csv[0]!.split(',').indexOf('minutes');
    const sum = csv.slice(1).reduce((s, line) => s + Number(line.split(',')[minutesCol]), 0);
    expect(sum).toBe(summary.totals.paidMinutes);
    expect(r.stdout).not.toContain(sandbox.env.ZOHO_CLIENT_SECRET);
  });

  it('with every user mapped it exits 0 and prints a readable summary', async () => {
    const employees = join(dir, 'employees.csv');
    writeFileSync(employees, 'email,employee_id\nana.lima@sandbox.example,E1\nben.okafor@sandbox.example,E2\nchen.wei@sandbox.example,E3\n');
    const out = join(dir, 'mapped.csv');
    const r = await runZpetl(['export', 'timesheets', '--period', '2026-01-01..2026-01-31', '--tz', 'UTC', '--employees', employees, '--out', out, '--db', join(dir, 'p2.db')], { env: { ...sandbox.env }, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*mapped\.csv: \d+ row\(s\)/m);
    expect(r.stdout).toContain('export finished (exit 0)');
  });

  it('without the portal time zone it is a usage error (exit 2) with a hint', async () => {
    const r = await runZpetl(['export', 'timesheets', '--period', 'yesterday', '--out', join(dir, 'x.csv')], { env: { ...sandbox.env }, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^USAGE_INVALID: the portal time zone is needed/m);
    expect(r.stderr).toMatch(/^hint: Pass --tz/m);
  });

  it('without credentials it says which variable is missing (exit 2)', async () => {
    const r = await runZpetl(['export', 'timesheets', '--period', 'yesterday', '--tz', 'UTC', '--out', join(dir, 'y.csv')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^CONFIG_INVALID: .*ZOHO_/m);
  });
});

/** A copy of the shipped nightly pipeline and its employee mapping in a new folder root, laid out as in the repository. */
function nightlyProject(root: string): string {
  mkdirSync(join(root, 'pipelines'), { recursive: true });
  mkdirSync(join(root, 'fixtures/payroll'), { recursive: true });
  copyFileSync(join(ROOT, 'pipelines/nightly-payroll-export.yaml'), join(root, 'pipelines/nightly-payroll-export.yaml'));
  copyFileSync(join(ROOT, 'fixtures/payroll/employees.csv'), join(root, 'fixtures/payroll/employees.csv'));
  return root;
}

describe('zpetl export timesheets --pipeline and zpetl run of export steps (e2e)', () => {
  let nightly: Sandbox;
  let root: string;
  let yesterday: string;
  // Its own sandbox (seed empty; the file's is the demo's), its folder inside the file's.
  test.beforeAll(async ({ fileTmp }) => {
    nightly = await createSandbox({ port: 0, seed: 'empty' });
    const emails = ['ana.silva@northwind.example', 'ben.okafor@northwind.example'];
    const users = nightly.admin.insert('users', emails.map((email) => ({ email }))).ids;
    const project = nightly.admin.insert('projects', [{ name: 'Website relaunch' }]).ids[0]!;
    nightly.admin.insert('project-users', users.map((zpuid) => ({ project_id: project, zpuid })));
    // "yesterday" as the pipeline means it: in the portal's zone (Europe/Berlin), from the real clock the CLI uses
    yesterday = addDays(todayIn(Date.now(), 'Europe/Berlin'), -1);
    const log = (i: number, date: string, hh: string, approval = 'Approved') => ({
      project_id: project,
      module_detail: { id: '1512955000000990001', name: 'Build', type: 'task' },
      owner_zpuid: users[i],
      date,
      log_hour: hh,
      approval: { status: approval },
    });
    nightly.admin.insert('timelogs', [log(0, yesterday, '07:30'), log(0, yesterday, '02:00'), log(1, yesterday, '06:15'), log(1, yesterday, '01:00', 'Unapproved'), log(1, addDays(yesterday, -1), '04:00')]);
    root = nightlyProject(join(fileTmp, 'nightly'));
  });
  afterAll(async () => {
    await nightly?.close();
  });

  it('--pipeline takes period, layout and out from the export step; zpetl run of the file writes the same bytes and says where', async () => {
    const out = join(root, 'payroll/yesterday.csv');
    const viaExport = await runZpetl(['export', 'timesheets', '--pipeline', 'pipelines/nightly-payroll-export.yaml', '--db', 'a.db'], { env: { ...nightly.env }, cwd: root });
    expect(viaExport.code, viaExport.stderr).toBe(0);
    expect(viaExport.stdout).toContain(`period ${yesterday}..${yesterday} (yesterday), layout detail, full export`);
    expect(viaExport.stdout).toContain('3 log(s) of 2 employee(s)');
    const bytes = readFileSync(out);
    expect(bytes.toString('utf8').trim().split('\n')).toHaveLength(4);
    rmSync(out);

    const viaRun = await runZpetl(['run', 'pipelines/nightly-payroll-export.yaml', '--db', 'b.db'], { env: { ...nightly.env }, cwd: root });
    expect(viaRun.code, viaRun.stderr).toBe(0);
    expect(readFileSync(out).equals(bytes)).toBe(true);
    expect(viaRun.stdout).toContain(`payroll: 3 row(s) of ${yesterday}..${yesterday} in ${out}`);

    // the same checkpoint again: an unchanged period is byte-identical
    const again = await runZpetl(['run', 'pipelines/nightly-payroll-export.yaml', '--db', 'b.db', '--json'], { env: { ...nightly.env }, cwd: root });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(out).equals(bytes)).toBe(true);
    const events = again.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string; exitCode?: number });
    expect(events.find((e) => e.type === 'log' && e.message?.includes(out))?.message).toBe(`payroll: wrote 3 row(s) of ${yesterday}..${yesterday} to ${out}`);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'ok', exitCode: 0 });
  });

  it('flags override the pipeline; --json prints one summary object', async () => {
    const r = await runZpetl(['export', 'timesheets', '--pipeline', 'pipelines/nightly-payroll-export.yaml', '--layout', 'payroll-import', '--out', 'custom.csv', '--db', 'c.db', '--json'], {
      env: { ...nightly.env },
      cwd: root,
    });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { layout: string; outPath: string; rows: number; totals: { paidMinutes: number }; counts: { excluded: { approval: Record<string, number> } } };
    expect(summary).toMatchObject({ layout: 'payroll-import', outPath: join(root, 'custom.csv'), rows: 2 });
    expect(summary.totals.paidMinutes).toBe(7 * 60 + 30 + 2 * 60 + 6 * 60 + 15);
    expect(summary.counts.excluded.approval).toEqual({ Unapproved: 1 });
    expect(readFileSync(join(root, 'custom.csv'), 'utf8').split('\n')[0]).toBe('Employee Number,Name,Period Start,Period End,Regular Hours,Overtime Hours,Billable Hours');
  });

  test('a pipeline with load steps and an export step loads first, then exports what it loaded', async ({ tmp: mixed }) => {
    copyFileSync(join(ROOT, 'fixtures/payroll/employees.csv'), join(mixed, 'employees.csv'));
    writeFileSync(join(mixed, 'logs.csv'), `Log ID,Project,User,Date,Hours\nL1,Website relaunch,ana.silva@northwind.example,2026-03-02,05:00\nL2,Website relaunch,ben.okafor@northwind.example,2026-03-02,03:15\n`);
    writeFileSync(
      join(mixed, 'mixed.yaml'),
      [
        'name: mixed',
        'payroll: { timeZone: UTC, employees: { csv: employees.csv } }',
        'steps:',
        '  - name: timelogs',
        '    entity: timelog',
        '    source: { type: csv, path: logs.csv }',
        '    key: [Log ID]',
        '    fields:',
        '      project: { from: Project, lookup: { kind: project-by-name }, required: true }',
        '      user: { from: User, converter: email, lookup: { kind: user-by-email } }',
        '      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }',
        '      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" }, required: true }',
        '      logName: { default: Migration }',
        '      billing: { default: Billable }',
        '      approval: { default: Approved }',
        '  - name: payroll',
        '    source: { type: zoho-timelogs, period: 2026-03-01..2026-03-31, layout: summary, out: out/march.csv }',
        '',
      ].join('\n'),
    );
    const r = await runZpetl(['run', 'mixed.yaml', '--json'], { env: { ...nightly.env }, cwd: mixed });
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: string; status?: string; exitCode?: number; reportDir?: string });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const order = events.filter((e) => e.type === 'step-start' || e.type === 'step-end').map((e) => `${e.type} ${e.step}`);
    expect(order).toEqual(['step-start timelogs', 'step-end timelogs', 'step-start payroll', 'step-end payroll']);
    expect(events.filter((e) => e.type === 'run-end')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'ok', exitCode: 0 });
    expect(events.at(-1)!.reportDir).toBeDefined();
    const csv = readFileSync(join(mixed, 'out/march.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(['E1001', 'E1002']);
  });

  test('an export step that cannot run is refused before the load sends anything (exit 2)', async ({ tmp: bad }) => {
    writeFileSync(join(bad, 'projects.csv'), 'Code,Name\nX1,Never created\n');
    writeFileSync(
      join(bad, 'bad.yaml'),
      [
        'name: bad',
        'payroll: { timeZone: UTC }',
        'steps:',
        '  - name: projects',
        '    entity: project',
        '    source: { type: csv, path: projects.csv }',
        '    key: [Code]',
        '    fields: { name: { from: Name, required: true } }',
        '  - name: payroll',
        '    source: { type: zoho-timelogs, period: fortnightly, out: p.csv }',
        '',
      ].join('\n'),
    );
    const calls = () => Object.values(nightly.admin.counters().endpoints).reduce((n, c) => n + c.calls, 0);
    const before = calls();
    const r = await runZpetl(['run', 'bad.yaml'], { env: { ...nightly.env }, cwd: bad });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PIPELINE_INVALID: .*bad\.yaml: step "payroll": .*fortnightly/);
    expect(calls()).toBe(before); // not even a token request: nothing was sent
    expect(existsSync(join(bad, 'p.csv'))).toBe(false);
  });

  it('--source-file reads a Zoho timesheet export file, with no Zoho credentials', async () => {
    const out = join(dir, 'from-file.csv');
    const r = await runZpetl(
      ['export', 'timesheets', '--source-file', join(ROOT, 'fixtures/payroll/timesheet-export.csv'), '--date-format', 'MM/DD/YYYY', '--period', '2026-11-01..2026-11-15', '--tz', 'UTC', '--employees', join(ROOT, 'fixtures/payroll/employees.csv'), '--out', out, '--db', join(dir, 'file.db'), '--json'],
      { cwd: dir },
    );
    // the fixture holds problem logs (a bad duration, a day over 24 h) and a user without an employee id: exit 3
    expect(r.code, r.stderr).toBe(3);
    const summary = JSON.parse(r.stdout) as { exitCode: number; rows: number; counts: { read: number }; totals: { paidMinutes: number } };
    expect(summary.exitCode).toBe(r.code);
    expect(summary).toMatchObject({ rows: 5, counts: { read: 10 } });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length - 1).toBe(summary.rows);
    const minutesCol = lines[0]!.split(',').indexOf('minutes');
    expect(lines.slice(1).reduce((s, l) => s + Number(l.split(',')[minutesCol]), 0)).toBe(summary.totals.paidMinutes);
  });

  it.each([
    ['no period and no --pipeline', ['--out', 'x.csv', '--tz', 'UTC'], /^USAGE_INVALID: .*period.*required/m],
    ['no --out and no --pipeline', ['--period', 'yesterday', '--tz', 'UTC'], /^USAGE_INVALID: .*out.*required/m],
    ['--step without --pipeline', ['--period', 'yesterday', '--tz', 'UTC', '--out', 'x.csv', '--step', 'payroll'], /^USAGE_INVALID: .*step.*give --pipeline too/m],
    ['--date-format without --source-file', ['--period', 'yesterday', '--tz', 'UTC', '--out', 'x.csv', '--date-format', 'DD/MM/YYYY'], /^USAGE_INVALID: .*give --source-file too/m],
    ['--source-file without --date-format', ['--period', 'yesterday', '--tz', 'UTC', '--out', 'x.csv', '--source-file', 'f.csv'], /^USAGE_INVALID: --date-format: required with --source-file/m],
    ['an unknown step', ['--pipeline', 'pipelines/nightly-payroll-export.yaml', '--step', 'nope'], /^USAGE_INVALID: .*has no export step named "nope"/m],
    ['several export steps and no --step', ['--pipeline', 'two.yaml'], /^USAGE_INVALID: .*has 2 export steps \(a, b\): say which one/m],
    ['a bad --date-format', ['--period', '2026-11-01..2026-11-15', '--tz', 'UTC', '--out', 'x.csv', '--source-file', join(ROOT, 'fixtures/payroll/timesheet-export.csv'), '--date-format', 'QQ'], /^CONFIG_INVALID: timesheet source/m],
  ])('%s is a usage error (exit 2) with a clear message', async (_name, args, message) => {
    writeFileSync(join(root, 'two.yaml'), 'name: two\npayroll: { timeZone: UTC }\nsteps:\n  - { name: a, source: { type: zoho-timelogs, period: yesterday, out: a.csv } }\n  - { name: b, source: { type: zoho-timelogs, period: yesterday, out: b.csv } }\n');
    const r = await runZpetl(['export', 'timesheets', ...args], { env: { ...nightly.env }, cwd: root });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
