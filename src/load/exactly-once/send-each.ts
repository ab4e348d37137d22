/** The send of one batch, one call per item: every item answers exactly once (created, rejected, in doubt or unsent). */
import type { ZpetlError } from '../../core/errors.js';
import type { AttemptBatch, AttemptResult, LoadItem } from '../types.js';
import { classifyFailure, failureResult, stopCause } from './classify-failure.js';

/**
 * Sends one call per item with at most `concurrency` in flight. After a fatal error or an abort no
 * new call starts; items never started answer 'unsent'. Every item gets exactly one result.
 */
export async function sendEach(
  items: readonly LoadItem[],
  entity: string,
  concurrency: number,
  call: (item: LoadItem) => Promise<string>,
  signal?: AbortSignal,
  status: 'created' | 'updated' = 'created',
): Promise<AttemptBatch> {
  const results = new Map<string, AttemptResult>();
  let fatal: ZpetlError | undefined;
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (fatal || signal?.aborted) return;
      const i = next++;
      const item = items[i];
      if (!item) return;
      try {
        const id = await call(item);
        results.set(item.key, { key: item.key, status, zohoId: id });
      } catch (e) {
        const f = classifyFailure(e, item, entity, true);
        results.set(item.key, failureResult(f, item.key));
        fatal ??= stopCause(f);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return {
    results: items.map((it) => results.get(it.key) ?? { key: it.key, status: 'unsent' as const }),
    ...(fatal ? { fatal } : {}),
  };
}
