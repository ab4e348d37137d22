import { describe, expect, it } from 'vitest';
import { normEmail } from '../../../src/core/norm-email.js';

describe('normEmail: one form per person', () => {
  it('an IDN domain in Unicode, in upper case and as A-labels is one address (the domain as A-labels)', () => {
    const forms = ['anna@Bücher.de', 'anna@bücher.de', 'anna@xn--bcher-kva.de', ' ANNA@XN--BCHER-KVA.DE ', 'anna@BÜCHER.DE'];
    expect(new Set(forms.map(normEmail))).toEqual(new Set(['anna@xn--bcher-kva.de']));
  });
  it('NFC: a decomposed ü (u + U+0308) equals the precomposed one, in the local part and the domain', () => {
    expect(normEmail('ju\u0308rg@bu\u0308cher.de')).toBe(normEmail('jürg@bücher.de'));
    expect(normEmail('ju\u0308rg@example.de')).toBe('j\u00fcrg@example.de');
  });
  it('a UTF-8 local part is lower-cased and kept in Unicode; the domain goes to A-labels', () => {
    expect(normEmail('Δοκιμή@Παράδειγμα.δοκιμή')).toBe('δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp');
  });
  it('an ASCII address is trimmed and lower-cased only', () => {
    expect(normEmail('  Jonas.Muller@Example.COM ')).toBe('jonas.muller@example.com');
  });
  it('text that is no address still equals itself (no @, a domain IDNA refuses)', () => {
    expect(normEmail('Jörg')).toBe('jörg');
    expect(normEmail('a@bü cher.de')).toBe('a@bü cher.de');
  });
});
