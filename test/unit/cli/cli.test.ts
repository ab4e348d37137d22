/** runCli in-process: help and version through io (not console.log), usage errors in the command's terms. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { runCli } from '../../../src/cli/cli.js';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { formatErrorLines } from '../../../src/cli/errors.js';
import type { CliIo } from '../../../src/cli/io.js';
import { ZpetlError } from '../../../src/core/errors.js';
import { it } from '../../helpers/fixtures.js';

async function cli(args: string[], cwd = process.cwd(), env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd,
    signal: new AbortController().signal,
    now: () => Date.now(),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe('runCli', () => {
  it('writes --help (with examples) and --version to io.stdout', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/zpetl run <pipeline>/);
    expect(help.stdout).toMatch(/Examples:/);
    const run = await cli(['run', '--help']);
    expect(run.stdout).toContain('zpetl run p.yaml --window 22:00-06:00');
    const v = await cli(['--version']);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(help.stderr + run.stderr + v.stderr).toBe('');
  });

  it('every command\'s --help carries examples of itself', async () => {
    for (const c of [...COMMANDS.map((x) => x.command.split(' ')[0]!), 'export timesheets']) {
      const r = await cli([...c.split(' '), '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(/^Examples:$/m);
      expect(r.stdout.slice(r.stdout.indexOf('Examples:')), c).toContain(`zpetl ${c}`);
    }
  });

  it('no command: USAGE_INVALID naming every command, exit 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^USAGE_INVALID: name a command: demo, sandbox, init, validate, run, resume, status, rejects, export\n/);
    expect(r.stderr).toMatch(/^hint: Run `zpetl --help`/m);
  });

  it('an unknown command is named as such, with the list', async () => {
    const r = await cli(['migrate', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^USAGE_INVALID: unknown command "migrate": one of demo, sandbox, /);
  });

  it('a missing argument names it and points at that command\'s help', async () => {
    const r = await cli(['run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('USAGE_INVALID: missing <pipeline>: zpetl run <pipeline> [options]\nhint: Run `zpetl run --help` for the options and examples.\n');
  });

  it('an unknown flag keeps yargs\' message and points at that command\'s help', async () => {
    const r = await cli(['status', 'p.yaml', '--colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^USAGE_INVALID: Unknown argument: colour\nhint: Run `zpetl status --help`/);
  });

  it('a flag value of the wrong kind: the flag, what was expected, that command\'s help', async () => {
    const nan = await cli(['demo', '--time-scale', 'fast']);
    expect(nan.code).toBe(2);
    expect(nan.stderr).toBe('USAGE_INVALID: --time-scale: expected a number, got text that is not one\nhint: Run `zpetl demo --help` for the options and examples.\n');
    const port = await cli(['sandbox', '--port', '-1']);
    expect(port.stderr).toMatch(/^USAGE_INVALID: --port: .*\(given: -1\)\nhint: Run `zpetl sandbox --help`/);
  });

  it('a run that cannot start (invalid pipeline) prints the error once: CODE, each problem with file:line, a hint; no empty summary', async ({ tmp: dir }) => {
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nname: x\nsteps:\n  - name: a\n    entity: taskz\n    source: { type: csv, path: a.csv }\n');
    for (const args of [['run', 'bad.yaml'], ['resume', 'bad.yaml'], ['run', 'bad.yaml', '--dry-run']]) {
      const r = await cli(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      const out = r.stdout + r.stderr;
      expect(out.match(/PIPELINE_INVALID/g), out).toHaveLength(1);
      expect(r.stderr).toMatch(/^PIPELINE_INVALID: bad\.yaml/m);
      expect(r.stderr).toMatch(/^ {2}bad\.yaml:5 steps\[0\]\.entity: expected one of/m);
      expect(r.stderr).toMatch(/^hint: /m);
      expect(out).not.toMatch(/^step\s+read/m);
      // The offline-rehearsal note belongs to a dry run that starts, not to a file that failed to load.
      expect(r.stderr).not.toContain('note:');
    }
    const missing = await cli(['run', 'nope.yaml', '--dry-run'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^PIPELINE_NOT_FOUND: pipeline file not found: nope\.yaml\nhint: [^\n]*\n$/);
  });

  it('a dry run says where the reports are once, relative to the working folder (absolute outside it); the offline note only once it starts', async ({ tmp }) => {
    // The working folder and a folder outside it, side by side in the test's temporary folder.
    const dir = join(tmp, 'cwd');
    const elsewhere = join(tmp, 'elsewhere');
    for (const d of [dir, elsewhere]) mkdirSync(d);
    const pipeline = join(process.cwd(), 'pipelines/provision-users-from-hr.yaml');
    const r = await cli(['run', pipeline, '--dry-run'], dir);
    expect(r.code, r.stderr).toBe(3);
    const said = r.stdout.split('\n').filter((l) => /^(reports?|rejects):/.test(l));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^reports: out\/provision-users-from-hr-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(existsSync(join(dir, said[0]!.slice('reports: '.length), 'report.html'))).toBe(true);
    expect(r.stdout).toMatch(/^estimate: /m);
    expect(r.stderr).toMatch(/^note: no Zoho credentials in the environment: an offline rehearsal/);

    const abs = await cli(['run', pipeline, '--dry-run', '--out', join(elsewhere, 'r'), '--quiet'], dir);
    expect(abs.code, abs.stderr).toBe(3);
    expect(abs.stdout.split('\n').filter((l) => /^(reports?|rejects):/.test(l))).toEqual([`reports: ${join(elsewhere, 'r')}`]);
    const sub = await cli(['run', pipeline, '--dry-run', '--out', 'reports/a', '--quiet'], dir);
    expect(sub.stdout).toMatch(/^reports: reports\/a$/m);
    expect(existsSync(join(dir, 'reports/a/rejects.csv'))).toBe(true);
  });

  it('formatErrorLines lists details.problems the message does not already hold', () => {
    const inMessage = new ZpetlError('PIPELINE_INVALID', 'p.yaml: 1 problem(s):\n  p.yaml:4 (file): bad YAML', { details: { problems: [{ path: '', line: 4, message: 'bad YAML' }] } });
    expect(formatErrorLines(inMessage)).toEqual(['PIPELINE_INVALID: p.yaml: 1 problem(s):\n  p.yaml:4 (file): bad YAML', 'hint: Check the pipeline file with `zpetl validate FILE`; every problem is listed with its path.']);
    const separate = new ZpetlError('USAGE_INVALID', 'invalid arguments', { details: { problems: ['--a: x', { message: 'y' }] } });
    expect(formatErrorLines(separate, {}, { fallbackHint: 'hint text' })).toEqual(['USAGE_INVALID: invalid arguments', '  - --a: x', '  - y', 'hint: hint text']);
    const at = new ZpetlError('SOURCE_NOT_FOUND', 'cannot read /work/p/data/a.csv', { pos: { source: '/work/p/data/a.csv', line: 3, index: 2 } });
    expect(formatErrorLines(at, {}, { cwd: '/work/p' })[0]).toBe('SOURCE_NOT_FOUND: cannot read data/a.csv (data/a.csv:3)');
    expect(formatErrorLines(at, {}, { cwd: '/work/other' })[0]).toBe('SOURCE_NOT_FOUND: cannot read /work/p/data/a.csv (/work/p/data/a.csv:3)');
    // A path that only contains the working folder's path is not cut (/mnt/work/p/… is not under /work/p).
    const inside = new ZpetlError('SOURCE_NOT_FOUND', 'cannot read /mnt/work/p/data/a.csv');
    expect(formatErrorLines(inside, {}, { cwd: '/work/p' })[0]).toBe('SOURCE_NOT_FOUND: cannot read /mnt/work/p/data/a.csv');
  });

  it('rejects --step names a step the pipeline has, or says which it has', async ({ tmp: dir }) => {
    const r = await cli(['rejects', join(process.cwd(), 'pipelines/provision-users-from-hr.yaml'), '--step', 'nope', '--csv', 'x.csv'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^USAGE_INVALID: --step: provision-users-from-hr has no step named "nope"; its steps: users\n/);
    const none = await cli(['rejects', join(process.cwd(), 'pipelines/provision-users-from-hr.yaml'), '--run', '7'], dir);
    expect(none.code).toBe(0);
    expect(none.stderr).toBe('provision-users-from-hr: no run #7 in .zpetl/provision-users-from-hr.db\n');
  });

  it('a run that fails on Zoho (a refused refresh token) ends with the code and the hint; the dry run prints no estimate then', async ({ makeSandbox, tmp: dir }) => {
    const sandbox = await makeSandbox({ seed: 'empty' });
    const env = { ...sandbox.env, ZOHO_REFRESH_TOKEN: '1000.revoked' };
    const pipeline = join(process.cwd(), 'pipelines/provision-users-from-hr.yaml');
    const real = await cli(['run', pipeline], dir, env);
    expect(real.code).toBe(1);
    expect(real.stderr).toMatch(/^ZOHO_AUTH_INVALID_CODE: .*zpetl resume .*\nhint: Check ZOHO_DC/m);
    const dry = await cli(['run', pipeline, '--dry-run'], dir, env);
    expect(dry.code).toBe(1);
    expect(dry.stdout).not.toMatch(/^estimate:/m);
    expect(dry.stderr).toMatch(/(^|\n)ZOHO_AUTH_INVALID_CODE: [^\n]*\nhint: Check ZOHO_DC[^\n]*\n$/);
    expect(dry.stderr.split('ZOHO_AUTH_INVALID_CODE').length - 1).toBe(1); // printed once, not also as an error log line
  });
});
