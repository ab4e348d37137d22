/** What the Zoho client tells a real run: request latencies for the gate, retries for the figures, rate limits and other events for the progress display. */
import type { ClientEvent, ZohoClient } from '../../zoho/types.js';
import type { PipelineEvent } from '../events.js';
import type { LatencyTracker } from './run-gate.js';
import { createEndpointOf, type PlannedStep } from './run-plan.js';
import type { RunFigures } from '../run-result.js';

/**
 * Subscribes to the client's events: a rate limit becomes a 'rate-limited' state of each active step
 * on that endpoint; every event but a plain request is passed on. Returns the unsubscribe.
 */
export function forwardClientEvents(
  client: ZohoClient,
  steps: readonly PlannedStep[],
  active: ReadonlySet<string>,
  latency: LatencyTracker,
  figures: RunFigures,
  emit: (e: PipelineEvent) => void,
): () => void {
  const stepsByEndpoint = new Map<string, string[]>();
  for (const s of steps) {
    const ep = createEndpointOf(s.entity);
    stepsByEndpoint.set(ep, [...(stepsByEndpoint.get(ep) ?? []), s.name]);
  }
  return client.on((ce: ClientEvent) => {
    if (ce.type === 'request') latency.observe(ce.durationMs);
    if (ce.type === 'retry') figures.retries++;
    if (ce.type === 'rate-limited') {
      for (const name of stepsByEndpoint.get(ce.endpoint) ?? []) {
        if (active.has(name)) emit({ type: 'step-state', step: name, state: { kind: 'rate-limited', endpoint: ce.endpoint, untilMs: ce.untilMs } });
      }
    }
    if (ce.type !== 'request') emit({ type: 'client', event: ce });
  });
}
