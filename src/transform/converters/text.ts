/** Text converters: trim, lower, upper, split, email, HTML → text. */
import { clip, fail, ok, type Outcome } from '../../core/record.js';
import type { SourcePosition } from '../../core/errors.js';
import { emailAddressProblem } from '../../core/email-address.js';
import { normEmail } from '../../core/norm-email.js';
import type { ConverterOptions } from './spec.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/**
 * Applies a text function to a value: a string directly, another scalar as its text, a list element
 * by element (elements that become empty are dropped, as `collect` drops them).
 */
export function eachText(value: unknown, fn: (s: string) => string): unknown {
  if (!Array.isArray(value)) return fn(str(value));
  const out: string[] = [];
  for (const v of value) {
    const t = fn(str(v));
    if (t.trim() !== '') out.push(t);
  }
  return out;
}

const squeeze = (s: string): string => s.trim().replace(/\s+/g, ' ');
const trimEnds = (s: string): string => s.trim();

/**
 * Trims the ends; line breaks inside the text are kept (a multi-line description stays multi-line).
 * With `collapse`, every inner run of whitespace, line breaks included, becomes one space: the text
 * becomes one line. A list is trimmed element by element; other non-text values pass unchanged.
 */
export function convertTrim(value: unknown, options: Pick<ConverterOptions<'trim'>, 'collapse'> = { collapse: false }, _pos?: SourcePosition, _field?: string): Outcome<unknown> {
  if (typeof value !== 'string' && !Array.isArray(value)) return ok(value);
  return ok(eachText(value, options.collapse ? squeeze : trimEnds));
}

const lower = (s: string): string => s.toLowerCase();
const upper = (s: string): string => s.toUpperCase();

/** Lower-cases text (locale-independent); a list element by element. */
export function convertLower(value: unknown): Outcome<unknown> {
  return ok(eachText(value, lower));
}

/** Upper-cases text (locale-independent); a list element by element. */
export function convertUpper(value: unknown): Outcome<unknown> {
  return ok(eachText(value, upper));
}

/**
 * Compiles a split: the part at `index` (0-based; -1 is the last) of the text cut at every
 * `separator`. A part that does not exist gives `''`, which the mapper treats as missing.
 */
export function createSplitConverter(options: Pick<ConverterOptions<'split'>, 'separator' | 'index' | 'trim'>) {
  const { separator, index } = options;
  const part = (s: string): string => {
    const p = s.split(separator).at(index) ?? '';
    return options.trim ? p.trim() : p;
  };
  return (value: unknown): Outcome<unknown> => ok(eachText(value, part));
}

/**
 * Checks an e-mail address by the address rule (core/email-address.ts: internationalised domains and
 * UTF-8 local parts accepted, docs/zoho-api-notes.md#e-mail-addresses) and gives it in its comparable
 * form (core/norm-email.ts): trimmed, lower-cased, NFC, the domain as IDNA A-labels. A refusal is
 * ROW_INVALID_EMAIL saying why.
 */
export function convertEmail(value: unknown, _options: unknown, pos: SourcePosition, field: string): Outcome<unknown> {
  const v = str(value).trim();
  const why = emailAddressProblem(v);
  if (why !== undefined) {
    return fail({ code: 'ROW_INVALID_EMAIL', message: `"${clip(str(value), 80)}" is not an e-mail address: ${why}`, field, value: clip(value), pos });
  }
  return ok(normEmail(v));
}

/** Distinct accepted addresses an e-mail converter remembers (then it starts again: memory stays flat). */
const EMAILS_REMEMBERED = 10_000;

/**
 * Compiles convertEmail for one field: an address it has accepted before is given from memory (a
 * timesheet names the same few hundred people on every row; the address rule and normEmail cost ~1 µs
 * per value). Refusals are not remembered: their reject carries the row's position.
 */
export function createEmailConverter(): (value: unknown, pos: SourcePosition, field: string) => Outcome<unknown> {
  const accepted = new Map<string, string>();
  return (value, pos, field) => {
    if (typeof value === 'string') {
      const known = accepted.get(value);
      if (known !== undefined) return ok(known);
    }
    const r = convertEmail(value, undefined, pos, field);
    if (r.ok && typeof value === 'string') {
      if (accepted.size >= EMAILS_REMEMBERED) accepted.clear();
      accepted.set(value, r.value as string);
    }
    return r;
  };
}


const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * HTML → plain text: script/style content dropped, `<br>` and the ends of block elements (p, div,
 * li, tr, h1–h6) become line breaks, other tags are removed, entities decoded (named basics and
 * numeric), spaces squeezed, at most one blank line kept. Plain text passes through unchanged.
 */
export function convertHtml(value: unknown, _options?: unknown, _pos?: SourcePosition, _field?: string): Outcome<unknown> {
  const s = str(value);
  if (!s.includes('<') && !s.includes('&')) return ok(s.trim());
  const text = s
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|ul|ol|table)\s*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (m, e: string) => {
      const lower = e.toLowerCase();
      if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16)) ?? m;
      if (lower.startsWith('#')) return safeCodePoint(Number(lower.slice(1))) ?? m;
      return ENTITIES[lower] ?? m;
    })
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return ok(text);
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}
