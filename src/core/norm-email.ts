/**
 * The one rule for comparing e-mail addresses (docs/zoho-api-notes.md#e-mail-addresses): trimmed,
 * lower-cased, Unicode NFC, and the domain in its ASCII form (IDNA A-labels), so `anna@Bücher.de`,
 * `anna@bücher.de` and `anna@xn--bcher-kva.de` are one person (`anna@xn--bcher-kva.de`). Zoho compares
 * addresses case-insensitively. Core holds it because the loaders (load), the lookups (transform), the
 * crosswalk (checkpoint) and prepare's per-person day totals (pipeline) must all agree on it; the user
 * loader also sends this form, so an internationalised domain reaches Zoho in the form every mail system
 * takes.
 *
 * Runs per row: an ASCII address is only trimmed and lower-cased (an ASCII domain is already its own
 * A-label form); the Unicode work is done only when the text holds a non-ASCII character.
 */
import { domainToASCII } from 'node:url';

const NON_ASCII = /[^\x00-\x7f]/;

export function normEmail(s: string): string {
  const t = s.trim().toLowerCase();
  if (!NON_ASCII.test(t)) return t;
  const n = t.normalize('NFC');
  const at = n.lastIndexOf('@');
  if (at < 0) return n;
  const domain = n.slice(at + 1);
  if (!NON_ASCII.test(domain)) return n;
  // An invalid domain has no ASCII form (''): it is kept as it is, so it still equals itself.
  const ascii = domainToASCII(domain);
  return ascii === '' ? n : `${n.slice(0, at + 1)}${ascii}`;
}
