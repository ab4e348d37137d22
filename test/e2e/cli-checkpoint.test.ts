/**
 * The checkpoint's owner and path through the CLI, as the audit reproduced it: `zpetl run p1.yaml`
 * (pipeline conc), then `zpetl run pB.yaml --db .zpetl/conc.db` (pipeline concB, other rows with the
 * same keys) printed "read 10, created 0, skipped 10" and exited 0. Now it is refused, exit 2.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ensureBuilt, runZpetl } from './cli-helpers.js';

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

beforeAll(async () => {
  await ensureBuilt();
  sandbox = await createSandbox({ port: 0, seed: 'empty', timeScale: 100 });
  dir = mkdtempSync(join(tmpdir(), 'zpetl-e2e-owner-'));
  writePipeline('p1.yaml', 'conc', 'Alpha');
  writePipeline('pB.yaml', 'concB', 'Beta');
}, 120_000);
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
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

  it('--db naming a directory exits 2 with CHECKPOINT_PATH saying so', async () => {
    mkdirSync(join(dir, 'state'), { recursive: true });
    const r = await runZpetl(['run', 'p1.yaml', '--db', 'state'], { env: { ...sandbox.env }, cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('CHECKPOINT_PATH: checkpoint database');
    expect(r.stderr).toContain('is a directory, not a file');
    expect(r.stderr).not.toContain('disk I/O error');
  });
});
