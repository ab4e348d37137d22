/**
 * The `replace` converter: a JavaScript regular expression from the pipeline file, compiled once per
 * field (never per row), and String.prototype.replace with `$1`-style groups. No code is evaluated.
 * The schema checks pattern and replacement first (replace-check.ts).
 */
import { ok, type Outcome } from '../../core/record.js';
import type { ConverterOptions } from './spec.js';
import { eachText } from './text.js';

/** Compiles a replace converter. Lists are replaced element by element. */
export function createReplaceConverter(options: Pick<ConverterOptions<'replace'>, 'pattern' | 'with' | 'flags'>) {
  const re = new RegExp(options.pattern, options.flags);
  const replacement = options.with;
  // Sharing one RegExp across rows is safe: replace() resets lastIndex for 'g', and 'y' is not allowed.
  const replace = (s: string): string => s.replace(re, replacement);
  return (value: unknown): Outcome<unknown> => ok(eachText(value, replace));
}
