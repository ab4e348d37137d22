import { describe, expect, it } from 'vitest';
import { schemaProblem, val } from '../../../helpers/convert.js';

describe('trim keeps multi-line text intact', () => {
  const text = '  First paragraph.\r\n\r\n  - a point\n  - another  \n';
  it('bare trim trims the ends only: inner line breaks (LF and CRLF) and indentation stay', () => {
    expect(val('trim', text)).toBe('First paragraph.\r\n\r\n  - a point\n  - another');
  });
  it('collapse: true squeezes every whitespace run, line breaks included, to one space (one line)', () => {
    expect(val({ type: 'trim', collapse: true }, text)).toBe('First paragraph. - a point - another');
  });
  it('a list is trimmed element by element, blank elements dropped; other values pass unchanged', () => {
    expect(val('trim', [' a ', '  ', 'b'])).toEqual(['a', 'b']);
    expect(val('trim', 42)).toBe(42);
  });
});

describe('lower and upper', () => {
  it('change case of text, of other scalars as text, and of each list element', () => {
    expect(val('lower', 'Jonas MÜLLER')).toBe('jonas müller');
    expect(val('upper', 'straße')).toBe('STRASSE');
    expect(val({ type: 'upper' }, ['ops', 'Dev'])).toEqual(['OPS', 'DEV']);
    expect(val('lower', true)).toBe('true');
  });
  it('keep line breaks', () => {
    expect(val('upper', 'a\nb')).toBe('A\nB');
  });
});

describe('split', () => {
  it('takes the part at index (0-based, negative from the end), trimmed by default', () => {
    expect(val({ type: 'split', separator: ' ', index: 0 }, 'Jonas Müller')).toBe('Jonas');
    expect(val({ type: 'split', separator: ',', index: 1 }, 'a, b, c')).toBe('b');
    expect(val({ type: 'split', separator: ',', index: -1 }, 'a, b, c')).toBe('c');
    expect(val({ type: 'split', separator: ',', index: 1, trim: false }, 'a, b, c')).toBe(' b');
    expect(val({ type: 'split', separator: '.', index: 0 }, 'a.b')).toBe('a');
  });
  it('an index past either end gives an empty value, which the mapper treats as missing', () => {
    expect(val({ type: 'split', separator: ' ', index: 1 }, 'Cher')).toBe('');
    expect(val({ type: 'split', separator: ' ', index: -3 }, 'a b')).toBe('');
  });
  it('the separator is required and not empty; the index an integer', () => {
    expect(schemaProblem({ type: 'split', index: 0 })).toMatch(/separator/);
    expect(schemaProblem({ type: 'split', separator: '', index: 0 })).toMatch(/separator/);
    expect(schemaProblem({ type: 'split', separator: ' ', index: 0.5 })).toMatch(/index/);
  });
});
