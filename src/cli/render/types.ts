import type { PipelineEvent } from '../../pipeline/events.js';
import type { OutStream } from '../io.js';

/** Turns the events of a run into output. `close()` restores the terminal (stops bars). */
export interface Renderer {
  onEvent(e: PipelineEvent): void;
  close(): void;
}

export interface RenderOptions {
  stdout: OutStream;
  stderr: OutStream;
  /** Wall clock for rates and timestamps. */
  now(): number;
  /** When the command started (for the elapsed time in the summary). */
  startedMs: number;
  /** Zone for hh:mm in state text (the window's zone when one is given; default: the host's). */
  timeZone?: string;
  /** The working folder: the summary shows the report folder relative to it when under it. */
  cwd?: string;
  /**
   * The pipeline file's folder, which the relative source paths in it resolve against: a reject's file is
   * shown from there (relative to `cwd` when under it), so `../fixtures/x.csv` in a pipeline under
   * `pipelines/` reads `fixtures/x.csv`, a path the user can open.
   */
  sourceDir?: string;
}

/** tty: progress bars; plain: log lines; json: JSON lines; quiet: errors and the summary only. */
export type RenderMode = 'tty' | 'plain' | 'json' | 'quiet';
