/**
 * `zpetl run PIPELINE` and `zpetl resume PIPELINE`: load for real with checkpoints (or rehearse with
 * --dry-run). The CLI renders the run's PipelineEvents; the exit code is the library's.
 */
import { dirname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { z } from 'zod';
import { dryRun } from '../../pipeline/dry-run/dry-run.js';
import type { PipelineEvent } from '../../pipeline/events.js';
import { runPipeline } from '../../pipeline/run/run.js';
import { parseArgs, timeZoneArg, windowArg } from '../args.js';
import { outputFlags, type CliCommand } from '../command.js';
import { reportError } from '../errors.js';
import type { CliIo } from '../io.js';
import { println } from '../io.js';
import { chooseRenderMode, createRenderer, formatDuration } from '../render/index.js';
import { plainText } from '../render/plain.js';

const Args = z
  .object({
    pipeline: z.string().min(1),
    dryRun: z.boolean().default(false),
    out: z.string().min(1).optional(),
    db: z.string().min(1).optional(),
    window: windowArg.optional(),
    tz: timeZoneArg.optional(),
    wait: z.boolean(),
    allowChangedSource: z.boolean(),
    adoptCheckpoint: z.boolean().default(false),
    json: z.boolean(),
    quiet: z.boolean(),
  })
  .refine((a) => a.window === undefined || a.tz !== undefined, { path: ['tz'], message: '--window needs --tz, the zone the window is in (e.g. Europe/Berlin)' })
  .refine((a) => !(a.adoptCheckpoint && a.dryRun), { path: ['adoptCheckpoint'], message: 'a dry run never writes the checkpoint, so it cannot take one over: leave out --dry-run (or --adopt-checkpoint)' });

export function runFlags(y: Argv): Argv {
  return outputFlags(
    y
      .positional('pipeline', { type: 'string', describe: 'The pipeline file (YAML)' })
      .option('out', { type: 'string', describe: 'Report folder (default out/<pipeline>-<UTC timestamp>/)' })
      .option('db', { type: 'string', describe: 'Checkpoint database (default .zpetl/<pipeline name>.db)' })
      .option('window', { type: 'string', describe: 'Off-peak window HH:MM-HH:MM, overriding the pipeline file' })
      .option('tz', { type: 'string', describe: 'IANA zone of --window, e.g. Europe/Berlin' })
      .option('wait', { type: 'boolean', default: false, describe: 'Outside the window, sleep until it opens (else exit 4)' })
      .option('allow-changed-source', { type: 'boolean', default: false, describe: 'Resume even though an input file changed since the run began' })
      .option('adopt-checkpoint', { type: 'boolean', default: false, describe: 'Take over a checkpoint of another pipeline name or file (this one renamed or moved); never another portal\'s' }),
  );
}

export async function executeRunCommand(argv: Record<string, unknown>, io: CliIo, resume: boolean): Promise<number> {
  const a = parseArgs(Args, argv);
  const mode = chooseRenderMode(a, io.stdout.isTTY, io.env);
  const renderer = createRenderer(mode, { stdout: io.stdout, stderr: io.stderr, now: io.now, startedMs: io.now(), timeZone: a.tz, cwd: io.cwd, sourceDir: dirname(resolve(io.cwd, a.pipeline)) });
  if (a.dryRun) {
    try {
      return await executeDryRun(a, io, mode, renderer);
    } finally {
      renderer.close();
    }
  }
  const beforeStart = errorPrintedOnce(renderer);
  try {
    const result = await runPipeline(resolve(io.cwd, a.pipeline), {
      cwd: io.cwd,
      env: io.env,
      // As given: the library resolves it against cwd and keeps a trailing separator (load-pipeline.ts checkpointPath).
      ...(a.db ? { db: a.db } : {}),
      ...(a.out ? { outDir: resolve(io.cwd, a.out) } : {}),
      resume,
      ...(a.adoptCheckpoint ? { adoptCheckpoint: true } : {}),
      allowChangedSource: a.allowChangedSource,
      ...(a.window ? { window: { spec: a.window, tz: a.tz! } } : {}),
      wait: a.wait,
      signal: io.signal,
      ...(io.clock ? { clock: io.clock } : {}),
      onEvent: mode === 'json' ? (e) => renderer.onEvent(e) : beforeStart.onEvent,
      resumeCommand: `zpetl resume ${a.pipeline}`,
    });
    beforeStart.flush();
    renderer.close();
    if (mode !== 'json' && beforeStart.failed && result.error) {
      // Nothing ran (an invalid pipeline file, missing credentials…): printed as every command prints
      // errors, `CODE: message`, each problem with file:line, and a hint.
      reportError(io.stderr, result.error, io.env, { cwd: io.cwd });
    } else if (mode !== 'json' && result.message) {
      println(result.exitCode === 0 ? io.stdout : io.stderr, plainText(result.message));
      const hint = result.error?.hint;
      if (result.status === 'failed' && hint && !result.message.includes(hint)) println(io.stderr, `hint: ${plainText(hint)}`);
    }
    return result.exitCode;
  } finally {
    renderer.close();
  }
}

/**
 * Passes events on, so that a fatal error is printed once: the library reports it as a `log` error
 * event, as the failed step's state and again as the result's error, and the command prints the latter
 * in full (code, message, hint) after the summary. So the log line is held and dropped when a failed
 * run-end follows, and a failed step's state names only the error's code. `--json` gets every event as
 * it is. A run that fails before any step starts (a run-end with no counts) also loses its empty
 * summary table: the CLI prints the error alone.
 */
function errorPrintedOnce(renderer: { onEvent(e: PipelineEvent): void }): { onEvent(e: PipelineEvent): void; flush(): void; failed: boolean } {
  let held: PipelineEvent | undefined;
  const state = {
    failed: false,
    onEvent(e: PipelineEvent) {
      if (held) {
        const h = held;
        held = undefined;
        if (e.type === 'run-end' && e.status === 'failed') {
          if (Object.keys(e.counts).length === 0) {
            state.failed = true;
            return;
          }
        } else renderer.onEvent(h);
      }
      if (e.type === 'log' && e.level === 'error') held = e;
      else if (e.type === 'step-state' && e.state.kind === 'failed') {
        const code = /^[A-Z][A-Z_]+(?=:)/.exec(e.state.message)?.[0] ?? 'an error';
        renderer.onEvent({ ...e, state: { kind: 'failed', message: `${code} (printed in full at the end)` } });
      } else renderer.onEvent(e);
    },
    flush() {
      if (held) renderer.onEvent(held);
      held = undefined;
    },
  };
  return state;
}

/**
 * --dry-run: read, map, validate and look up everything, write nothing to Zoho. The library builds the
 * Zoho client for the lookups as a real run does (environment and `.env`); without credentials the
 * rehearsal is offline (names must come from earlier steps), and its notice is printed here.
 */
async function executeDryRun(a: z.output<typeof Args>, io: CliIo, mode: string, renderer: { onEvent(e: PipelineEvent): void; close(): void }): Promise<number> {
  const events = mode === 'json' ? renderer : errorPrintedOnce(renderer);
  const r = await dryRun(resolve(io.cwd, a.pipeline), {
    ...(a.out ? { outDir: resolve(io.cwd, a.out) } : {}),
    // The crosswalk of this checkpoint decides what would be skipped (read-only; default as a real run).
    cwd: io.cwd,
    ...(a.db ? { db: a.db } : {}),
    env: io.env,
    ...(io.clock ? { clock: io.clock } : {}),
    signal: io.signal,
    // Said once the rehearsal starts (the pipeline file loaded and validated), so an invalid or missing file ends with its error alone.
    ...(mode !== 'json' ? { onNotice: (n: string) => println(io.stderr, `note: ${n}`) } : {}),
    onEvent: (e) => events.onEvent(e),
  });
  if ('flush' in events) events.flush();
  renderer.close();
  if (mode !== 'json') {
    const est = r.error ? undefined : r.report.estimate;
    if (est) {
      const windows = est.windowsNeeded !== undefined ? `, ${est.windowsNeeded} off-peak window(s) of ${est.window}` : '';
      println(io.stdout, `estimate: ${est.totalCalls} API call(s), ${formatDuration(est.durationMs)} at Zoho's limits${windows}`);
    }
    // The run stopped: say why last, in full (code, message, hint), where a terminal's eye lands.
    if (r.error) reportError(io.stderr, r.error, io.env, { cwd: io.cwd });
  }
  return r.exitCode;
}

export const runCommand: CliCommand = {
  command: 'run <pipeline>',
  describe: 'Load a pipeline into Zoho with checkpoints (resumable); --dry-run rehearses',
  builder: (y) =>
    runFlags(y)
      .option('dry-run', { type: 'boolean', default: false, describe: 'Rehearse: report.json, report.html, rejects.csv, calls and nights needed; nothing is written to Zoho' })
      .example('$0 run pipelines/demo-migration.yaml --dry-run', 'The rehearsal report, before go-live')
      .example('$0 run pipelines/demo-migration.yaml', 'Load; Ctrl-C checkpoints and exits 130')
      .example('$0 run p.yaml --window 22:00-06:00 --tz Europe/Berlin --wait', 'Only off-peak; sleep until it opens')
      .example('$0 run p.yaml --json > run.jsonl', 'JSON-lines events for a log shipper'),
  run: (argv, io) => executeRunCommand(argv, io, false),
};

export const resumeCommand: CliCommand = {
  command: 'resume <pipeline>',
  describe: 'Continue an interrupted run: reconcile what was in doubt, then go on where it stopped',
  builder: (y) =>
    runFlags(y)
      .example('$0 resume pipelines/demo-migration.yaml', 'Continue after Ctrl-C, a crash or exit 4')
      .example('$0 resume p.yaml --allow-changed-source', 'Continue although an input file changed'),
  run: (argv, io) => executeRunCommand(argv, io, true),
};
