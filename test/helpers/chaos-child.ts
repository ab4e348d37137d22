/**
 * One migration process for the chaos tests: runs the synthetic migration against a sandbox that lives
 * in the parent (test) process, with a file checkpoint database, and may be SIGKILLed at any instant.
 * Run as `node --import tsx chaos-child.ts` with ZPETL_CHAOS_CHILD set to a JSON ChildConfig.
 *
 * Prints `READY` then waits for `GO` on stdin when asked to (waitForGo), `STARTED` once the run has begun (run-start), progress lines `PROGRESS <step> <done>`, and at
 * the end `RESULT <json>`; exits with the run's exit code. SIGINT/SIGTERM stop it gracefully (130).
 */
import { createScaledClock } from '../../src/core/clock.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { loadPipeline } from '../../src/pipeline/file/load-pipeline.js';
import { buildRunPlan } from '../../src/pipeline/run/run-build-plan.js';
import { executeRun, type RunEngineOptions } from '../../src/pipeline/run/run-engine.js';
import type { RunResult } from '../../src/pipeline/run-result.js';
import type { RunPlan } from '../../src/pipeline/run/run-plan.js';
import { writeRunReport } from '../../src/pipeline/run/run-report.js';
import { sandboxClientFactory, type SandboxLike } from './sandbox-client.js';
import { migrationPlan } from './synthetic-plan.js';

export interface ChildConfig {
  sandbox: SandboxLike;
  files: Record<string, string>;
  dbPath: string;
  /** The sandbox's time scale: the child's clock runs at the same rate from the sandbox's virtual now. */
  timeScale: number;
  /** Client per-attempt timeout, real ms. */
  timeoutMs: number;
  batchSize?: number;
  /** Client retries of 5xx / network failures per call. */
  maxRetries?: number;
  /** Run the generated pipeline.yaml through runPipeline (CSV, lookups) instead of the NDJSON plan. */
  viaPipelineFile?: boolean;
  /** Write the run's report folder (report.json, report.html, rejects.csv, crosswalk.csv) here at the end. */
  reportDir?: string;
  /** The engine's in-doubt settle time, virtual ms (≥ a late commit's delay × timeScale). */
  inDoubtSettleMs?: number;
  /**
   * Start up (modules, clock, client), print `READY`, and begin the run only once `GO` arrives on stdin:
   * a restart can then follow a kill within milliseconds, not the second or two a process takes to start.
   */
  waitForGo?: boolean;
}

const config = JSON.parse(process.env.ZPETL_CHAOS_CHILD ?? '{}') as ChildConfig;
const res = await fetch(`${config.sandbox.env.ZOHO_API_URL}/__sandbox/time`, { headers: { authorization: `Bearer ${config.sandbox.env.ZPETL_SANDBOX_ADMIN_TOKEN}` } });
const { nowMs } = (await res.json()) as { nowMs: number };
const clock = createScaledClock(config.timeScale, nowMs);
const ac = new AbortController();
process.on('SIGINT', () => ac.abort());
process.on('SIGTERM', () => ac.abort());

let last = 0;
const client = sandboxClientFactory(config.sandbox, {
  clock,
  timeoutMs: config.timeoutMs,
  // backoff in virtual ms: at the sandbox's scale these are short real waits
  backoffBaseMs: 1000,
  backoffCapMs: 20_000,
  ...(config.maxRetries !== undefined ? { maxRetries: config.maxRetries } : {}),
});
const onEvent = (e: PipelineEvent) => {
  if (e.type === 'run-start') process.stdout.write('STARTED\n');
  if (e.type === 'step-progress') {
    const done = e.counts.read;
    if (done - last >= 25 || done < last) {
      last = done;
      process.stdout.write(`PROGRESS ${e.step} ${done}\n`);
    }
  }
};
const settle = config.inDoubtSettleMs !== undefined ? { inDoubtSettleMs: config.inDoubtSettleMs } : {};
if (config.waitForGo) {
  process.stdout.write('READY\n');
  await new Promise<void>((resolve) => {
    let input = '';
    process.stdin.on('data', (d: Buffer) => {
      input += d.toString();
      if (input.includes('GO\n')) resolve();
    });
  });
  process.stdin.pause();
}
let result: RunResult;
if (config.viaPipelineFile) {
  const { config: pipeline, baseDir } = loadPipeline(config.files.pipeline!);
  const plan = buildRunPlan(pipeline, baseDir, config.files.pipeline);
  result = await executeRun(plan, { dbPath: config.dbPath, clock, client, signal: ac.signal, onEvent, ...settle, resumeCommand: 'zpetl resume chaos', ...reportFor(plan) });
} else {
  const plan = migrationPlan(config.files, { ...(config.batchSize ? { batchSize: config.batchSize } : {}) });
  result = await executeRun(plan, { dbPath: config.dbPath, clock, client, signal: ac.signal, onEvent, ...settle, ...reportFor(plan) });
}

function reportFor(plan: RunPlan): Pick<RunEngineOptions, 'writeReport'> {
  const dir = config.reportDir;
  return dir ? { writeReport: (r) => writeRunReport(r, plan, { dir }) } : {};
}
process.stdout.write(
  `RESULT ${JSON.stringify({ exitCode: result.exitCode, status: result.status, message: result.message, counts: result.counts, figures: result.figures, runId: result.runId })}\n`,
);
process.exitCode = result.exitCode;
