import { describe, expect, it } from 'vitest';
import { code, schemaProblem, val } from '../../../helpers/convert.js';

describe('map (a table that passes unmapped values through, unlike enum)', () => {
  const spec = { type: 'map', values: { Highest: 'high', 'To Do': 'open', 'N/A': '' } };
  it('maps trimmed, case-insensitively by default; unmapped values pass through unchanged', () => {
    expect(val(spec, ' highest ')).toBe('high');
    expect(val(spec, 'to do')).toBe('open');
    expect(val(spec, 'Low')).toBe('Low');
    expect(code({ type: 'enum', map: { Highest: 'high' } }, 'Low')).toBe('ROW_INVALID_ENUM');
  });
  it('default replaces every unmapped value; caseSensitive matches case; "" makes the value missing', () => {
    expect(val({ ...spec, default: 'medium' }, 'Low')).toBe('medium');
    expect(val({ ...spec, caseSensitive: true }, 'highest')).toBe('highest');
    expect(val(spec, 'N/A')).toBe('');
  });
  it('lists are mapped element by element; JSON numbers keep their type unless mapped', () => {
    expect(val(spec, ['Highest', 'x', 'n/a'])).toEqual(['high', 'x']);
    expect(val(spec, 7)).toBe(7);
    expect(val({ type: 'map', values: { '1': 'one' } }, 1)).toBe('one');
  });
  it('the table needs at least one entry of text', () => {
    expect(schemaProblem({ type: 'map', values: {} })).toMatch(/at least one mapping/);
    expect(schemaProblem({ type: 'map', values: { a: 1 } })).toMatch(/values\.a/);
  });
});
