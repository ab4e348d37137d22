/** `--json`: every event as one JSON line on stdout (secrets redacted), for machines and log shippers. */
import { redactDeep } from '../../core/redact.js';
import type { PipelineEvent } from '../../pipeline/events.js';
import { println } from '../io.js';
import type { Renderer, RenderOptions } from './types.js';

export function createJsonRenderer(o: RenderOptions): Renderer {
  return {
    onEvent(e: PipelineEvent) {
      println(o.stdout, JSON.stringify(redactDeep({ t: new Date(o.now()).toISOString(), ...e })));
    },
    close() {},
  };
}
