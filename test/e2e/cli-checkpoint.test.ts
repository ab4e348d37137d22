/**
 * The checkpoint's owner and path through the CLI. After `zpetl run p1.yaml` (pipeline conc), another
 * pipeline on its file (`zpetl run pB.yaml --db .zpetl/conc.db`, other rows with the same keys) or a
 * copy of p1.yaml with the same name on the default `.zpetl/conc.db` would take conc's keys for its own
 * and skip every row ("read 10, created 0, skipped 10", exit 0): each is refused, exit 2, and
 * `--adopt-checkpoint` takes the file over for the same pipeline renamed or moved.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { test } from '../helpers/fixtures.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { ensureBuilt, runZpetl } from '../helpers/cli-helpers.js';

test.override({ fileSandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;

function writePipeline(file: string, name: string, prefix: string): void {
  const rows = Array.from({ length: 10 }, (_, i) => `P${i + 1},${prefix} ${i + 1}`);
  writeFileSync(join(dir, `${name}.csv`), ['Code,Name', ...rows, ''].join('\n'));
  writeFileSync(
    join(dir, file),
    ['version: 1', `name: ${name}`, 'steps:', '  - name: projects', '    entity: project', `    source: { type: csv, path: ${name}.csv }`, '    key: [Code]', '    fields:', '      name: { from: Name, required: true }', ''].join('\n'),
  );
}

beforeAll(() => ensureBuilt(), 120_000);
test.beforeAll(({ fileSandbox, fileTmp }) => {
  sandbox = fileSandbox;
  dir = fileTmp;
  writePipeline('p1.yaml', 'conc', 'Alpha');
  writePipeline('pB.yaml', 'concB', 'Beta');
});

const names = () => (sandbox.admin.entities('projects') as { name: string }[]).map((p) => p.name);

describe('zpetl and a checkpoint of another pipeline (e2e)', () => {
  it('run, resume, dry run and status of pipeline concB on conc’s checkpoint exit 2 naming both; nothing is skipped or sent', async () => {
    const env = { ...sandbox.env };
    const a = await runZpetl(['run', 'p1.yaml'], { env, cwd: dir, timeoutMs: 60_000 });
    expect(a.code, a.stderr).toBe(0);
    expect(names()).toHaveLength(10);
    for (const args of [
      ['run', 'pB.yaml', '--db', '.zpetl/conc.db'],
      ['resume', 'pB.yaml', '--db', '.zpetl/conc.db'],
      ['run', 'pB.yaml', '--dry-run', '--db', '.zpetl/conc.db', '--out', 'dry'],
      ['status', 'pB.yaml', '--db', '.zpetl/conc.db'],
      ['rejects', 'pB.yaml', '--db', '.zpetl/conc.db'],
    ]) {
      const r = await runZpetl(args, { env, cwd: dir, timeoutMs: 60_000 });
      expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('CHECKPOINT_OTHER_PIPELINE: checkpoint database');
      expect(r.stderr).toContain('conc.db belongs to pipeline "conc"');
      expect(r.stderr).toContain('not to pipeline "concB"');
      expect(r.stdout + r.stderr).not.toMatch(/skipped 10/);
    }
    expect(names().filter((n) => n.startsWith('Beta'))).toEqual([]);
  });

  it('a copy of p1.yaml with the same name is refused on the default checkpoint; --adopt-checkpoint takes it over, with a warning; never in a dry run', async () => {
    const env = { ...sandbox.env };
    writePipeline('pcopy.yaml', 'conc', 'Alpha');
    const copy = await runZpetl(['run', 'pcopy.yaml'], { env, cwd: dir, timeoutMs: 60_000 });
    expect(copy.code, copy.stdout + copy.stderr).toBe(2);
    expect(copy.stderr).toContain('CHECKPOINT_OTHER_PIPELINE');
    expect(copy.stderr).toContain('belongs to pipeline "conc" of another file, p1.yaml, not to pipeline "conc" (file pcopy.yaml');
    expect(copy.stderr).toContain('--adopt-checkpoint');
    const dry = await runZpetl(['run', 'pcopy.yaml', '--dry-run', '--adopt-checkpoint'], { env, cwd: dir, timeoutMs: 60_000 });
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain('--adopt-checkpoint: a dry run never writes the checkpoint');
    const adopted = await runZpetl(['run', 'pcopy.yaml', '--adopt-checkpoint'], { env, cwd: dir, timeoutMs: 60_000 });
    expect(adopted.code, adopted.stdout + adopted.stderr).toBe(0);
    expect(adopted.stdout + adopted.stderr).toMatch(/adopted \(--adopt-checkpoint\): it belonged to pipeline "conc" \(file .*p1\.yaml/);
    expect(names()).toHaveLength(10);
  });

  it('--db ending in a separator exits 2 with CHECKPOINT_PATH and makes no file of that name', async () => {
    const r = await runZpetl(['run', 'p1.yaml', '--db', 'newdir/'], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('CHECKPOINT_PATH: checkpoint database');
    expect(r.stderr).toContain('names a folder (it ends in a separator), not a file');
    expect(existsSync(join(dir, 'newdir'))).toBe(false);
  });

  it('--db naming a directory exits 2 with CHECKPOINT_PATH saying so', async () => {
    mkdirSync(join(dir, 'state'), { recursive: true });
    const r = await runZpetl(['run', 'p1.yaml', '--db', 'state'], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('CHECKPOINT_PATH: checkpoint database');
    expect(r.stderr).toContain('is a directory, not a file');
    expect(r.stderr).not.toContain('disk I/O error');
  });
});
