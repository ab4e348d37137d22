/**
 * Sources on resume: a step resumes by seeking to its high-water mark's byte offset only when the
 * file is byte-for-byte the one the run began with (same sha256). A changed file is refused with
 * SOURCE_CHANGED unless the user allows it; then the step reads from the start and the crosswalk keeps
 * rows already loaded from being sent again.
 */
import { ZpetlError } from '../../core/errors.js';
import type { HighWater, StepRow } from '../../checkpoint/store-types.js';

/** sha256 (hex) of a source file, streamed: the extractor's own (SOURCE_NOT_FOUND / SOURCE_UNREADABLE). */
export { sha256File as sha256OfFile } from '../../extract/file-access.js';

export interface ResumePoint {
  /** Where reading starts; undefined = from the beginning. */
  startAt?: Required<HighWater>;
  /** True when the source changed and the user allowed it. */
  changed: boolean;
}

/**
 * Decides where a resumed step reads from. `previous` is the step's row in the run being resumed
 * (undefined for a new run).
 */
export function resumePoint(step: string, display: string, sha256: string, previous: StepRow | undefined, allowChangedSource: boolean): ResumePoint {
  if (!previous || previous.sourceSha256 === null) return { changed: false };
  if (previous.sourceSha256 !== sha256) {
    if (!allowChangedSource) {
      throw new ZpetlError('SOURCE_CHANGED', `source ${display} of step ${step} changed since this run began (sha256 ${previous.sourceSha256.slice(0, 12)}… → ${sha256.slice(0, 12)}…)`, {
        pos: { source: display, line: 0, index: 0 },
        details: { step, before: previous.sourceSha256, after: sha256 },
        hint:
          'Resuming over a different file could skip or misplace rows. Restore the original file, or pass --allow-changed-source: ' +
          'the step then reads the new file from the start and skips every key already loaded (crosswalk).',
      });
    }
    return { changed: true };
  }
  const hw = previous.highWater;
  if (hw && hw.byteOffset !== undefined) return { startAt: { byteOffset: hw.byteOffset, index: hw.index, line: hw.line }, changed: false };
  return { changed: false };
}
