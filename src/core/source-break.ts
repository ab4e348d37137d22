/**
 * The mark of a source break: a source that stops being readable after some rows were read (a JSON
 * array's syntax error, src/extract/json-extractor.ts). The run and the dry run process the rows read
 * before it and end the step with the error (src/pipeline/source-break.ts); the run's high-water mark
 * then stands at the break. Only an error its extractor marks is a break: another SOURCE_ error with a
 * position (a binary file, a bad header) is not, and nothing is flushed past it.
 */
import { ZpetlError } from './errors.js';

/** `details` of a break error: spread into the error's details by the extractor that breaks. */
export const SOURCE_BREAK_DETAILS = { sourceBreak: true } as const;

/** Whether `e` is a marked source break (with the position where reading stopped). */
export function isSourceBreak(e: unknown): e is ZpetlError & { pos: NonNullable<ZpetlError['pos']> } {
  return e instanceof ZpetlError && e.details.sourceBreak === true && e.pos !== undefined;
}
