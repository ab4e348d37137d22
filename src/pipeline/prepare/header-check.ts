/**
 * A step's source header checked before anything is sent: the extractor opened and its first batch
 * read (the header is then known), and the same checks prepare makes when the step runs: the
 * extractor's fatal header errors (SOURCE_BINARY, SOURCE_DUPLICATE_HEADER under `duplicateHeaders:
 * error`, …), SOURCE_EMPTY (fatalSourceError) and every named column (missingColumnsError). The run
 * checks every step this way first, so a typo in a later step stops the run before an earlier step
 * loads (src/pipeline/run/run-engine.ts), and the dry run reports every step's problem (dry-run.ts).
 */
import { ZpetlError } from '../../core/errors.js';
import { isSourceBreak } from '../../core/source-break.js';
import { createExtractor } from '../../extract/create-extractor.js';
import type { LoadStepConfig } from '../file/schema.js';
import { fatalSourceError, repeatsReadOf } from './source-warnings.js';
import { missingColumnsError } from './step-columns.js';

/** The step's header problem, or undefined when its source can be read as the step names it. */
export async function stepHeaderProblem(step: LoadStepConfig, baseDir: string): Promise<ZpetlError | undefined> {
  let empty: ZpetlError | undefined;
  const extractor = createExtractor(step.source, {
    baseDir,
    repeatsRead: repeatsReadOf(step),
    onWarning: (w) => {
      empty ??= fatalSourceError(step.name, w);
    },
  });
  // No stop signal: one chunk is read, and a stop requested meanwhile is the run's to report (not a header problem).
  const batches = extractor.readBatches()[Symbol.asyncIterator]();
  try {
    await batches.next();
  } catch (e) {
    // A break after some rows is no header problem: the rows before it are loaded (source-break.ts).
    if (isSourceBreak(e)) return undefined;
    if (e instanceof ZpetlError) return e;
    throw e;
  } finally {
    await batches.return?.();
  }
  if (empty) return empty;
  const h = extractor.header();
  return h ? missingColumnsError(step, extractor.source, h) : undefined;
}

/** Every step's problem as one error: the only one as it is; several under the first's code, each step named. */
export function headerProblemsError(problems: readonly { step: string; error: ZpetlError }[]): ZpetlError | undefined {
  if (problems.length <= 1) return problems[0]?.error;
  const told = problems.map(({ step, error }) => (error.message.startsWith(`step ${step}:`) ? error.message : `step ${step}: ${error.message}`));
  return new ZpetlError(problems[0]!.error.code, `${problems.length} steps cannot read their source: ${told.join('; ')}`, {
    details: { problems: problems.map(({ step, error }) => ({ step, code: error.code, message: error.message })) },
    hint: 'Nothing was sent. Fix each source or step named above and run again.',
  });
}

/** Checks every step's header at once (`problem`: stepHeaderProblem or the plan's): the one error naming each problem, or undefined. */
export async function headersError(checks: readonly { step: string; problem: () => Promise<ZpetlError | undefined> }[]): Promise<ZpetlError | undefined> {
  const found = await Promise.all(checks.map(async (c) => ({ step: c.step, error: await c.problem() })));
  return headerProblemsError(found.flatMap((f) => (f.error ? [{ step: f.step, error: f.error }] : [])));
}
