import { describe, expect, it } from 'vitest';
import { conv, val } from '../../../helpers/convert.js';

describe('the email converter (internationalised addresses accepted)', () => {
  it('accepts an IDN domain and gives the comparable form: lower case, NFC, the domain as A-labels', () => {
    expect(val('email', ' Anna@Bücher.de ')).toBe('anna@xn--bcher-kva.de');
    expect(val('email', 'anna@xn--bcher-kva.de')).toBe('anna@xn--bcher-kva.de');
  });
  it('accepts a UTF-8 local part (RFC 6531/6532)', () => {
    expect(val('email', 'δοκιμή@παράδειγμα.δοκιμή')).toBe('δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp');
    expect(val('email', 'Jörg.Müller@Example.de')).toBe('jörg.müller@example.de');
  });
  it.each([
    ['Jonas Müller', '"Jonas Müller" is not an e-mail address: it holds a space at character 6'],
    ['anna@bücher', '"anna@bücher" is not an e-mail address: the domain "bücher" has no dot (expected e.g. example.com)'],
    ['anna@-bücher.de', '"anna@-bücher.de" is not an e-mail address: the domain label "-bücher" starts with a hyphen'],
    ['anna..b@bücher.de', '"anna..b@bücher.de" is not an e-mail address: the part before the @ has two dots in a row'],
    ['anna\u0000@bücher.de', '"anna\u0000@bücher.de" is not an e-mail address: it holds the control character U+0000 at character 5'],
  ])('refuses %j with ROW_INVALID_EMAIL saying why', (input, message) => {
    const r = conv('email', input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ROW_INVALID_EMAIL');
      expect(r.error.message).toBe(message);
      expect(r.error.field).toBe('fld');
    }
  });
});
