/** runCli in-process: help and version through io (not console.log), usage errors in the command's terms. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/cli.js';
import type { CliIo } from '../../../src/cli/io.js';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: process.cwd(),
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
});
