/**
 * Process exit codes, documented in the README. A run's own exit code comes from the library
 * (`run-end.exitCode`, `RunResult.exitCode`); this table maps errors the CLI catches to the same codes.
 */
import type { ZpetlError } from '../core/errors.js';

export const EXIT_OK = 0;
/** Fatal: auth, network, retries exhausted, an internal error. */
export const EXIT_FATAL = 1;
/** Invalid usage, configuration or pipeline file. Nothing was sent. */
export const EXIT_INVALID = 2;
/** Finished, but some rows were rejected (or the reject limit stopped the run). */
export const EXIT_REJECTS = 3;
/** Outside the off-peak window and --wait not given. */
export const EXIT_OUTSIDE_WINDOW = 4;
/** Interrupted by SIGINT/SIGTERM after checkpointing; resume continues. */
export const EXIT_INTERRUPTED = 130;

/** The exit code for an error that ended a command. */
export function exitCodeForError(e: ZpetlError): number {
  const code = e.code;
  if (code.startsWith('USAGE_') || code.startsWith('CONFIG_') || code.startsWith('PIPELINE_')) return EXIT_INVALID;
  if (code === 'PAYROLL_INVALID_PERIOD' || code === 'SANDBOX_FAULTS_INVALID') return EXIT_INVALID;
  if (code === 'RUN_REJECT_LIMIT') return EXIT_REJECTS;
  if (code === 'RUN_OUTSIDE_WINDOW') return EXIT_OUTSIDE_WINDOW;
  if (code === 'RUN_INTERRUPTED') return EXIT_INTERRUPTED;
  return EXIT_FATAL;
}
