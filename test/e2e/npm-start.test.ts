/**
 * `npm start` as a new user runs it: `node dist/cli/main.js demo` (package.json's start script), here
 * from an empty folder so its `out/` lands there. It must exit 0 within 60 seconds and print where
 * report.html, rejects.csv and the payroll CSV are; those files must exist and agree with each other:
 * the report's counts with the rejects and the crosswalk, the payroll CSV with the time logs the
 * migration loaded (and their hours in fixtures/demo/timelogs.csv).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { CONTROL_CHARS, ROOT, ensureBuilt, testEnv } from '../helpers/cli-helpers.js';
import { it } from '../helpers/fixtures.js';

type Row = Record<string, string>;
const csv = (file: string): Row[] => parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Row[];

interface StepReport {
  name: string;
  entity: string;
  counts: { read: number; valid: number; created: number; updated: number; skipped: number; rejected: number; inDoubt: number };
  rejectsByCode: Record<string, number>;
}
interface RunReport {
  kind: string;
  pipeline: string;
  status: string;
  exitCode: number;
  steps: StepReport[];
  totals: StepReport['counts'];
  rejectsByCode: Record<string, number>;
}

let dir: string;
let run: { code: number | null; stdout: string; stderr: string; ms: number };
/** The paths the demo printed, resolved against its working directory. */
const printed: Record<'report' | 'rejects' | 'payroll', string> = { report: '', rejects: '', payroll: '' };

it.beforeAll(async ({ fileTmp }) => {
  await ensureBuilt();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  // The test runs what `npm start` runs; if the script changes, so must this test.
  expect(pkg.scripts['start']).toBe('node dist/cli/main.js demo');
  dir = fileTmp;
  const started = Date.now();
  run = await new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'demo'], { cwd: dir, env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // The acceptance limit: killed at 60 s, the exit code is then null and the test fails.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
  for (const key of ['report', 'rejects', 'payroll'] as const) {
    const m = new RegExp(`^${key}:\\s+(\\S.*)$`, 'm').exec(run.stdout);
    if (m) printed[key] = resolve(dir, m[1]!.trim());
  }
}, 150_000);

