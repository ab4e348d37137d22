import { describe, expect, it } from 'vitest';
import { schemaProblem, val } from '../../../helpers/convert.js';

describe('replace', () => {
  it('replaces the first match, or every match with g; $1 and $<name> insert groups', () => {
    expect(val({ type: 'replace', pattern: '\\s+', with: ' ' }, 'a  b   c')).toBe('a b   c');
    expect(val({ type: 'replace', pattern: '\\s+', with: ' ', flags: 'g' }, 'a  b   c')).toBe('a b c');
    expect(val({ type: 'replace', pattern: '^(\\w+), (\\w+)$', with: '$2 $1' }, 'Müller, Jonas')).toBe('Müller, Jonas'); // \w is ASCII without u
    expect(val({ type: 'replace', pattern: '^([^,]+), (.+)$', with: '$2 $1' }, 'Müller, Jonas')).toBe('Jonas Müller');
    expect(val({ type: 'replace', pattern: '(?<key>[A-Z]+)-(?<n>\\d+)', with: '$<key>#$<n>', flags: 'g' }, 'AB-1, CD-22')).toBe('AB#1, CD#22');
    expect(val({ type: 'replace', pattern: 'x', with: '$$', flags: 'gi' }, 'aXbx')).toBe('a$b$');
  });
  it('one compiled RegExp serves every row: a global pattern does not carry state between values', () => {
    const spec = { type: 'replace', pattern: 'a', with: 'b', flags: 'g' };
    expect([val(spec, 'aaa'), val(spec, 'aaa'), val(spec, 'xa')]).toEqual(['bbb', 'bbb', 'xb']);
  });
  it('removing everything leaves an empty value (missing); lists are replaced element by element', () => {
    expect(val({ type: 'replace', pattern: '.*', with: '', flags: 's' }, 'a\nb')).toBe('');
    expect(val({ type: 'replace', pattern: '^jira-', with: '' }, ['jira-ops', 'dev'])).toEqual(['ops', 'dev']);
  });
  it('the schema refuses a bad pattern with the RegExp error, unknown flags, and groups the pattern lacks', () => {
    expect(schemaProblem({ type: 'replace', pattern: '(a', with: '' })).toMatch(/^pattern: not a valid regular expression: .*Unterminated group/);
    expect(schemaProblem({ type: 'replace', pattern: 'a', with: '', flags: 'y' })).toBe('flags: expected flags from g, i, m, s, u, each at most once');
    expect(schemaProblem({ type: 'replace', pattern: 'a', with: '', flags: 'gg' })).toBe('flags: expected flags from g, i, m, s, u, each at most once');
    expect(schemaProblem({ type: 'replace', pattern: '(a)', with: '$2' })).toBe('with: "$2" refers to group 2, but the pattern has one group (write $$ for a dollar sign)');
    expect(schemaProblem({ type: 'replace', pattern: 'a', with: '$1' })).toMatch(/has no groups/);
    expect(schemaProblem({ type: 'replace', pattern: '(?<a>x)', with: '$<b>' })).toMatch(/names no group of the pattern \(its groups: a\)/);
    expect(schemaProblem({ type: 'replace', pattern: 'a' })).toMatch(/^with:/);
    expect(schemaProblem({ type: 'replace', pattern: '(a)', with: '$10' })).toBe(''); // $1 then "0", as JavaScript reads it
  });
});
