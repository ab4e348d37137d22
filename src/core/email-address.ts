/**
 * The e-mail address rule: what the toolkit accepts as an address, and why it refuses one. The one
 * home of that rule: the `email` converter and the validation of `email` fields both ask it. Comparing
 * two addresses is another rule (`norm-email.ts`).
 *
 * Accepted (docs/zoho-api-notes.md#e-mail-addresses): `local@domain` with a dot-atom local part
 * (RFC 5322 atext: letters, digits, ``!#$%&'*+-/=?^_`{|}~``, dots between them) in which any non-ASCII
 * character is allowed too (UTF-8 local parts, RFC 6531/6532), and a domain of two labels or more, each
 * either ASCII letters, digits and inner hyphens, or an internationalised label (Unicode, e.g.
 * `bücher`, or its A-label `xn--bcher-kva`) that IDNA converts to such a label. Refused, each with its
 * reason: no `@` or several, nothing before or after it, white space or control characters, quoted
 * local parts and address literals (`[1.2.3.4]`), dots at an end or twice in a row, a domain without a
 * dot, a label that starts or ends with a hyphen or is over 63 bytes, a numeric top-level domain, a
 * local part over 64 bytes and an address over 254 bytes (UTF-8; RFC 5321 §4.5.3.1).
 */
import { domainToASCII, domainToUnicode } from 'node:url';

/** Longest local part, in UTF-8 bytes (RFC 5321 §4.5.3.1.1; RFC 6531 counts octets too). */
export const EMAIL_LOCAL_MAX_BYTES = 64;
/** Longest address, in UTF-8 bytes (a 256-byte path less its angle brackets, RFC 5321 §4.5.3.1.3). */
export const EMAIL_MAX_BYTES = 254;
/** Longest domain label, in bytes of its ASCII (A-label) form (RFC 1035 §2.3.4). */
const LABEL_MAX_BYTES = 63;

// The common case in one test: ASCII dot-atom @ LDH labels, the last not all digits. Lengths are checked after.
const ASCII_FAST = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?=[A-Za-z0-9-]*[A-Za-z-])[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const A_LABEL = /xn--/i;
const ASCII = /^[\x00-\x7f]*$/;
const ATEXT = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]/;
const LDH_LABEL = /^[a-z0-9-]+$/i;
const WHITE = /\s/;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

const utf8Bytes = (s: string): number => (ASCII.test(s) ? s.length : Buffer.byteLength(s, 'utf8'));
const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first white-space or control character, named with its position (1-based, in characters). */
function badCharacter(s: string): string | undefined {
  let i = 0;
  for (const c of s) {
    i++;
    if (c === ' ') return `it holds a space at character ${i}`;
    if (WHITE.test(c)) return `it holds white space (${codePoint(c)}) at character ${i}`;
    if (CONTROL.test(c)) return `it holds the control character ${codePoint(c)} at character ${i}`;
  }
  return undefined;
}

function localProblem(local: string): string | undefined {
  if (local.startsWith('"')) return 'it has a quoted part before the @, which is not accepted';
  if (local.startsWith('.')) return 'the part before the @ starts with a dot';
  if (local.endsWith('.')) return 'the part before the @ ends with a dot';
  if (local.includes('..')) return 'the part before the @ has two dots in a row';
  for (const c of local) {
    // Any non-ASCII character is allowed (RFC 6532 UTF8-non-ascii); white space and controls were refused before.
    if (c !== '.' && c.charCodeAt(0) < 0x80 && !ATEXT.test(c)) return `the part before the @ holds ${JSON.stringify(c)}, which an address allows only inside quotes (not accepted)`;
  }
  const bytes = utf8Bytes(local);
  if (bytes > EMAIL_LOCAL_MAX_BYTES) return `the part before the @ is ${bytes} bytes in UTF-8; the limit is ${EMAIL_LOCAL_MAX_BYTES}`;
  return undefined;
}

