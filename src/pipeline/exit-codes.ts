/**
 * Exit codes of runs (dry and real). Same values as src/cli/exit-codes.ts, which maps thrown errors;
 * the library returns these in `exitCode` so the CLI only passes them on.
 */
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
