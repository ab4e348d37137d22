/**
 * Orders ids: numeric strings by value (Zoho's 19-digit ids grow over time and never go through
 * Number, which would round them: by length, then as text), numeric before other ids, others as text.
 */
export function compareIds(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn && a.length !== b.length) return a.length - b.length;
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A Zoho id: a string of digits (docs/zoho-api-notes.md#ids). A name or an e-mail in its place is not one. */
export function isZohoId(v: string): boolean {
  return /^\d+$/.test(v);
}
