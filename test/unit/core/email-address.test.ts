import { describe, expect, it } from 'vitest';
import { emailAddressProblem, isEmailAddress } from '../../../src/core/email-address.js';

describe('the e-mail address rule accepts', () => {
  it.each([
    ['a plain ASCII address', 'jonas.muller@example.com'],
    ['atext specials and a subdomain', "o'brien+tag_1!#$%&*/=?^`{|}~-@mail.example.co.uk"],
    ['an IDN domain in Unicode', 'anna@bücher.de'],
    ['an IDN domain in upper case', 'anna@Bücher.DE'],
    ['the same domain as A-labels (punycode)', 'anna@xn--bcher-kva.de'],
    ['a UTF-8 local part and an IDN domain and top-level domain (RFC 6531)', 'δοκιμή@παράδειγμα.δοκιμή'],
    ['a UTF-8 local part on an ASCII domain', 'jörg.müller@example.de'],
    ['CJK local part and domain', '用户@例子.广告'],
    ['a digit-only label that is not the last', 'a@1.example.com'],
    ['a local part of exactly 64 bytes', `${'a'.repeat(64)}@example.com`],
    ['a UTF-8 local part of exactly 64 bytes (32 two-byte letters)', `${'ü'.repeat(32)}@example.com`],
  ])('%s: %s', (_what, address) => {
    expect(emailAddressProblem(address)).toBeUndefined();
    expect(isEmailAddress(address)).toBe(true);
  });
});

describe('the e-mail address rule refuses, saying why', () => {
  it.each([
    ['', 'it is empty'],
    ['Jonas Müller', 'it holds a space at character 6'],
    ['anna@bücher .de', 'it holds a space at character 12'],
    ['anna\u00a0@example.com', 'it holds white space (U+00A0) at character 5'],
    ['anna\u0000@example.com', 'it holds the control character U+0000 at character 5'],
    ['anna\u0085x@example.com', 'it holds the control character U+0085 at character 5'],
    ['anna\u0093@example.com', 'it holds the control character U+0093 at character 5'],
    ['anna.example.com', 'it has no @'],
    ['@example.com', 'it has nothing before the @'],
    ['anna@', 'it has nothing after the @'],
    ['anna@b@example.com', 'it has more than one @'],
    ['"anna b"@example.com', 'it holds a space at character 6'],
    ['"anna"@example.com', 'it has a quoted part before the @, which is not accepted'],
    ['anna@example', 'the domain "example" has no dot (expected e.g. example.com)'],
    ['anna@bücher', 'the domain "bücher" has no dot (expected e.g. example.com)'],
    ['anna@-bucher.de', 'the domain label "-bucher" starts with a hyphen'],
    ['anna@bücher-.de', 'the domain label "bücher-" ends with a hyphen'],
    ['anna@example..com', 'the domain "example..com" has two dots in a row'],
    ['anna@.example.com', 'the domain ".example.com" starts with a dot'],
    ['anna@example.com.', 'the domain "example.com." ends with a dot'],
    ['anna..b@example.com', 'the part before the @ has two dots in a row'],
    ['.anna@example.com', 'the part before the @ starts with a dot'],
    ['anna.@example.com', 'the part before the @ ends with a dot'],
    ['an(na)@example.com', 'the part before the @ holds "(", which an address allows only inside quotes (not accepted)'],
    ['anna@ex_ample.com', 'the domain label "ex_ample" holds "_"; a label has letters, digits and hyphens'],
    ['anna@xn--zz.de', 'the domain label "xn--zz" is not a valid A-label (punycode)'],
    ['anna@a%b.de', 'the domain label "a%b" holds "%"; a label has letters, digits and hyphens'],
    ['anna@[192.0.2.1]', 'it has an address literal after the @ ([…]), which is not accepted'],
    ['anna@192.0.2.1', 'the top-level domain "1" is a number (an IP address is not accepted)'],
    [`${'a'.repeat(65)}@example.com`, 'the part before the @ is 65 bytes in UTF-8; the limit is 64'],
    [`${'ü'.repeat(33)}@example.com`, 'the part before the @ is 66 bytes in UTF-8; the limit is 64'],
    [`anna@${'a'.repeat(64)}.com`, `the domain label "${'a'.repeat(64)}" is 64 bytes long in its ASCII form; the limit is 63`],
    [`anna@${'ü'.repeat(60)}.de`, `the domain label "${'ü'.repeat(60)}" is 66 bytes long in its ASCII form; the limit is 63`],
    [`anna@${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.com`, 'it is 256 bytes long; the limit is 254'],
  ])('%j: %s', (address, why) => {
    expect(emailAddressProblem(address)).toBe(why);
    expect(isEmailAddress(address)).toBe(false);
  });

  it('counts the address limit in UTF-8 bytes for an internationalised address', () => {
    const address = `jörg@${'ä'.repeat(30)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(63)}.de`;
    // 5 (jörg) + 1 + 60 (30 × ä) + 61 + 61 + 64 + 3 = 255 bytes, 224 characters.
    expect(address.length).toBeLessThan(254);
    expect(emailAddressProblem(address)).toBe('it is 255 bytes long in UTF-8; the limit is 254');
  });
});
