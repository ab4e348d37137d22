/** Picks and builds the renderer for a command's output flags and terminal. */
import { createJsonRenderer } from './json.js';
import { createPlainRenderer } from './plain.js';
import { createQuietRenderer } from './quiet.js';
import { createTtyRenderer } from './tty.js';
import type { RenderMode, Renderer, RenderOptions } from './types.js';

export type { RenderMode, Renderer, RenderOptions } from './types.js';
export { formatDuration, formatState, summaryLines } from './format.js';

/** --json wins over --quiet; bars only when stdout is a terminal and TERM is not "dumb". */
export function chooseRenderMode(flags: { json?: boolean; quiet?: boolean }, isTTY: boolean | undefined, env: NodeJS.ProcessEnv): RenderMode {
  if (flags.json) return 'json';
  if (flags.quiet) return 'quiet';
  return isTTY === true && env['TERM'] !== 'dumb' ? 'tty' : 'plain';
}

export function createRenderer(mode: RenderMode, options: RenderOptions): Renderer {
  switch (mode) {
    case 'tty':
      return createTtyRenderer(options);
    case 'plain':
      return createPlainRenderer(options);
    case 'json':
      return createJsonRenderer(options);
    case 'quiet':
      return createQuietRenderer(options);
  }
}
