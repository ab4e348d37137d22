/**
 * The `replace` converter: a JavaScript regular expression from the pipeline file, compiled once per
 * field (never per row), and String.prototype.replace with `$1`-style groups. No code is evaluated.
 */
import { ok, type Outcome } from '../../core/record.js';
import type { ConverterOptions } from './spec.js';
import { eachText } from './text.js';

/** Which option is wrong, and why; the schema reports it on that option. */
export interface ReplacementProblem {
  option: 'pattern' | 'with';
  message: string;
}

/** Undefined when `pattern` compiles with `flags` and `with` names only groups the pattern has, else the problem. */
export function replacementProblem(pattern: string, flags: string, replacement: string): ReplacementProblem | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags);
  } catch (e) {
    return { option: 'pattern', message: `not a valid regular expression: ${(e as Error).message}` };
  }
  // Matching the empty alternative gives an array as long as the pattern's groups (+1).
  const empty = new RegExp(`${re.source}|`, flags.replace('g', '')).exec('')!;
  const groups = empty.length - 1;
  const names = new Set(Object.keys(empty.groups ?? {}));
  for (const m of replacement.matchAll(/\$(\$|\d{1,2}|<([^>]*)>)/g)) {
    const ref = m[1]!;
    if (ref === '$' || ref === '0' || ref === '00') continue;
    if (ref.startsWith('<')) {
      if (!names.has(m[2]!)) return { option: 'with', message: `"${m[0]}" names no group of the pattern${names.size > 0 ? ` (its groups: ${[...names].join(', ')})` : ''}` };
      continue;
    }
    // As String.prototype.replace reads them: two digits when that group exists, else one digit.
    const n = ref.length === 2 && Number(ref) <= groups ? Number(ref) : Number(ref[0]);
    if (n > groups) return { option: 'with', message: `"$${n}" refers to group ${n}, but the pattern has ${groups === 0 ? 'no groups' : groups === 1 ? 'one group' : `${groups} groups`} (write $$ for a dollar sign)` };
  }
  return undefined;
}

/** Compiles a replace converter. Lists are replaced element by element. */
export function createReplaceConverter(options: Pick<ConverterOptions<'replace'>, 'pattern' | 'with' | 'flags'>) {
  const re = new RegExp(options.pattern, options.flags);
  const replacement = options.with;
  // Sharing one RegExp across rows is safe: replace() resets lastIndex for 'g', and 'y' is not allowed.
  const replace = (s: string): string => s.replace(re, replacement);
  return (value: unknown): Outcome<unknown> => ok(eachText(value, replace));
}
