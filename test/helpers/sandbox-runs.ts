/**
 * The dry run and the real run of a loaded pipeline against a test sandbox, as the integration tests
 * compare them: one checkpoint (`p.db`) and report folders `dry/` and `run/` under `dir`, the
 * sandbox's clock, every event pushed to `events`.
 */
import { join } from 'node:path';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import type { LoadedPipeline } from '../../src/pipeline/file/load-pipeline.js';
import { runPipeline } from '../../src/pipeline/run/run.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sandboxClient } from './sandbox-client.js';

export const dryRunOnSandbox = (p: LoadedPipeline, sandbox: Sandbox, dir: string, events: PipelineEvent[]) =>
  dryRun(p, { api: sandboxClient(sandbox, { clock: sandbox.clock }), cwd: dir, db: join(dir, 'p.db'), outDir: join(dir, 'dry'), onEvent: (e) => events.push(e) });

export const runOnSandbox = (p: LoadedPipeline, sandbox: Sandbox, dir: string, events: PipelineEvent[]) =>
  runPipeline(p, { env: sandbox.env, cwd: dir, db: join(dir, 'p.db'), reportDir: join(dir, 'run'), clock: sandbox.clock, onEvent: (e) => events.push(e) });
