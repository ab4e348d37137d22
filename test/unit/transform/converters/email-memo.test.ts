/** The compiled e-mail converter remembers accepted addresses only: a refusal is checked, and positioned, every time. */
import { describe, expect, it } from 'vitest';
import { convertEmail, createEmailConverter } from '../../../../src/transform/converters/text.js';

const at = (line: number) => ({ line, byte: 0 });

describe('compiled e-mail converter', () => {
  it('answers a repeated address as convertEmail does, and a refusal with its own row each time', () => {
    const c = createEmailConverter();
    for (const v of [' Ana@Example.COM ', ' Ana@Example.COM ', 'ana@bücher.de', 'ana@bücher.de', 'x@y', 'x@y', 'not an address', 'not an address']) {
      for (const line of [2, 3]) expect(c(v, at(line) as never, 'email'), `${v} @${line}`).toEqual(convertEmail(v, undefined, at(line) as never, 'email'));
    }
    const refused = c('not an address', at(9) as never, 'email');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.pos).toEqual(at(9));
  });
});
