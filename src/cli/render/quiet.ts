/** `--quiet`: errors on stderr and the final summary on stdout; nothing else. */
import type { PipelineEvent } from '../../pipeline/events.js';
import { println } from '../io.js';
import { summaryLines } from './format.js';
import { plainText } from './plain.js';
import type { Renderer, RenderOptions } from './types.js';

export function createQuietRenderer(o: RenderOptions): Renderer {
  let dryRun = false;
  return {
    onEvent(e: PipelineEvent) {
      if (e.type === 'run-start') dryRun = e.dryRun;
      else if (e.type === 'log' && e.level === 'error') println(o.stderr, plainText(`error: ${e.message}`));
      else if (e.type === 'step-state' && e.state.kind === 'failed') println(o.stderr, plainText(`${e.step}: failed: ${e.state.message}`));
      else if (e.type === 'run-end') for (const line of summaryLines(e, dryRun, o.now() - o.startedMs, o.cwd)) println(o.stdout, plainText(line));
    },
    close() {},
  };
}
