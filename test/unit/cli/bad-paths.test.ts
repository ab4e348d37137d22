/**
 * Bad inputs that are the user's to fix exit 2 with a clear error, never "INTERNAL: this is a bug": a
 * YAML alias bomb in a pipeline file, an --out under a file (ENOTDIR) and an --out in a read-only place
 * (EPERM/EACCES), for every command that writes one.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { test } from '../../helpers/fixtures.js';
import { runCli } from '../../../src/cli/cli.js';
import type { CliIo } from '../../../src/cli/io.js';
import { pathError, toZpetlError } from '../../../src/core/errors.js';
import { loadPipeline, validatePipelineText } from '../../../src/pipeline/file/load-pipeline.js';
import type { Sandbox } from '../../../src/sandbox/index.js';

async function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env, cwd, signal: new AbortController().signal, now: () => Date.now() };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** "Billion laughs": 9 levels of 10 aliases each, 10^9 strings once expanded. */
function aliasBomb(): string {
  const lines = ['version: 1', 'name: bomb', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
  let prev = 'a';
  for (const n of 'bcdefghi') {
    lines.push(`${n}: &${n} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    prev = n;
  }
  return `${lines.join('\n')}\nsteps: []\n`;
}

const errno = (code: string, syscall: string, path: string) => Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });

describe('a YAML alias bomb in a pipeline file', () => {
  it('is a problem of the file (too many aliases, at the first alias), not an expansion or INTERNAL', () => {
    const r = validatePipelineText(aliasBomb(), '/x/bomb.yaml', {});
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ path: '', line: 4, message: expect.stringMatching(/^YAML: the file holds too many aliases: .*more than 100 copies/) }]);
    // an alias with no anchor is a problem too
    const u = validatePipelineText('version: 1\nname: u\nsteps: *nope\n', '/x/u.yaml', {});
    expect(u.problems).toEqual([{ path: '', line: 3, message: 'YAML: Unresolved alias (the anchor must be set before the alias): nope' }]);
  });

  test('validate, run and run --dry-run exit 2 naming the file', async ({ tmp: dir }) => {
    writeFileSync(join(dir, 'bomb.yaml'), aliasBomb());
    expect(() => loadPipeline(join(dir, 'bomb.yaml'), {})).toThrow(expect.objectContaining({ code: 'PIPELINE_INVALID' }));
    for (const args of [['validate', 'bomb.yaml'], ['run', 'bomb.yaml'], ['run', 'bomb.yaml', '--dry-run']]) {
      const r = await cli(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^PIPELINE_INVALID: bomb\.yaml/);
      expect(r.stderr, args.join(' ')).toContain('bomb.yaml:4 (file): YAML: the file holds too many aliases');
      expect(r.stderr).not.toContain('INTERNAL');
    }
  });
});

describe('pathError: the one mapping of an OS error on a path', () => {
  it('names the path and what is wrong, code USAGE_BAD_PATH (exit 2)', () => {
    expect(pathError(errno('ENOTDIR', 'mkdir', '/f/out'))?.message).toBe('cannot create folder /f/out: a part of the path is a file, not a folder');
    expect(pathError(errno('EEXIST', 'mkdir', '/f'))?.message).toBe('cannot create folder /f: it is a file, not a folder');
    expect(pathError(errno('EPERM', 'mkdir', '/ro/out'))?.message).toBe('cannot create folder /ro/out: permission denied (operation not permitted)');
    expect(pathError(errno('EACCES', 'open', '/ro/p.csv.tmp-1'), '/ro/p.csv')?.message).toBe('cannot write /ro/p.csv: permission denied (/ro/p.csv.tmp-1)');
    expect(pathError(errno('EROFS', 'open', '/mnt/p.csv'))?.message).toBe('cannot write /mnt/p.csv: the file system is read-only');
    expect(toZpetlError(errno('EACCES', 'open', '/ro/x'))).toMatchObject({ code: 'USAGE_BAD_PATH', details: { path: '/ro/x', errno: 'EACCES' }, hint: expect.stringMatching(/write to/) });
  });

  it('leaves what is not the path\'s fault alone: a full disk, an error with no path', () => {
    expect(pathError(errno('ENOSPC', 'write', '/x'))).toBeUndefined();
    expect(pathError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBeUndefined();
    expect(toZpetlError(errno('EIO', 'read', '/x')).code).toBe('INTERNAL');
  });
});

/**
 * A folder the test process cannot write into. Root ignores file modes, so as root it is a path
 * under /sys (sysfs refuses new entries even to root); otherwise a folder with mode 0555.
 */
function readOnlyPlace(dir: string): string | undefined {
  if (process.getuid?.() === 0) return existsSync('/sys/kernel') ? '/sys/kernel' : undefined;
  const ro = join(dir, 'read-only');
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  return ro;
}

test.override({ fileSandboxOptions: { seed: 'demo' } });
describe('--out under a file or in a read-only place', () => {
  let sandbox: Sandbox;
  let dir: string;
  let ro: string | undefined;
  test.beforeAll(({ fileSandbox, fileTmp }) => {
    sandbox = fileSandbox;
    dir = fileTmp;
    writeFileSync(join(dir, 'afile'), 'not a folder');
    for (const f of ['basic.yaml', 'projects.csv', 'tasks.csv', 'subtasks.csv', 'timelogs.csv']) copyFileSync(join('fixtures/pipeline', f), join(dir, f));
    ro = readOnlyPlace(dir);
  });

  const commands: { name: string; args: (out: string) => string[]; file?: boolean }[] = [
    { name: 'run --dry-run --out', args: (out) => ['run', 'basic.yaml', '--dry-run', '--out', out] },
    { name: 'run --out', args: (out) => ['run', 'basic.yaml', '--out', out, '--db', 'run.db'] },
    { name: 'init --out', args: (out) => ['init', '--from', 'tasks.csv', '--entity', 'task', '--out', join(out, 'p.yaml')], file: true },
    { name: 'export timesheets --out', args: (out) => ['export', 'timesheets', '--period', '2026-01-01..2026-01-31', '--tz', 'UTC', '--out', join(out, 'p.csv'), '--db', 'export.db'], file: true },
    { name: 'demo --out', args: (out) => ['demo', '--out', out] },
  ];

  for (const c of commands) {
    it(`${c.name} under a file: USAGE_BAD_PATH naming the path, exit 2, nothing sent`, async () => {
      const before = sandbox.admin.counters();
      const r = await cli(c.args('afile/sub'), dir, { ...sandbox.env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^USAGE_BAD_PATH: cannot (create folder|write) afile(\/sub)?[^\n]*: (a part of the path is a file|it is a file), not a folder\n/);
      expect(r.stderr).not.toContain('INTERNAL');
      if (c.name === 'run --out') expect(sandbox.admin.counters()).toEqual(before);
    });

    it(`${c.name} in a read-only place: USAGE_BAD_PATH saying permission denied, exit 2`, async (t) => {
      if (ro === undefined) t.skip('running as root without /sys: no place the process cannot write (the mapping is covered by pathError above)');
      // the read-only folder itself (it exists: the write fails) and a folder to create in it
      for (const out of [ro!, join(ro!, 'sub')]) {
        const r = await cli(c.args(out), dir, { ...sandbox.env });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(new RegExp(`^USAGE_BAD_PATH: cannot (create folder|write) ${out}[^\\n]*: (permission denied|the file system is read-only)`));
        expect(r.stderr).not.toContain('INTERNAL');
      }
    });
  }

  it('rejects --csv under a file or in a read-only place: exit 2', async () => {
    // a run with rejects first (a task whose project does not exist)
    writeFileSync(join(dir, 'tasks.csv'), 'Task ID,Project,Title,Start,Due\nT1,No Such Project,x,,\n');
    const run = await cli(['run', 'basic.yaml', '--db', 'rejects.db', '--out', 'out'], dir, { ...sandbox.env });
    expect(run.code, run.stderr).toBe(3);
    const under = await cli(['rejects', 'basic.yaml', '--db', 'rejects.db', '--step', 'tasks', '--csv', 'afile/r.csv'], dir, { ...sandbox.env });
    expect(under.code, under.stderr).toBe(2);
    expect(under.stderr).toMatch(/^USAGE_BAD_PATH: cannot create folder afile: it is a file, not a folder\n/);
    if (ro !== undefined) {
      const denied = await cli(['rejects', 'basic.yaml', '--db', 'rejects.db', '--step', 'tasks', '--csv', join(ro, 'r.csv')], dir, { ...sandbox.env });
      expect(denied.code, denied.stderr).toBe(2);
      expect(denied.stderr).toMatch(/^USAGE_BAD_PATH: cannot (create folder|write) [^\n]*: (permission denied|the file system is read-only)/);
    }
  });
});
