import { describe, expect, it } from 'vitest';
import { hashLog, stripHtml } from '../../../src/payroll/payroll-log.js';
import { prng } from '../../helpers/chaos-harness.js';

/** The content hash as first defined (one key string per log): snapshots recorded with it must still compare equal. */
function referenceHash(l: Parameters<typeof hashLog>[0]): string {
  const key = `${l.id}\u001f${l.date}\u001f${l.minutes}\u001f${l.billable ? 'B' : 'N'}\u001f${l.approval}\u001f${l.logType}\u001f${l.userId}\u001f${l.email.toLowerCase()}\u001f${l.projectId}\u001f${l.projectName}\u001f${l.taskId}\u001f${l.taskName}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

const base = {
  id: '1512955000019693140',
  date: '2026-06-24',
  minutes: 30,
  billable: true,
  approval: 'Approved',
  logType: 'task',
  userId: '1512955000000500012',
  email: 'ana.silva@northwind.example',
  userName: 'Ana',
  projectId: '1512955000000100001',
  projectName: 'Website relaunch',
  taskId: '1512955000000900123',
  taskName: 'Build',
};

describe('hashLog', () => {
  it('equals the original one-string definition, whatever the fields hold', () => {
    const variants = [
      base,
      { ...base, billable: false, minutes: 0 },
      { ...base, email: 'Ana.Silva@Northwind.Example' },
      { ...base, email: 'ÉMILE@exämple.org' },
      { ...base, email: 'İstanbul@x.tr' },
      { ...base, email: '', userId: '' },
      { ...base, projectName: 'Ünïcode ✓ 日本 😀', taskName: '' },
      { ...base, id: 'file:0123456789abcdef0123#2', logType: 'general', approval: 'Unapproved', minutes: 1440 },
    ];
    for (const v of variants) expect(hashLog(v), JSON.stringify(v)).toBe(referenceHash(v));
  });

  it('changes with every field that decides pay, and only letter case of the email does not matter', () => {
    const h = hashLog(base);
    expect(hashLog({ ...base, email: base.email.toUpperCase() })).toBe(h);
    for (const k of ['date', 'approval', 'logType', 'userId', 'email', 'projectId', 'projectName', 'taskId', 'taskName'] as const) {
      expect(hashLog({ ...base, [k]: `${base[k]}x` }), k).not.toBe(h);
    }
    expect(hashLog({ ...base, minutes: 31 })).not.toBe(h);
    expect(hashLog({ ...base, billable: false })).not.toBe(h);
  });
});

describe('stripHtml', () => {
  // The regex version it replaced: the reference for every input.
  const ENT: Record<string, string> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>' };
  const reference = (s: string) =>
    !s.includes('<') && !s.includes('&')
      ? s.trim()
      : s
          .replace(/<[^>]*>|&(?:nbsp|amp|lt|gt);|\s+/g, (m) => (m[0] === '&' ? ENT[m]! : ' '))
          .replace(/ {2,}/g, ' ')
          .trim();

  it('turns tags into spaces, decodes the common entities, collapses whitespace and trims', () => {
    expect(stripHtml('<div>work</div>')).toBe('work');
    expect(stripHtml('<p>fix&nbsp;&amp; test</p><br>  next\tline\n')).toBe('fix & test next line');
    expect(stripHtml('a &lt;b&gt; c &amp;nbsp; d')).toBe('a <b> c &nbsp; d');
    expect(stripHtml('1 < 2 and no close')).toBe('1 < 2 and no close');
    expect(stripHtml('  plain  text  ')).toBe('plain  text');
    expect(stripHtml('')).toBe('');
  });

  it('equals the regex version on 20,000 random mixes of tags, entities, spaces and text', () => {
    const parts = ['<div>', '</div>', '<br/>', '<', '>', '&nbsp;', '&amp;', '&lt;', '&gt;', '&', '&nbsp', ' ', '  ', '\t', '\n', '\u00a0', '\u3000', 'a', 'bc', 'Zoë', '=1+1', ';'];
    const rnd = prng(7);
    const next = (n: number) => Math.floor(rnd() * n);
    for (let n = 0; n < 20_000; n++) {
      let s = '';
      const len = next(12);
      for (let k = 0; k < len; k++) s += parts[next(parts.length)];
      expect(stripHtml(s), JSON.stringify(s)).toBe(reference(s));
    }
  });
});
