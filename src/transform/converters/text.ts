/** Text converters: trim, email, HTML → text. */
import { clip, fail, ok, type Outcome } from '../../core/record.js';
import type { SourcePosition } from '../../core/errors.js';
import type { ConverterOptions } from './spec.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** Trims; with `collapse`, inner whitespace runs (including line breaks) become one space. */
export function convertTrim(value: unknown, options: Pick<ConverterOptions<'trim'>, 'collapse'> = { collapse: false }, _pos?: SourcePosition, _field?: string): Outcome<unknown> {
  if (typeof value !== 'string') return ok(value);
  const t = value.trim();
  return ok(options.collapse ? t.replace(/\s+/g, ' ') : t);
}

// Pragmatic shape check: one @, no spaces, a dot in the domain, no empty labels.
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

/** Trims and lower-cases an e-mail address and checks its shape (ROW_INVALID_EMAIL). */
export function convertEmail(value: unknown, _options: unknown, pos: SourcePosition, field: string): Outcome<unknown> {
  const v = str(value).trim().toLowerCase();
  // The shape allows one @ only: its index is the local part's length (no split per row).
  if (v.length > 254 || !EMAIL.test(v) || v.indexOf('@') > 64) {
    return fail({ code: 'ROW_INVALID_EMAIL', message: `"${clip(str(value), 80)}" is not an e-mail address`, field, value: clip(value), pos });
  }
  return ok(v);
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
