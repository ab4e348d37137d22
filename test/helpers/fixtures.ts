/**
 * The shared test fixtures: a sandbox on port 0 and a fresh temporary folder, set up only for the
 * tests that ask for them and torn down after (sandbox closed, folder removed), even when a test fails.
 *
 * ```ts
 * import { test } from '../helpers/fixtures.js';
 * test.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } }); // this file's sandboxes
 * test('runs', async ({ sandbox, tmp }) => { ... });
 * ```
 *
 * - `sandboxOptions` may depend on `tmp`, for a sandbox whose database is a file in the test's folder:
 *   `test.override('sandboxOptions', ({ tmp }) => ({ db: join(tmp, 'sandbox.db') }))`.
 * - `makeSandbox(options)` starts more sandboxes (other options, restarts on one database file); each is
 *   closed after the test.
 * - `fileSandbox` / `fileTmp` (options `fileSandboxOptions`) are the same, set up once per test file and
 *   shared by its tests: for files that pay for one sandbox in `beforeAll` (e2e suites). Read them in
 *   `test.beforeAll(({ fileSandbox, fileTmp }) => ...)` or in a test.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.js';

/** What the fixtures add to a test's context. */
export interface SandboxFixtures {
  /** Options of `sandbox` (default: createSandbox's own defaults, i.e. seed `demo`, time scale 1); port is always 0. */
  sandboxOptions: SandboxOptions;
  /** A sandbox on a free port, started with `sandboxOptions`, closed after the test. */
  sandbox: Sandbox;
  /** A fresh temporary folder (real path, symlinks resolved), removed with its contents after the test. */
  tmp: string;
  /** Starts a further sandbox on port 0 with `options`; every one is closed after the test (closing twice is harmless). */
  makeSandbox: (options?: SandboxOptions) => Promise<Sandbox>;
}

/** The file-scoped twins: one of each per test file, shared by its tests. */
export interface FileFixtures {
  /** Options of `fileSandbox`; override once at the top of the file. */
  fileSandboxOptions: SandboxOptions;
  /** A sandbox on a free port shared by the file's tests, closed after its last test. */
  fileSandbox: Sandbox;
  /** A temporary folder shared by the file's tests, removed after its last test. */
  fileTmp: string;
}

/** A fresh folder under the OS temp dir; realpath so paths compare equal to what a child process reports (macOS /var → /private/var). */
export function makeTmpDir(prefix = 'zpetl-test-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** How a fixture registers its teardown (vitest runs them in reverse order after the test). */
type OnCleanup = (fn: () => void | Promise<void>) => void;

const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/**
 * The sandbox's module, loaded by the first test that starts one: files that ask only for `tmp` (unit
 * tests) do not pay for importing the emulator.
 */
const createSandbox = async (options: SandboxOptions): Promise<Sandbox> => (await import('../../src/sandbox/index.js')).createSandbox(options);

const startSandbox = async (options: SandboxOptions, onCleanup: OnCleanup): Promise<Sandbox> => {
  const sandbox = await createSandbox({ port: 0, ...options });
  onCleanup(() => sandbox.close());
  return sandbox;
};

const freshTmp = (onCleanup: OnCleanup): string => {
  const dir = makeTmpDir();
  onCleanup(() => removeDir(dir));
  return dir;
};

/** vitest's `test` with the sandbox and temp-folder fixtures (SandboxFixtures, FileFixtures). */
export const test = base
  .extend('fileSandboxOptions', { scope: 'file' }, {} as FileFixtures['fileSandboxOptions'])
  .extend('fileTmp', { scope: 'file' }, ({}, { onCleanup }): string => freshTmp(onCleanup))
  .extend('fileSandbox', { scope: 'file' }, ({ fileSandboxOptions }, { onCleanup }) => startSandbox(fileSandboxOptions, onCleanup))
  .extend('sandboxOptions', {} as SandboxFixtures['sandboxOptions'])
  .extend('tmp', ({}, { onCleanup }): string => freshTmp(onCleanup))
  .extend('sandbox', ({ sandboxOptions }, { onCleanup }) => startSandbox(sandboxOptions, onCleanup))
  .extend('makeSandbox', ({}, { onCleanup }): SandboxFixtures['makeSandbox'] => {
    const started: Sandbox[] = [];
    onCleanup(async () => {
      for (const sandbox of started.reverse()) await sandbox.close();
    });
    return async (options = {}) => {
      const sandbox = await createSandbox({ port: 0, ...options });
      started.push(sandbox);
      return sandbox;
    };
  });

/** The same as `test`, for files that say `it`. */
export const it = test;
