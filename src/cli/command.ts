/**
 * The shape of one CLI command: yargs declares the flags, `run` validates them with zod, calls the
 * library and renders. `run` returns the exit code; errors it throws are printed by the caller.
 */
import type { Argv } from 'yargs';
import type { CliIo } from './io.js';

export interface CliCommand {
  /** yargs command string, e.g. 'validate <pipeline>'. */
  command: string;
  describe: string;
  builder(y: Argv): Argv;
  run(argv: Record<string, unknown>, io: CliIo): Promise<number>;
}

/** Output flags shared by the commands that run pipelines. */
export function outputFlags(y: Argv, json = 'Print events as JSON lines on stdout (machines, log shippers)'): Argv {
  return y
    .option('json', { type: 'boolean', default: false, describe: json })
    .option('quiet', { type: 'boolean', alias: 'q', default: false, describe: 'Print only errors and the final summary' });
}
