/**
 * The one rule for comparing e-mail addresses: trimmed and lower-cased, as Zoho compares them
 * (case-insensitively). Core holds it because the loaders (load), the lookups (transform), the
 * crosswalk (checkpoint) and prepare's per-person day totals (pipeline) must all agree on it.
 */
export const normEmail = (s: string): string => s.trim().toLowerCase();
