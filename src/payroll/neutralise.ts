/**
 * Formula-injection defence for text cells of every payroll layout (layouts.ts). Durations are
 * formatted by us and never pass through here (an adjustment's "-1.50" stays a number).
 */

/**
 * The characters a spreadsheet reads as the start of a formula: = + - @, their full-width forms
 * (U+FF1D U+FF0B U+FF0D U+FF20, which spreadsheets treat alike), tab and CR.
 */
const FORMULA_CHARS = '=+-@\uFF1D\uFF0B\uFF0D\uFF20\t\r';
const FORMULA_CODES = new Set([...FORMULA_CHARS].map((c) => c.charCodeAt(0)));
/**
 * What a reader may take as the end of a line inside a cell: CR and LF, and the other Unicode line
 * terminators (VT, FF, NEL U+0085, LS U+2028, PS U+2029) that some viewers and converters break on.
 */
const LINE_BREAKS = '\r\n\u000B\u000C\u0085\u2028\u2029';
const HAS_LINE_BREAK = new RegExp(`[${LINE_BREAKS}]`);
const FORMULA_AFTER_BREAK = new RegExp(`([${LINE_BREAKS}])(?=[${FORMULA_CHARS.replace(/[-\\\]^]/g, '\\$&')}])`, 'g');

/**
 * Neutralises a text cell against spreadsheet formula injection: a `'` goes before a formula
 * character (FORMULA_CHARS) at the start of the cell and after every line break inside it
 * (LINE_BREAKS), so no line of a cell opens a formula, whichever line ends a reader knows. Anything
 * else is left as it is (`a=b`, ` =x`, `'=x`).
 */
export function neutralise(cell: string): string {
  // one test, then the replace only for the few cells that hold a line break
  const s = HAS_LINE_BREAK.test(cell) ? cell.replace(FORMULA_AFTER_BREAK, "$1'") : cell;
  return FORMULA_CODES.has(s.charCodeAt(0)) ? `'${s}` : s;
}
