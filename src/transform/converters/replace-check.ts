/**
 * The schema's check of a `replace` converter: the pattern compiles with its flags, and the
 * replacement names only groups the pattern has (JavaScript would leave `$3` in the text as it is).
 */

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
