/**
 * README.md cannot drift from the CLI: every `zpetl` command it shows (code blocks, inline code and
 * the commands table) is extracted, and
 *  1. its command and every flag must appear in that command's `--help`;
 *  2. every concrete command line (no PIPELINE/FILE/… placeholder) is run here, against one sandbox
 *     through the ZOHO_* variables the README documents, from a folder laid out like the README's
 *     (pipelines/, fixtures/, export.csv, employees.csv), in the README's order, or is named in
 *     ELSEWHERE with the test that runs it. A README command in neither list fails the test, and so
 *     does a command of these lists the README no longer shows.
 * The same holds for the "run it with" commands in the header comments of pipelines/*.yaml, and for
 * the `npm …` commands the README shows (NPM: the test or `.ci/run` step that runs each).
 *
 * Commands run in-process (runCli with the sandbox's virtual clock as io.clock, which is what the
 * binary does minus process start-up), so the client and the emulated Zoho agree on time: the cron
 * line's 22:00-06:00 Berlin window is shut or open because the test moved the clock there, and a
 * rate-limit lock-out ends when the test moves the clock past it. `zpetl sandbox` (a server that runs
 * until a signal) runs as a child process of the built binary; the binary's own start-up, signals and
 * pipes are covered by cli-basics, cli-run, cli-tty and npm-start.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { test } from '../helpers/fixtures.js';
import { runCli } from '../../src/cli/cli.js';
import { interruptedError } from '../../src/cli/errors.js';
import type { Clock } from '../../src/core/clock.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { CONTROL_CHARS, ROOT, ensureBuilt, seedExamples, spawnZpetl, testEnv, type RunResult } from '../helpers/cli-helpers.js';

import { commentCommands, npmCommands, readmeCommands, shape, type ReadmeCommand } from '../helpers/readme-commands.js';

const key = (args: string[]) => args.join(' ');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const COMMANDS = readmeCommands(README);
/** The `zpetl` commands in the header comments of pipelines/*.yaml. */
const PIPELINE_COMMANDS: (ReadmeCommand & { file: string })[] = readdirSync(join(ROOT, 'pipelines'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((file) => commentCommands(readFileSync(join(ROOT, 'pipelines', file), 'utf8')).map((c) => ({ ...c, file })));

/** Concrete commands (README or pipeline headers) exercised by another test (command → the test that runs it). */
const ELSEWHERE: Record<string, string> = {
  demo: 'npm-start.test.ts (as `npm start` runs it)',
  '--help': 'cli-basics.test.ts',
  'run pipelines/demo-migration.yaml --dry-run': 'cli-examples.test.ts (every file of pipelines/ rehearsed)',
  'run pipelines/demo-migration.yaml': 'npm-start.test.ts (`zpetl demo` loads this file through runPipeline, what `zpetl run` calls)',
  'run pipelines/import-zoho-timesheet-export.yaml --dry-run': 'cli-examples.test.ts (every file of pipelines/ rehearsed)',
  'validate pipelines/migrate-tasks-from-csv.yaml': 'cli-run.test.ts (validate over every file of pipelines/)',
  'validate pipelines/provision-users-from-hr.yaml': 'cli-run.test.ts (validate over every file of pipelines/)',
  'run pipelines/migrate-tasks-from-csv.yaml --dry-run': 'cli-examples.test.ts (its dry run, exact figures)',
  'run pipelines/migrate-tasks-from-csv.yaml': 'cli-examples.test.ts (its real run, exact figures, then again: all skipped)',
  'validate pipelines/migrate-from-jira.yaml': 'cli-run.test.ts (validate over every file of pipelines/)',
  'run pipelines/migrate-from-jira.yaml --dry-run': 'jira-migration.test.ts (dryRun, what `zpetl run --dry-run` calls, exact figures) and cli-examples.test.ts',
  'run pipelines/migrate-from-jira.yaml': 'jira-migration.test.ts (runPipeline, what `zpetl run` calls, exact figures and the sandbox spot-checked)',
};

/** The `npm …` commands the README shows → what runs each (a test file, or a line of .ci/run). */
const NPM: Record<string, string> = {
  'npm ci': '.ci/run',
  'npm start': 'npm-start.test.ts',
  'npm test': '.ci/run',
  'npm run build': '.ci/run',
  'npm run typecheck': '.ci/run',
  'npm run test:fuzz': 'npm-test-fuzz.test.ts',
};

test.override({ fileSandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
/** A folder laid out like the README's working directory (think /opt/zpetl). */
let cwd: string;
/** Command text → how it went here. */
const ran = new Map<string, RunResult>();
let env: Record<string, string>;

/**
 * Runs zpetl in-process, as the binary would (runCli), on the sandbox's clock unless told otherwise.
 * `signal` stands for Ctrl-C: abort it with interruptedError('SIGINT'), as main.ts does.
 */
async function zpetl(args: string[], o: { env?: Record<string, string>; signal?: AbortSignal; clock?: Clock | null; watch?: (stdout: string) => void } = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const clock = o.clock === null ? undefined : (o.clock ?? sandbox.clock);
  const code = await runCli(args, {
    stdout: {
      write: (s: string) => {
        stdout += s;
        o.watch?.(stdout);
      },
    },
    stderr: { write: (s: string) => (stderr += s) },
    env: testEnv(o.env ?? env),
    cwd,
    signal: o.signal ?? new AbortController().signal,
    now: () => Date.now(),
    ...(clock ? { clock } : {}),
  });
  for (const out of [stdout, stderr]) for (const line of out.split('\n')) expect(line, key(args)).not.toMatch(CONTROL_CHARS);
  return { code, signal: null, stdout, stderr };
}

/** The command as written in README.md (or a pipeline header), paths under /srv mapped into `cwd`. */
function argsOf(text: string): string[] {
  const cmd = [...COMMANDS, ...PIPELINE_COMMANDS].find((c) => key(c.args) === text);
  expect(cmd, `README.md and pipelines/*.yaml no longer show: zpetl ${text}`).toBeDefined();
  return cmd!.args.map((a) => a.replace(/^\/srv\//, `${cwd}/srv/`).replace(/DATE/g, '2026-11-28'));
}

/** Runs a README command as written (in-process, on the sandbox clock). */
async function readme(text: string, o: { signal?: AbortSignal; watch?: (stdout: string) => void } = {}): Promise<RunResult> {
  const r = await zpetl(argsOf(text), o);
  ran.set(text, r);
  return r;
}

/** Hour and minute the wall clock shows in Europe/Berlin at `ms`. */
function berlinClock(ms: number): { h: number; m: number; s: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { h: n('hour'), m: n('minute'), s: n('second') };
}

/** Moves the sandbox clock (the one every in-process run uses) forward to the next hh:mm in Berlin. */
function advanceToBerlin(h: number, m = 0): void {
  const now = sandbox.clock.now();
  const c = berlinClock(now);
  const minutes = (h * 60 + m - (c.h * 60 + c.m) + 1440) % 1440 || 1440;
  sandbox.admin.advanceTime(minutes * 60_000 - c.s * 1000);
  // Virtual time runs on (×100: a loaded second is 100 s), so allow a few minutes past the target, never before it.
  const after = berlinClock(sandbox.clock.now());
  expect((after.h * 60 + after.m - (h * 60 + m) + 1440) % 1440, `moved to ${after.h}:${after.m}, not ${h}:${m}`).toBeLessThanOrEqual(20);
}

/** Tasks in the emulated portal. */
async function tasks(): Promise<unknown[]> {
  return (await (await fetch(`${sandbox.baseUrl}/__sandbox/entities/tasks`, { headers: { authorization: `Bearer ${sandbox.adminToken}` } })).json()) as unknown[];
}

beforeAll(() => ensureBuilt(), 150_000);
test.beforeAll(async ({ fileSandbox, fileTmp }) => {
  sandbox = fileSandbox;
  await seedExamples(sandbox);
  env = { ...sandbox.env };
  cwd = fileTmp;
  cpSync(join(ROOT, 'pipelines'), join(cwd, 'pipelines'), { recursive: true });
  for (const f of ['examples', 'demo', 'payroll']) cpSync(join(ROOT, 'fixtures', f), join(cwd, 'fixtures', f), { recursive: true });
  // Job 1's "your export" and Job 3's e-mail → employee id map.
  cpSync(join(ROOT, 'fixtures/examples/project-tool-export.csv'), join(cwd, 'export.csv'));
  writeFileSync(join(cwd, 'employees.csv'), 'email,employee_id,name\nolivia.brown@acme.example,E-1,Olivia Brown\n');
  mkdirSync(join(cwd, 'payroll'));
  mkdirSync(join(cwd, 'srv/payroll'), { recursive: true });
}, 150_000);

describe('README.md commands', () => {
  it('the extractors find the README commands (code blocks, inline code, the table), the pipelines\' and npm\'s', () => {
    expect(COMMANDS.length).toBeGreaterThan(25);
    const all = COMMANDS.map((c) => key(c.args));
    expect(all).toContain('init --from export.csv --entity task --out pipelines/my-tasks.yaml');
    expect(all).toContain('run PIPELINE --dry-run');
    expect(all).toContain('run pipelines/my-tasks.yaml --window 22:00-06:00 --tz Europe/Berlin');
    expect(readmeCommands('```sh\n# zpetl nothing\nnpx zpetl run a.yaml --dry-run > x.log 2>&1 &\nExecStart=/bin/sh -c \'exec npx zpetl status b.yaml --json\'\n```\nthen `zpetl status a.yaml`; `zpetl run` of a file')).toEqual([
      { line: 3, args: ['run', 'a.yaml', '--dry-run'], placeholder: false },
      { line: 4, args: ['status', 'b.yaml', '--json'], placeholder: false },
      { line: 6, args: ['status', 'a.yaml'], placeholder: false },
      { line: 6, args: ['run'], placeholder: true },
    ]);
    expect(commentCommands('# The demo (`zpetl demo`):\n#   npx zpetl run a.yaml --dry-run   # the rehearsal\nname: x # zpetl run b.yaml\n')).toEqual([
      { line: 2, args: ['run', 'a.yaml', '--dry-run'], placeholder: false },
    ]);
    expect(npmCommands('```sh\nnpm ci && npm start   # npm nothing\nnpm run test:chaos\n```\n`npm test` runs')).toEqual(['npm ci', 'npm start', 'npm run test:chaos', 'npm test']);
    expect(PIPELINE_COMMANDS.map((c) => key(c.args))).toContain('run pipelines/provision-users-from-hr.yaml --dry-run');
    expect(npmCommands(README)).toEqual(expect.arrayContaining(['npm ci', 'npm start', 'npm test']));
  });

  it('every command and flag the README and the pipeline headers show is in that command\'s --help', async () => {
    const shapes = [...COMMANDS, ...PIPELINE_COMMANDS].map((c) => ({ c, where: 'file' in c ? `pipelines/${String(c.file)}` : 'README.md', ...shape(c.args) }));
    const help = new Map<string, string>();
    for (const n of new Set(shapes.map((s) => s.command))) {
      const r = await zpetl([...(n && n !== '<command>' ? n.split(' ') : []), '--help'], { clock: null });
      expect(r.code, `zpetl ${n} --help: ${r.stderr}`).toBe(0);
      help.set(n, r.stdout);
    }
    for (const s of shapes) {
      if (s.command === '<command>') continue;
      const text = help.get(s.command)!;
      if (s.command !== '') expect(help.get('')!, `${s.where}:${s.c.line}: zpetl ${s.command}`).toContain(`zpetl ${s.command}`);
      for (const f of s.flags) expect(text, `${s.where}:${s.c.line}: zpetl ${key(s.c.args)}: ${f} is not an option of zpetl ${s.command}`).toMatch(new RegExp(`${f}\\b`));
    }
  });

  // The README's order: sandbox, then job 1, 2 and 3; then the pipeline headers.

  it('sandbox: `zpetl sandbox … > sandbox.env` prints an env file that works as the environment', async () => {
    for (const text of ['sandbox --port 8080 --db sandbox.db', 'sandbox --port 0 --seed demo --time-scale 60', 'sandbox --seed empty --time-scale 60']) {
      // Port 8080 (also the default) may be taken on a test machine: any free port, everything else as written.
      const args = argsOf(text).map((a) => (a === '8080' ? '0' : a));
      const child = spawnZpetl(args.includes('--port') ? args : [...args, '--port', '0'], { cwd });
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      // `> sandbox.env`: all of stdout is the file; the listening line comes on stderr, after it.
      const lines: string[] = [];
      const errLines: string[] = [];
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no listening line:\n${lines.join('\n')}\n${errLines.join('\n')}`)), 20_000);
        const ready = () => {
          if (!errLines.some((l) => l.startsWith('sandbox listening on ')) || !lines.some((l) => l.startsWith('ZPETL_SANDBOX_ADMIN_TOKEN='))) return;
          clearTimeout(timer);
          done();
        };
        createInterface({ input: child.stdout! }).on('line', (l) => (lines.push(l), ready()));
        createInterface({ input: child.stderr! }).on('line', (l) => (errLines.push(l), ready()));
      });
      expect(lines.map((l) => l.split('=')[0])).toEqual(['ZOHO_API_URL', 'ZOHO_ACCOUNTS_URL', 'ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_PORTAL_ID', 'ZPETL_SANDBOX_ADMIN_TOKEN']);
      // `set -a; . ./sandbox.env; set +a` reads it without a complaint, then a command that needs Zoho: the dry run's lookups go to it.
      writeFileSync(join(cwd, 'sandbox.env'), `${lines.join('\n')}\n`);
      const sourcing = spawnSync('bash', ['-c', 'set -a; . ./sandbox.env; set +a; env'], { cwd, encoding: 'utf8' });
      expect(sourcing.stderr).toBe('');
      const sourced = sourcing.stdout;
      const printedEnv = Object.fromEntries(sourced.split('\n').filter((l) => l.startsWith('ZOHO_')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(Object.keys(printedEnv)).toHaveLength(6);
      // The admin API answers the sourced token (the README's curl line).
      const adminToken = /^ZPETL_SANDBOX_ADMIN_TOKEN=(.+)$/m.exec(sourced)?.[1];
      expect((await fetch(`${printedEnv.ZOHO_API_URL}/__sandbox/counters`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(200);
      const r = await zpetl(['run', 'pipelines/provision-users-from-hr.yaml', '--dry-run', '--out', join(cwd, `sandbox-dry-${text.length}`)], { env: printedEnv, clock: null });
      expect(r.stdout + r.stderr).not.toContain('offline rehearsal');
      expect([0, 3]).toContain(r.code);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      ran.set(text, r);
      ran.set('sandbox', r);
    }
    expect(existsSync(join(cwd, 'sandbox.db'))).toBe(true);
  }, 90_000);

  it('job 1: init, validate, dry run, the --wait run stopped by Ctrl-C, status, resume, rejects --csv, the cron run outside then inside the window', async () => {
    const init = await readme('init --from export.csv --entity task --out pipelines/my-tasks.yaml');
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(join(cwd, 'pipelines/my-tasks.yaml'))).toBe(true);

    const v = await readme('validate pipelines/my-tasks.yaml');
    expect(v.code, v.stderr).toBe(0);

    // The starter maps every row to a task: 20 rows, one without a name.
    const dry = await readme('run pipelines/my-tasks.yaml --dry-run');
    expect(dry.code, dry.stderr).toBe(3);
    expect(dry.stdout).toMatch(/^tasks\s+20\s+19\s+/m);
    expect(dry.stdout).toMatch(/reports: .*out\/my-tasks-/);

    // Step 5's load (the systemd/--wait line) as written, at 23:00 Berlin: inside the window. The task
    // endpoint is locked out for 5 virtual hours (3 real minutes at ×100: still locked however loaded
    // the machine), so the run reports it rate-limited; Ctrl-C then stops it cleanly: nothing created, exit 130.
    advanceToBerlin(23);
    sandbox.admin.lockout('POST /projects/{project}/tasks', 18_000);
    const ctrlC = new AbortController();
    const waitText = 'run pipelines/my-tasks.yaml --window 22:00-06:00 --tz Europe/Berlin --wait';
    const stopped = await readme(waitText, {
      signal: ctrlC.signal,
      watch: (out) => {
        if (!ctrlC.signal.aborted && /rate-limited/.test(out)) ctrlC.abort(interruptedError('SIGINT'));
      },
    });
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(130);
    expect(stopped.stdout, stopped.stdout).toMatch(/rate-limited until \d\d:\d\d/);
    expect(await tasks()).toHaveLength(0);

    const status = await readme('status pipelines/my-tasks.yaml');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout, status.stdout).toMatch(/^my-tasks: run #1 interrupted/m);

    // Step 6: resume continues the interrupted run once the lock-out is over (the client learned
    // when it ends from Retry-After, on the same clock).
    sandbox.admin.advanceTime(18_000_000);
    const resume = await readme('resume pipelines/my-tasks.yaml');
    expect(resume.code, resume.stdout + resume.stderr).toBe(3);
    expect(resume.stdout, resume.stdout).toMatch(/^tasks\s+20\s+19\s+0\s+0\s+1\s+0$/m);
    expect(await tasks()).toHaveLength(19);

    const rejects = await readme('rejects pipelines/my-tasks.yaml --step tasks --csv fix-me.csv');
    expect(rejects.code, rejects.stderr).toBe(0);
    const fix = readFileSync(join(cwd, 'fix-me.csv'), 'utf8').trim().split('\n');
    expect(fix).toHaveLength(2);
    expect(fix[0]).toMatch(/,_line,_step,_code,_field,_message$/);
    expect(fix[1]).toMatch(/^4019,.*,ROW_REQUIRED,name,/);

    // The cron line at 12:00 Berlin: outside the window, exit 4, naming the next opening (22:00).
    const cron = 'run pipelines/my-tasks.yaml --window 22:00-06:00 --tz Europe/Berlin';
    advanceToBerlin(12);
    const shut = await readme(cron);
    expect(shut.code, shut.stdout + shut.stderr).toBe(4);
    expect(shut.stdout + shut.stderr).toMatch(/outside the off-peak window 22:00-06:00 Europe\/Berlin; it opens next at .*22:00/);
    expect(await tasks()).toHaveLength(19);
    // At 22:30 it runs: every key is in the crosswalk (skipped), the row without a name is rejected again.
    advanceToBerlin(22, 30);
    const open = await readme(cron);
    expect(open.code, open.stdout + open.stderr).toBe(3);
    expect(open.stdout, open.stdout).toMatch(/^tasks\s+20\s+0\s+0\s+19\s+1\s+0$/m);
    expect(await tasks()).toHaveLength(19);
  }, 120_000);

  it('job 2: provision users from HR, dry run then for real', async () => {
    const dry = await readme('run pipelines/provision-users-from-hr.yaml --dry-run');
    expect(dry.code, dry.stderr).toBe(3);
    const real = await readme('run pipelines/provision-users-from-hr.yaml');
    expect(real.code, real.stderr).toBe(3);
    expect(real.stdout).toMatch(/^users\s+9\s+/m);
  }, 60_000);

  /** Runs a payroll or pipeline-header command: exit 0 (nothing to export) or 3 (written, something to review), its --out written. */
  async function exportLike(text: string): Promise<void> {
    const r = await readme(text);
    expect([0, 3], `zpetl ${text}: ${r.stdout}${r.stderr}`).toContain(r.code);
    const args = argsOf(text);
    const out = args[args.indexOf('--out') + 1];
    if (args.includes('--out')) expect(existsSync(out!.startsWith('/') ? out! : join(cwd, out!)), `zpetl ${text} → ${out}`).toBe(true);
    if (args.includes('--json')) for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
  }

  it('job 3: every payroll export line of the README (pipeline file, flags only, a Zoho timesheet file, cron and systemd) writes its file', async () => {
    // The payroll section changes with the payroll work: every concrete `export timesheets` line, in order.
    const lines = [...new Set(COMMANDS.filter((c) => !c.placeholder && c.args[0] === 'export').map((c) => key(c.args)))];
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const text of lines) {
      if (text.includes('--adjustments')) {
        // Adjustments compare with the period's earlier export (its snapshot): the README's story exported
        // that period when it closed; here that export runs first, into a scratch file.
        const first = argsOf(text).filter((x) => x !== '--adjustments');
        first[first.indexOf('--out') + 1] = 'payroll/period-at-close.csv';
        const r = await zpetl(first);
        expect([0, 3], r.stderr).toContain(r.code);
      }
      await exportLike(text);
    }
    await exportLike('run pipelines/nightly-payroll-export.yaml');
  }, 60_000);

  it('the pipeline headers: every "run it with" command not run above (the timesheet import at 23:00 Berlin, inside its window)', async () => {
    advanceToBerlin(23);
    const todo = [...new Set(PIPELINE_COMMANDS.filter((c) => !c.placeholder).map((c) => key(c.args)))].filter((k) => !ran.has(k) && !(k in ELSEWHERE) && !k.startsWith('sandbox'));
    expect(todo).toContain('run pipelines/import-zoho-timesheet-export.yaml --window 22:00-06:00 --tz Europe/Berlin --wait');
    for (const text of todo) {
      if (text.startsWith('init')) {
        const init = await readme(text);
        expect(init.code, init.stderr).toBe(0);
        expect(init.stdout).toMatch(/^steps:/m);
      } else if (text.includes('--window')) {
        // Open now: --wait does not wait. Rows naming tasks the portal lacks are rejects (exit 3), nothing in doubt.
        const r = await readme(text);
        expect([0, 3], r.stdout + r.stderr).toContain(r.code);
        expect(r.stdout).not.toMatch(/waiting for the window/);
        expect(r.stdout).toMatch(/^\w+\s+\d+\s+\d+\s+0\s+\d+\s+\d+\s+0$/m);
      } else {
        await exportLike(text);
      }
    }
  }, 60_000);

  it('every error code the README names (troubleshooting, exit codes) is one zpetl can print', async () => {
    const { ERROR_CODES } = await import('../../src/core/errors.js');
    // Environment variable names (ZOHO_DC, ZOHO_CLIENT_ID, …) are the configuration's, not error codes.
    const envNames = new Set(readFileSync(join(ROOT, 'src/config/load-config.ts'), 'utf8').match(/ZOHO_[A-Z_]+/g));
    const named = [...new Set([...README.matchAll(/`((?:ZOHO|SOURCE|CHECKPOINT|PIPELINE|CONFIG|USAGE|ROW|PAYROLL|RUN)_[A-Z_]+)`/g)].map((m) => m[1]!))].filter((c) => !envNames.has(c));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((c) => !(ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
  });

  it('the library API section imports only what src/index.ts exports', async () => {
    const api = (await import('../../src/index.js')) as Record<string, unknown>;
    const imports = [...README.matchAll(/^import (type )?\{([^}]+)\} from 'zoho-projects-etl';$/gm)];
    const values = imports.filter((m) => !m[1]).flatMap((m) => m[2]!.split(',').map((n) => n.trim()));
    expect(values).toEqual(expect.arrayContaining(['runPipeline', 'exportTimesheets', 'createSandbox']));
    for (const name of values) expect(typeof api[name], name).toBe('function');
  });

  it('every concrete command (README, pipeline headers) was run above or is named with the test that runs it; every npm command too', () => {
    const concrete = [...new Set([...COMMANDS, ...PIPELINE_COMMANDS].filter((c) => !c.placeholder).map((c) => key(c.args)))];
    const missing = concrete.filter((k) => !ran.has(k) && !(k in ELSEWHERE));
    expect(missing, 'commands no test runs: add them to readme-commands.test.ts').toEqual([]);
    const stale = Object.keys(ELSEWHERE).filter((k) => !concrete.includes(k) || ran.has(k));
    expect(stale, 'ELSEWHERE names commands README.md and pipelines/ no longer show, or that run here').toEqual([]);
    for (const f of Object.values(ELSEWHERE)) expect(existsSync(join(ROOT, 'test/e2e', f.split(' ')[0]!))).toBe(true);

    const npm = npmCommands(README);
    expect(npm.filter((c) => !(c in NPM)), 'npm commands the README shows that no test or .ci/run runs: add them to NPM').toEqual([]);
    expect(Object.keys(NPM).filter((c) => !npm.includes(c)), 'NPM names commands the README no longer shows').toEqual([]);
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const [cmd, by] of Object.entries(NPM)) {
      if (by === '.ci/run') expect(ci.split('\n').some((l) => l.trim().startsWith(cmd)), `.ci/run runs ${cmd}`).toBe(true);
      else expect(existsSync(join(ROOT, 'test/e2e', by)), by).toBe(true);
      const script = /^npm (?:run )?(.+)$/.exec(cmd)![1]!;
      if (script !== 'ci') expect(scripts[script], `package.json has no script ${script}`).toBeDefined();
    }
    // npm-start.test.ts starts what `npm start` starts.
    expect(scripts['start']).toBe('node dist/cli/main.js demo');
  });
});
