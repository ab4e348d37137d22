import { describe, expect, it } from 'vitest';
import { neutralise } from '../../../src/payroll/neutralise.js';

describe('neutralise', () => {
  it('neutralises cells that start with = + - @ (ASCII or full-width), tab or CR', () => {
    for (const c of ['=SUM(A1)', '+1', '-2', '@cmd', '\tx', '\rx', '＝1+1', '＋1', '－2', '＠cmd']) expect(neutralise(c)).toBe(`'${c}`);
    for (const c of ['plain', '', 'a=b', ' =x', "'=x", 'x\ny', 'a\r\nb']) expect(neutralise(c)).toBe(c);
  });

  it('neutralises a formula character after every CR or LF inside a cell', () => {
    expect(neutralise('Mid\r=2+2')).toBe("Mid\r'=2+2");
    expect(neutralise('a\n@x\r\n-1\n＋2')).toBe("a\n'@x\r\n'-1\n'＋2");
    expect(neutralise('a\r\r=1')).toBe("a\r'\r'=1"); // a CR is itself a formula character after a break
    expect(neutralise('=a\n=b')).toBe("'=a\n'=b");
    expect(neutralise('a\n b\n\'=c')).toBe("a\n b\n'=c");
    // the Unicode line terminators some viewers break on: VT, FF, NEL, LS, PS
    for (const br of ['\u000B', '\u000C', '\u0085', '\u2028', '\u2029']) expect(neutralise(`x${br}=1+1`)).toBe(`x${br}'=1+1`);
  });
});
