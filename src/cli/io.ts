/**
 * What a command may touch: its output streams, the environment, the working directory, the clock
 * and the abort signal wired to SIGINT/SIGTERM. Injected so commands run in-process in tests.
 */
import type { Clock } from '../core/clock.js';

export interface OutStream {
  write(chunk: string): unknown;
  /** True when the stream is a terminal (progress bars, colours). */
  isTTY?: boolean;
  /** Terminal width in columns, when a TTY. */
  columns?: number;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM; passed to every library call that can run for long. */
  signal: AbortSignal;
  /** Wall-clock milliseconds, for elapsed times in summaries. */
  now(): number;
  /**
   * The time runs are paced and windows decided by (Zoho client, rate budget, off-peak window,
   * `status`'s next opening). Default: real time. Tests give the sandbox's virtual clock, so the
   * client and the emulated Zoho agree on time and a window is open or shut on purpose.
   */
  clock?: Clock;
}

/** Writes one line (adds the newline). */
export function println(stream: OutStream, line = ''): void {
  stream.write(`${line}\n`);
}
