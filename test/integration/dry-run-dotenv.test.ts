/**
 * The dry run builds its Zoho client as a real run does (src/pipeline/pipeline-client.ts): from the
 * environment over `.env` in the working folder. Credentials only in `.env` are used (its lookups
 * read the sandbox, authenticated); an incomplete set is the real run's own CONFIG_INVALID; none at
 * all is an offline rehearsal that says so.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/cli.js';
import { isZpetlError } from '../../src/core/errors.js';
import { dryRun, OFFLINE_NOTICE } from '../../src/pipeline/dry-run/dry-run.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import { formatEnvLines, type Sandbox } from '../../src/sandbox/index.js';

const PIPELINE = `version: 1
name: dotenv
steps:
  - name: tasks
    entity: task
    source: { type: csv, path: tasks.csv }
    key: [Task ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      name: { from: Title, required: true }
`;

it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  sandbox.admin.insert('projects', [{ name: 'Apollo' }]);
  dir = tmp;
  writeFileSync(join(dir, 'p.yaml'), PIPELINE);
  // The project exists only in Zoho: only a dry run that reads Zoho resolves it.
  writeFileSync(join(dir, 'tasks.csv'), 'Task ID,Project,Title\nT1,Apollo,Design\n');
});

/** Calls the sandbox answered for an endpoint (authenticated: an unauthenticated call is an error). */
const okCalls = (endpoint: string) => sandbox.admin.counters().endpoints[endpoint]?.ok ?? 0;

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env, cwd: dir, signal: new AbortController().signal, now: () => Date.now() };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe('dry run credentials from .env', () => {
  it('uses credentials found only in .env: its lookups read Zoho with them, and it is not offline', async () => {
    writeFileSync(join(dir, '.env'), `${formatEnvLines(sandbox)}\n`);
    const notices: string[] = [];
    const { report, exitCode } = await dryRun(join(dir, 'p.yaml'), { env: {}, cwd: dir, outDir: join(dir, 'out'), onNotice: (n) => notices.push(n) });
    expect(report.error).toBeUndefined();
    expect(exitCode).toBe(0);
    expect(report.totals).toMatchObject({ read: 1, valid: 1, rejected: 0, wouldCreate: 1 });
    expect(notices).toEqual([]);
    // The refresh token from .env was exchanged and the project listing answered.
    expect(okCalls('POST /oauth/v2/token')).toBeGreaterThan(0);
    expect(okCalls('GET /projects')).toBeGreaterThan(0);

    // The CLI holds no Zoho wiring: the same from `zpetl run --dry-run`, with an empty environment.
    const before = okCalls('GET /projects');
    const r = await cli(['run', 'p.yaml', '--dry-run', '--out', 'cli-out'], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('offline');
    expect(okCalls('GET /projects')).toBeGreaterThan(before);
  });

  it('without any credentials it rehearses offline and says so: the Zoho-only project is missing', async () => {
    const notices: string[] = [];
    const { report, exitCode } = await dryRun(join(dir, 'p.yaml'), { env: {}, cwd: dir, outDir: join(dir, 'out'), onNotice: (n) => notices.push(n) });
    expect(exitCode).toBe(3);
    expect(report.totals).toMatchObject({ read: 1, valid: 0, rejected: 1 });
    expect(notices).toEqual([OFFLINE_NOTICE]);
    expect(sandbox.admin.counters().endpoints['POST /oauth/v2/token']).toBeUndefined();
  });

  it('credentials missing from an incomplete .env give the error a real run gives, and no report folder', async () => {
    // A client id without its secret and refresh token: configured, but not completely.
    writeFileSync(join(dir, '.env'), `ZOHO_CLIENT_ID=${sandbox.env.ZOHO_CLIENT_ID}\nZOHO_PORTAL_ID=${sandbox.env.ZOHO_PORTAL_ID}\n`);
    const run = await runPipeline(join(dir, 'p.yaml'), { env: {}, cwd: dir, outDir: false });
    expect(run.exitCode).toBe(2);
    expect(run.error?.code).toBe('CONFIG_INVALID');

    const thrown = await dryRun(join(dir, 'p.yaml'), { env: {}, cwd: dir, outDir: join(dir, 'out') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isZpetlError(thrown) && thrown.format()).toBe(run.error!.format());
    expect(isZpetlError(thrown) && thrown.hint).toBe(run.error!.hint);
    expect(existsSync(join(dir, 'out'))).toBe(false);

    // The CLI prints it as every command prints errors, exit 2, as `zpetl run` does.
    const real = await cli(['run', 'p.yaml'], {});
    const dry = await cli(['run', 'p.yaml', '--dry-run'], {});
    expect(real.code).toBe(2);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toMatch(/^CONFIG_INVALID: invalid Zoho configuration: /);
    expect(dry.stderr).toBe(real.stderr);
  });
});
