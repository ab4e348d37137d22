/**
 * The record key of a repeated header cell: Jira exports one `Labels` column per label, and the
 * extractor (extract/csv-header.ts) reads them as `Labels`, `Labels_2`, `Labels_3` … . The one home
 * of that naming, shared by the extractor that makes the keys and the `collect:` field source that
 * reads them back.
 */

/** The key of the `occurrence`-th column named `name` (1-based): the first keeps the name, the others get `_<n>`. */
export function repeatedColumnKey(name: string, occurrence: number): string {
  return occurrence <= 1 ? name : `${name}_${occurrence}`;
}
