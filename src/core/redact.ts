/**
 * Secret redaction. Secrets (client secret, refresh token, access tokens) are registered once, and
 * every log line, error message and report passes through `redact()` before it leaves the process.
 */
const secrets = new Set<string>();

/** Registers a secret value; values shorter than 6 characters are ignored (too likely to collide). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) secrets.add(value);
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  secrets.clear();
}

const PATTERNS: RegExp[] = [
  // Zoho tokens and secrets look like 1000.<hex>.<hex>
  /\b1000\.[0-9a-f]{16,}(?:\.[0-9a-f]{16,})?\b/gi,
  /((?:refresh_token|access_token|client_secret)=)[^&\s"]+/gi,
  /((?:Zoho-oauthtoken|Bearer)\s+)[^\s"']+/gi,
];

/** Replaces every registered secret and anything shaped like a Zoho token with `[REDACTED]`. */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[REDACTED]');
  for (const p of PATTERNS) {
    out = out.replace(p, (m, prefix?: string) => (typeof prefix === 'string' && m.startsWith(prefix) ? `${prefix}[REDACTED]` : '[REDACTED]'));
  }
  return out;
}

/** Redacts every string inside a JSON-compatible value. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
