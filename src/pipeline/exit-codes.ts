/**
 * Exit codes of runs (dry and real), documented in the README. The library returns these in
 * `exitCode` so the CLI only passes them on; `exitCodeForError` maps an error that ended a run or a
 * command to the same codes (src/cli/exit-codes.ts re-exports it for the errors the CLI catches).
 */
import type { ZpetlError } from '../core/errors.js';

export const EXIT_OK = 0;
/** Fatal: unreadable source, auth, network, retries exhausted, internal error. */
export const EXIT_FATAL = 1;
/** Invalid usage, configuration or pipeline file. Nothing was sent. */
export const EXIT_INVALID = 2;
/** Finished with rejects, or stopped by the reject limit. */
export const EXIT_REJECTS = 3;
/** Outside the off-peak window and --wait not given. */
export const EXIT_OUTSIDE_WINDOW = 4;
/** Interrupted (SIGINT/SIGTERM) after checkpointing. */
export const EXIT_INTERRUPTED = 130;

/** An error of what the user gave (command line, configuration, pipeline file): exit 2, nothing was sent. */
export function isInvalidCode(code: string): boolean {
  return code.startsWith('USAGE_') || code.startsWith('CONFIG_') || code.startsWith('PIPELINE_');
}

/** The exit code for an error that ended a run or a command. */
export function exitCodeForError(e: ZpetlError): number {
  const code = e.code;
  if (isInvalidCode(code)) return EXIT_INVALID;
  if (code === 'PAYROLL_INVALID_PERIOD' || code === 'SANDBOX_FAULTS_INVALID' || code === 'SANDBOX_CONFIG_INVALID') return EXIT_INVALID;
  // A --db that is another pipeline's checkpoint, or no file at all: usage, nothing was sent.
  if (code === 'CHECKPOINT_OTHER_PIPELINE' || code === 'CHECKPOINT_PATH') return EXIT_INVALID;
  if (code === 'RUN_REJECT_LIMIT') return EXIT_REJECTS;
  if (code === 'RUN_OUTSIDE_WINDOW') return EXIT_OUTSIDE_WINDOW;
  if (code === 'RUN_INTERRUPTED') return EXIT_INTERRUPTED;
  return EXIT_FATAL;
}
