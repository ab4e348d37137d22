import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { parse } from 'yaml';
import { ensureBuilt, runZpetl } from '../helpers/cli-helpers.js';
import { it } from '../helpers/fixtures.js';


beforeAll(async () => {
  await ensureBuilt();
}, 120_000);
describe('zpetl (e2e)', () => {
  it('--help lists the commands, examples and exit codes', async () => {
    const r = await runZpetl(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('zpetl <command> [options]');
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('zpetl init');
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 fatal, 2 invalid usage\/config\/pipeline, 3 .*4 .*130/s);
  });

  it('each command help carries examples', async () => {
    const r = await runZpetl(['init', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--entity');
  });

  it('usage errors print CODE: message and a hint, and exit 2', async () => {
    const r = await runZpetl(['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^USAGE_INVALID: .*no-such-command/m);
    expect(r.stderr).toMatch(/^hint: /m);
    const bad = await runZpetl(['init', '--from', 'x.csv', '--entity', 'ticket']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('USAGE_INVALID');
  });

  it('a missing --from file is a usage error named as typed, exit 2 (as validate and run treat a missing pipeline file); nothing written', async ({ tmp: dir }) => {
    const out = join(dir, 'p.yaml');
    const r = await runZpetl(['init', '--from', 'does/not/exist.csv', '--entity', 'task', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('USAGE_INVALID: --from: no such file (given: does/not/exist.csv)\nhint: Give the path of the CSV export whose header the pipeline should map (relative to the current folder).\n');
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    const v = await runZpetl(['validate', 'does/not/exist.yaml']);
    expect(v.code).toBe(r.code);
  });

  it('init writes a starter pipeline that refers to the CSV relative to itself, and refuses to overwrite', async ({ tmp: dir }) => {
    const out = join(dir, 'pipelines', 'tasks.yaml');
    const r = await runZpetl(['init', '--from', 'fixtures/examples/project-tool-export.csv', '--entity', 'task', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('next: zpetl validate');
    const doc = parse(readFileSync(out, 'utf8')) as { name: string; steps: { source: { path: string } }[] };
    expect(doc.name).toBe('tasks');
    expect(join(dir, 'pipelines', doc.steps[0]!.source.path)).toBe(join(process.cwd(), 'fixtures/examples/project-tool-export.csv'));
    const again = await runZpetl(['init', '--from', 'fixtures/examples/project-tool-export.csv', '--entity', 'task', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
  });
});
