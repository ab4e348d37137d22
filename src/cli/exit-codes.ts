/**
 * Process exit codes, documented in the README. A run's own exit code comes from the library
 * (`run-end.exitCode`, `RunResult.exitCode`); errors the CLI catches map to the same codes through
 * the library's `exitCodeForError`. One table, in src/pipeline/exit-codes.ts.
 */
export { EXIT_FATAL, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_OUTSIDE_WINDOW, EXIT_REJECTS, exitCodeForError } from '../pipeline/exit-codes.js';
