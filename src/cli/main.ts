#!/usr/bin/env node
/**
 * The `zpetl` binary: wires process signals to an AbortController, runs one command, exits with its
 * code. The first SIGINT/SIGTERM asks the library to stop cleanly (checkpoint, exit 130); a second forces.
 */
import { hideBin } from 'yargs/helpers';
import { runCli } from './cli.js';
import { interruptedError } from './errors.js';
import { EXIT_INTERRUPTED } from './exit-codes.js';

const controller = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals++;
  if (signals > 1) {
    process.stderr.write(`${signal} again: exiting now\n`);
    process.exit(EXIT_INTERRUPTED);
  }
  process.stderr.write(`\n${signal}: stopping cleanly (press Ctrl-C again to force)\n`);
  controller.abort(interruptedError(signal));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(hideBin(process.argv), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  now: () => Date.now(),
});
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
process.exitCode = code;
// A command that returned has closed what it opened; if a stray handle still holds the loop, do not hang cron.
setTimeout(() => process.exit(code), 3_000).unref();
