/**
 * The one rule for control characters in text values: C0 controls other than tab, LF and CR
 * (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F), DEL (U+007F) and the C1 controls (U+0080–U+009F).
 * They are Unicode's `Cc` category minus the three that text files legitimately hold. A NUL stored in
 * Zoho breaks every CSV and payroll file written from it; a C1 control is almost always a Windows-1252
 * file decoded as ISO-8859-1 (0x93 “ read as U+0093). Every extractor applies it (a field holding
 * one is a SOURCE_CONTROL_CHARACTER reject, or under `controlCharacters: strip` the characters are
 * removed and the row carries a SOURCE_CONTROL_STRIPPED warning), and the payroll export removes them from the
 * text cells it writes, with a warning (src/payroll/collect-logs.ts).
 */

/** What a source does with control characters (`controlCharacters:` in a pipeline file). */
export const CONTROL_CHARACTER_POLICIES = ['reject', 'strip'] as const;
export type ControlCharacterPolicy = (typeof CONTROL_CHARACTER_POLICIES)[number];

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Whether `s` holds a control character of the rule. */
export const hasControlChar = (s: string): boolean => CONTROL.test(s);

/** Index of the first control character in `s`, or -1. */
export function controlCharIndex(s: string): number {
  const m = CONTROL.exec(s);
  return m === null ? -1 : m.index;
}

/** `s` without its control characters, how many were removed and which (each once, in order of appearance). */
export function stripControlChars(s: string): { text: string; removed: number; found: string[] } {
  let removed = 0;
  const found: string[] = [];
  const text = s.replace(CONTROL_ALL, (ch) => {
    removed++;
    if (!found.includes(ch)) found.push(ch);
    return '';
  });
  return { text, removed, found };
}

/**
 * `s` with each control character of the rule written as its `\uXXXX` escape, the form JSON.stringify
 * gives C0 controls: for text shown to people (report.html), where DEL and the C1 controls would be invisible.
 */
export const showControlChars = (s: string): string => (CONTROL.test(s) ? s.replace(CONTROL_ALL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : s);

const NAMES: Record<number, string> = { 0: 'NUL', 7: 'BEL', 8: 'BS', 0x0b: 'VT', 0x0c: 'FF', 0x1b: 'ESC', 0x7f: 'DEL' };

/** A control character for a message: `NUL (U+0000)`, `U+0093 (a C1 control)`. */
export function describeControlChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[cp];
  if (name !== undefined) return `${name} (${hex})`;
  return cp >= 0x80 ? `${hex} (a C1 control)` : `${hex} (a C0 control)`;
}

/** Characters named in a SOURCE_CONTROL_STRIPPED message before "…". */
const LISTED = 5;

/**
 * What was removed, for a SOURCE_CONTROL_STRIPPED message: `2 control characters (NUL U+0000, BEL
 * U+0007)`; `found` is each character once (stripControlChars).
 */
export function removedControlChars(removed: number, found: readonly string[]): string {
  const names = found.slice(0, LISTED).map((ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    return NAMES[cp] === undefined ? hex : `${NAMES[cp]} ${hex}`;
  });
  if (found.length > LISTED) names.push('…');
  return `${removed} control character${removed === 1 ? '' : 's'} (${names.join(', ')})`;
}
