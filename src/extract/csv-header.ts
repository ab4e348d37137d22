/**
 * Header helpers for tabular sources: delimiter detection, unique record keys, repeated names (an
 * error or numbered keys, by `duplicateHeaders:`) and control characters in header cells.
 */
import { ZpetlError } from '../core/errors.js';
import { repeatedColumnKey } from '../core/repeated-column.js';
import { controlCharIndex, describeControlChar, removedControlChars, stripControlChars, type ControlCharacterPolicy } from '../core/control-chars.js';
import type { Delimiter, DuplicateHeaderPolicy } from './source-schema.js';
import type { ExtractWarning, SourceHeader } from './types.js';

export { sniffBom } from './text-sniff.js';

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
  const columns = new Map<string, number[]>();
  trimmed.forEach((k, i) => {
    if (names[i]!.trim() === '') return;
    const at = columns.get(k);
    if (at === undefined) columns.set(k, [i]);
    else at.push(i);
  });
  const repeated = [...columns].filter(([, at]) => at.length > 1).map(([name, at]) => ({ name, columns: at.map((i) => i + 1), keys: at.map((i) => keys[i]!) }));
  const header: SourceHeader = repeated.length === 0 ? { names: [...names], keys } : { names: [...names], keys, repeated };
  return { header, renamed };
}

/** "2 and 5", "2, 5 and 7". */
const listColumns = (columns: readonly number[]): string => (columns.length === 1 ? String(columns[0]) : `${columns.slice(0, -1).join(', ')} and ${columns[columns.length - 1]}`);

/**
 * Under `duplicateHeaders: error`, the SOURCE_DUPLICATE_HEADER error for the first repeated name the
 * caller does not read by its numbered keys (`repeatsRead`, from the step); undefined when none.
 */
export function duplicateHeaderError(source: string, header: SourceHeader, policy: DuplicateHeaderPolicy, repeatsRead: ReadonlySet<string> | undefined, line: number, byteOffset: number): ZpetlError | undefined {
  if (policy !== 'error') return undefined;
  const r = header.repeated?.find((x) => !repeatsRead?.has(x.name));
  if (r === undefined) return undefined;
  const second = r.columns[1]!;
  return new ZpetlError('SOURCE_DUPLICATE_HEADER', `${source} line ${line}: header "${r.name}" appears in columns ${listColumns(r.columns)}`, {
    pos: { source, line, index: 0, byteOffset },
    details: { name: r.name, columns: r.columns },
    hint: `to read column ${second} as "${r.keys[1]}", set \`duplicateHeaders: number\` on the source; to read every "${r.name}" column as a list, use \`collect: ${r.name}\` in a field`,
  });
}

/**
 * The control-character rule on header cells: under `reject` a header cell holding one is a fatal
 * SOURCE_CONTROL_CHARACTER (a header cannot be rejected as a row: every column would be unnamed);
 * under `strip` the characters are removed with a SOURCE_CONTROL_STRIPPED warning.
 */
export function checkHeaderControls(source: string, cells: readonly string[], policy: ControlCharacterPolicy, line: number, byteOffset: number, warn: (w: ExtractWarning) => void): string[] {
  const pos = { source, line, index: 0, byteOffset };
  return cells.map((cell, i) => {
    const at = controlCharIndex(cell);
    if (at < 0) return cell;
    const shown = JSON.stringify(cell.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?'));
    if (policy === 'reject') {
      throw new ZpetlError('SOURCE_CONTROL_CHARACTER', `${source} line ${line}: header cell ${i + 1} (${shown}) holds ${describeControlChar(cell[at]!)} at character ${at + 1}`, {
        pos,
        hint: 'check the file\'s encoding (`encoding:`); to remove control characters, set `controlCharacters: strip` on the source',
      });
    }
    const stripped = stripControlChars(cell);
    warn({ code: 'SOURCE_CONTROL_STRIPPED', message: `${source} line ${line}: removed ${removedControlChars(stripped.removed, stripped.found)} from header cell ${i + 1} (${shown})`, pos });
    return stripped.text;
  });
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
      field: r.key,
    };
  });
}

/**
 * The header of a file from its cells (decoded): control characters (checkHeaderControls), record
 * keys (headerKeys), a repeated name refused (duplicateHeaderError) or read numbered with a warning.
 */
export function judgeHeader(
  source: string,
  cells: readonly string[],
  o: { controlCharacters: ControlCharacterPolicy; duplicateHeaders: DuplicateHeaderPolicy; repeatsRead?: ReadonlySet<string> | undefined },
  at: { line: number; byteOffset: number },
  warn: (w: ExtractWarning) => void,
): SourceHeader {
  const names = checkHeaderControls(source, cells, o.controlCharacters, at.line, at.byteOffset, warn);
  const { header, renamed } = headerKeys(names);
  const dup = duplicateHeaderError(source, header, o.duplicateHeaders, o.repeatsRead, at.line, at.byteOffset);
  if (dup !== undefined) throw dup;
  for (const w of renamedHeaderWarnings(source, renamed, at.line, at.byteOffset)) warn(w);
  return header;
}