describe('npm start (zpetl demo from the built CLI)', () => {
  it('exits 0 within 60 seconds, with plain lines in a pipe', () => {
    expect(run.code, `${run.stderr}\n${run.stdout.slice(-2000)}`).toBe(0);
    expect(run.ms).toBeLessThan(60_000);
    for (const line of run.stdout.split('\n')) expect(line).not.toMatch(CONTROL_CHARS);
    expect(run.stdout).toContain('demo finished');
  });

  it('prints where report.html, rejects.csv and the payroll CSV are; they exist, side by side under out/ of the working directory', () => {
    expect(printed.report).toMatch(/report\.html$/);
    expect(printed.rejects).toMatch(/rejects\.csv$/);
    expect(printed.payroll).toMatch(/\.csv$/);
    for (const p of Object.values(printed)) {
      expect(existsSync(p), p).toBe(true);
      expect(p.startsWith(join(dir, 'out') + '/'), p).toBe(true);
    }
    expect(dirname(printed.rejects)).toBe(dirname(printed.report));
    expect(existsSync(join(dirname(printed.report), 'report.json'))).toBe(true);
  });

  it('report.json accounts for every row, and rejects.csv holds exactly its rejects, step by step and code by code', () => {
    const report = JSON.parse(readFileSync(join(dirname(printed.report), 'report.json'), 'utf8')) as RunReport;
    expect(report).toMatchObject({ kind: 'run', pipeline: 'demo-migration', status: 'rejects', exitCode: 3 });
    expect(report.steps.map((s) => s.name)).toEqual(['projects', 'users', 'milestones', 'tasklists', 'tasks', 'subtasks', 'timelogs']);
    for (const s of report.steps) {
      const c = s.counts;
      expect(c.read, s.name).toBe(c.created + c.updated + c.skipped + c.rejected + c.inDoubt);
      expect(c.inDoubt, s.name).toBe(0);
    }
    // fixtures/demo/README.md lists the deliberately bad rows: there are some, and only those.
    expect(report.totals.rejected).toBeGreaterThan(0);
    expect(report.totals.created).toBeGreaterThan(400);

    const rejects = csv(printed.rejects);
    expect(rejects).toHaveLength(report.totals.rejected);
    for (const s of report.steps) expect(rejects.filter((r) => r['_step'] === s.name).length, s.name).toBe(s.counts.rejected);
    const byCode: Record<string, number> = {};
    for (const r of rejects) byCode[r['_code']!] = (byCode[r['_code']!] ?? 0) + 1;
    expect(byCode).toEqual(report.rejectsByCode);
    for (const r of rejects) expect(Number(r['_line']), JSON.stringify(r)).toBeGreaterThan(1);
  });

  it('the crosswalk holds one Zoho id per created record', () => {
    const report = JSON.parse(readFileSync(join(dirname(printed.report), 'report.json'), 'utf8')) as RunReport;
    const crosswalk = csv(join(dirname(printed.report), 'crosswalk.csv'));
    for (const s of report.steps) expect(crosswalk.filter((r) => r['step'] === s.name).length, s.name).toBe(s.counts.created);
    for (const r of crosswalk) expect(r['zoho_id']).toMatch(/^\d{19}$/);
  });

  it('the payroll CSV is exactly the approved time logs the migration loaded, with their hours', () => {
    const dirOf = dirname(printed.report);
    const loaded = csv(join(dirOf, 'crosswalk.csv')).filter((r) => r['step'] === 'timelogs');
    const report = JSON.parse(readFileSync(join(dirOf, 'report.json'), 'utf8')) as RunReport;
    expect(loaded).toHaveLength(report.steps.find((s) => s.name === 'timelogs')!.counts.created);
    const source = new Map(csv(join(ROOT, 'fixtures/demo/timelogs.csv')).map((r) => [r['Log ID']!, r]));
    const minutesOf = (hhmm: string) => {
      const [h, m] = hhmm.split(':').map(Number);
      return h! * 60 + m!;
    };
    const approved = loaded.filter((r) => source.get(r['key']!)?.['Approval'] === 'Approved');
    const payroll = csv(printed.payroll);
    // One row per approved log (layout detail), each a log the migration created, none twice.
    expect(payroll).toHaveLength(approved.length);
    expect(new Set(payroll.map((r) => r['log_id'])).size).toBe(payroll.length);
    expect(new Set(payroll.map((r) => r['log_id']))).toEqual(new Set(approved.map((r) => r['zoho_id'])));
    // Per log and in total, the minutes paid are the hours of the source row.
    const keyOfId = new Map(approved.map((r) => [r['zoho_id']!, r['key']!]));
    let total = 0;
    for (const r of payroll) {
      const src = source.get(keyOfId.get(r['log_id']!)!)!;
      expect(Number(r['minutes']), r['log_id']).toBe(minutesOf(src['Hours']!));
      expect(Number(r['regular_minutes']) + Number(r['overtime_minutes'])).toBe(Number(r['minutes']));
      expect(r['email']).toBe(src['User Email']);
      expect(r['date']).toBe(src['Date']);
      total += Number(r['minutes']);
    }
    expect(total).toBe(approved.reduce((n, r) => n + minutesOf(source.get(r['key']!)!['Hours']!), 0));
    expect(total).toBeGreaterThan(0);
  });

  it('report.html names the pipeline, every step with its counts, and every reject code', () => {
    const html = readFileSync(printed.report, 'utf8');
    const report = JSON.parse(readFileSync(join(dirname(printed.report), 'report.json'), 'utf8')) as RunReport;
    expect(html).toContain('demo-migration');
    for (const s of report.steps) {
      // The step's row in the counts table: its numbers start with read, then created … rejected.
      const row = new RegExp(`<tr>\\s*<td>${s.name}</td>\\s*<td>${s.entity}</td>.*?</tr>`, 's').exec(html);
      expect(row, s.name).not.toBeNull();
      const numbers = [...row![0].matchAll(/class="n">([\d,]+)</g)].map((m) => Number(m[1]!.replace(/,/g, '')));
      expect(numbers[0], s.name).toBe(s.counts.read);
      expect(numbers, s.name).toEqual(expect.arrayContaining([s.counts.created, s.counts.rejected]));
    }
    for (const code of Object.keys(report.rejectsByCode)) expect(html).toContain(code);
  });
});
