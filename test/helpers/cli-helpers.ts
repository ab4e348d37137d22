/**
 * Runs the `zpetl` CLI as a child process, the way users do. Uses the built `dist/cli/main.js` when it
 * is newer than every source file (CI builds before testing), otherwise the TypeScript sources through tsx.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';

export const ROOT = resolve(import.meta.dirname, '../..');
const DIST_MAIN = join(ROOT, 'dist/cli/main.js');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when dist/ holds a build at least as new as src/. */
export function distIsFresh(): boolean {
  return existsSync(DIST_MAIN) && statSync(DIST_MAIN).mtimeMs >= newestMtimeMs(join(ROOT, 'src'));
}

/**
 * Builds dist/ when it is stale (about 6 s). Test files in parallel workers take a directory lock so
 * only one compiles; the others wait for it.
 */
export async function ensureBuilt(): Promise<void> {
  if (distIsFresh()) return;
  const lock = join(ROOT, '.zpetl-build-lock');
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (distIsFresh()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (distIsFresh()) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    if (!existsSync(DIST_MAIN)) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The node arguments that start the CLI. */
export function cliEntry(): string[] {
  // tsx by absolute URL: the child may run in a temporary folder where `tsx` does not resolve.
  return distIsFresh() ? [DIST_MAIN] : ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'src/cli/main.ts')];
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  input?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: no Zoho variables leaking in from the machine running the tests. */
export function testEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ZOHO_') && !k.startsWith('ZPETL_')) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

export function spawnZpetl(args: string[], o: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [...cliEntry(), ...args], { cwd: o.cwd ?? ROOT, env: testEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'] });
}

export function runZpetl(args: string[], o: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnZpetl(args, o);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin!.end(o.input ?? '');
  });
}

/** Control characters other than newline: what must never appear in piped output. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f]/;

/** The people, projects and task lists of fixtures/examples/, as they would already be in the portal. */
export async function seedExamples(s: Sandbox): Promise<void> {
  const post = async (kind: string, items: unknown[]): Promise<string[]> => {
    const res = await fetch(`${s.baseUrl}/__sandbox/entities/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.adminToken}` }, body: JSON.stringify(items) });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { ids: string[] }).ids;
  };
  const [web, app] = await post('projects', [{ name: 'Website relaunch' }, { name: 'Mobile app v2' }]);
  await post('tasklists', [
    { project_id: web, name: 'Design' },
    { project_id: web, name: 'Build' },
    { project_id: app, name: 'Offline mode' },
  ]);
  const people = ['olivia.brown', 'liam.garcia', 'sofia.rossi', 'noah.kim', 'mia.novak'];
  await post('users', people.map((p) => ({ email: `${p}@acme.example`, first_name: p.split('.')[0], last_name: p.split('.')[1] })));
  await post('project-users', people.flatMap((p) => [web, app].map((id) => ({ project_id: id, email: `${p}@acme.example` }))));
}
