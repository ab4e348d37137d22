/**
 * "Did you mean": the closest of some known names to a misspelt one (a column, an option key), or
 * undefined when none is close. Close = the same ignoring case, spaces, `_` and `-`, or within a
 * small edit distance (one edit per four characters, at least one).
 */
export function closestName(given: string, known: Iterable<string>): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const g = fold(given);
  const limit = Math.max(1, Math.floor(given.length / 4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    if (k === given) continue;
    const d = fold(k) === g ? 0 : editDistance(g, fold(k));
    if (d <= limit && d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (insert, delete, replace one character). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