function labelProblem(label: string): string | undefined {
  const q = JSON.stringify(label);
  if (label.startsWith('-')) return `the domain label ${q} starts with a hyphen`;
  if (label.endsWith('-')) return `the domain label ${q} ends with a hyphen`;
  let ascii = label;
  if (!ASCII.test(label)) {
    // An internationalised label: IDNA (UTS #46, as node:url applies it) gives its A-label.
    ascii = domainToASCII(label);
    if (ascii === '' || ascii.includes('.') || !LDH_LABEL.test(ascii)) return `the domain label ${q} is not a valid internationalised name (IDNA)`;
  } else {
    for (const c of label) if (!/[a-z0-9-]/i.test(c)) return `the domain label ${q} holds ${JSON.stringify(c)}; a label has letters, digits and hyphens`;
    // A broken A-label: Node 20–22 decode it to '', Node 24 gives it back unchanged; a valid one decodes to non-ASCII.
    if (/^xn--/i.test(label) && !/[^\x00-\x7f]/.test(domainToUnicode(label))) return `the domain label ${q} is not a valid A-label (punycode)`;
  }
  if (ascii.length > LABEL_MAX_BYTES) return `the domain label ${q} is ${ascii.length} bytes long in its ASCII form; the limit is ${LABEL_MAX_BYTES}`;
  return undefined;
}

function domainProblem(domain: string): string | undefined {
  if (domain.startsWith('[')) return 'it has an address literal after the @ ([…]), which is not accepted';
  const q = JSON.stringify(domain);
  if (!domain.includes('.')) return `the domain ${q} has no dot (expected e.g. example.com)`;
  if (domain.startsWith('.')) return `the domain ${q} starts with a dot`;
  if (domain.endsWith('.')) return `the domain ${q} ends with a dot`;
  if (domain.includes('..')) return `the domain ${q} has two dots in a row`;
  const labels = domain.split('.');
  for (const label of labels) {
    const p = labelProblem(label);
    if (p) return p;
  }
  const tld = labels[labels.length - 1]!;
  if (/^[0-9]+$/.test(tld)) return `the top-level domain ${JSON.stringify(tld)} is a number (an IP address is not accepted)`;
  return undefined;
}

/**
 * Why `address` is not an e-mail address this toolkit accepts (a short clause such as `it has no @` or
 * `the domain "example" has no dot`), or undefined when it is one. The address is checked as given:
 * callers trim it first. Cheap for the common ASCII address (one regular expression); the reasons are
 * worked out only for an address that fails it or is not ASCII.
 */
export function emailAddressProblem(address: string): string | undefined {
  // An A-label (`xn--`) is checked by the slow path, which decodes it.
  if (ASCII_FAST.test(address) && !A_LABEL.test(address)) {
    if (address.length > EMAIL_MAX_BYTES) return `it is ${address.length} bytes long; the limit is ${EMAIL_MAX_BYTES}`;
    const at = address.indexOf('@');
    return at > EMAIL_LOCAL_MAX_BYTES ? `the part before the @ is ${at} bytes in UTF-8; the limit is ${EMAIL_LOCAL_MAX_BYTES}` : undefined;
  }
  if (address === '') return 'it is empty';
  const bad = badCharacter(address);
  if (bad) return bad;
  const at = address.lastIndexOf('@');
  if (at < 0) return 'it has no @';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local === '') return 'it has nothing before the @';
  if (domain === '') return 'it has nothing after the @';
  if (local.includes('@')) return local.startsWith('"') ? 'it has a quoted part before the @, which is not accepted' : 'it has more than one @';
  const p = localProblem(local) ?? domainProblem(domain);
  if (p) return p;
  const bytes = utf8Bytes(address);
  return bytes > EMAIL_MAX_BYTES ? `it is ${bytes} bytes long in UTF-8; the limit is ${EMAIL_MAX_BYTES}` : undefined;
}

/** True when `address` is an e-mail address this toolkit accepts (see emailAddressProblem). */
export const isEmailAddress = (address: string): boolean => emailAddressProblem(address) === undefined;
