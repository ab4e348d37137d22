/** Header helpers for tabular sources: delimiter detection, BOM sniffing and unique record keys. */
import { repeatedColumnKey } from '../core/repeated-column.js';
import type { Delimiter, SourceEncoding } from './source-schema.js';
import type { ExtractWarning, SourceHeader } from './types.js';

/** Byte-order marks we honour. A BOM overrides the declared encoding. */
export function sniffBom(head: Buffer): { encoding: SourceEncoding; bomBytes: number } | { unsupported: string } | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', bomBytes: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bomBytes: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { unsupported: 'UTF-16BE' };
  return undefined;
}

/**
 * Picks the delimiter that occurs most often outside quotes in the first line (`,` wins ties and
 * lines with none). Only `,` `;` and tab are candidates.
 */
export function detectDelimiter(text: string, quote: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === quote) quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: Delimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/**
 * Record keys for header cells: trimmed; an empty cell becomes `column_<n>` (1-based); a repeated
 * name becomes `name_2`, `name_3` … (skipping names the header already uses). Returns the problems
 * found so the extractor can warn.
 */
export function headerKeys(names: readonly string[]): { header: SourceHeader; renamed: { column: number; name: string; key: string }[] } {
  const trimmed = names.map((n, i) => (n.trim() === '' ? `column_${i + 1}` : n.trim()));
  const used = new Set<string>();
  const taken = new Set(trimmed);
  const keys: string[] = [];
  const renamed: { column: number; name: string; key: string }[] = [];
  trimmed.forEach((k, i) => {
    let key = k;
    if (used.has(key)) {
      let n = 2;
      while (used.has(repeatedColumnKey(k, n)) || taken.has(repeatedColumnKey(k, n))) n++;
      key = repeatedColumnKey(k, n);
    }
    if (key !== names[i]!.trim()) renamed.push({ column: i + 1, name: names[i]!, key });
    used.add(key);
    keys.push(key);
  });
  return { header: { names: [...names], keys }, renamed };
}

/**
 * The warnings for header cells `headerKeys` renamed: SOURCE_DUPLICATE_HEADER for a repeated name,
 * SOURCE_PARSE for an empty cell. `line` and `byteOffset` are where the header starts.
 */
export function renamedHeaderWarnings(source: string, renamed: readonly { column: number; name: string; key: string }[], line: number, byteOffset: number): ExtractWarning[] {
  return renamed.map((r) => {
    const dup = r.name.trim() !== '';
    return {
      code: dup ? 'SOURCE_DUPLICATE_HEADER' : 'SOURCE_PARSE',
      message: dup
        ? `${source} line ${line}: header "${r.name.trim()}" appears more than once; column ${r.column} is read as "${r.key}"`
        : `${source} line ${line}: column ${r.column} has no header; it is read as "${r.key}"`,
      pos: { source, line, index: 0, byteOffset },
    };
  });
}
