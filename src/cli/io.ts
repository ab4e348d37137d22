/**
 * What a command may touch: its output streams, the environment, the working directory, the clock
 * and the abort signal wired to SIGINT/SIGTERM. Injected so commands run in-process in tests.
 */
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
}

/** Writes one line (adds the newline). */
export function println(stream: OutStream, line = ''): void {
  stream.write(`${line}\n`);
}
