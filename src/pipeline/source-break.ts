/**
 * A source that breaks after some rows (a JSON array's syntax error: extract/json-extractor.ts yields
 * the elements before it, then throws). The dry run reads its batches through `untilSourceBreak` (the run
 * catches the break in its item loop, src/pipeline/run/run-step.ts): both process
 * the rows read before the break as any others (loaded, or rehearsed and counted), then end the
 * step with the error.
 */
import { ZpetlError } from '../core/errors.js';
import { isSourceBreak } from '../core/source-break.js';

/**
 * The items of `source`, ending instead of throwing at a marked source break (core/source-break.ts): `onBreak`
 * gets it, and the caller throws it once it has handled the items before it. Other errors pass through.
 */
export async function* untilSourceBreak<T>(source: AsyncIterable<T>, onBreak: (e: ZpetlError) => void): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (e) {
    if (!isSourceBreak(e)) throw e;
    onBreak(e);
  }
}
