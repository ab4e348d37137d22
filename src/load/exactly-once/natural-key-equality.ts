/** How loaders compare a source record's natural key with what Zoho answers (README.md#natural-keys-per-entity). */

/** Normalises an email for matching: the rule lives in core (src/core/norm-email.ts), re-exported for the loaders. */
export { normEmail } from '../../core/norm-email.js';

/** Normalises notes for matching: Zoho answers HTML (`<div>…</div>`) for the text it was sent. */
export function normNotes(s: unknown): string {
  if (typeof s !== 'string') return '';
  return s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "H:MM", "HH:MM" or "HH.MM" (hours.minutes) to minutes; undefined when unreadable. */
export function hoursToMinutes(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^(\d{1,3})[:.](\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const min = Number(m[2]);
  return min > 59 ? undefined : Number(m[1]) * 60 + min;
}

/**
 * Name equality for natural-key matching: Zoho may trim or collapse whitespace in names, so compare
 * whitespace-normalised strings (case is kept: "Design" and "design" are two lists to Zoho).
 */
export function sameName(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();
}
