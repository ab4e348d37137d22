/** The sandbox switch `emailAddresses` (docs/zoho-api-notes.md#e-mail-addresses) on a user add, both ways. */
import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../helpers/sandbox-harness.js';
import { sandboxConfigFrom } from '../../../../src/sandbox/config-switches.js';

let h: Harness;
afterEach(async () => h?.s.close());
const ud = (emails: string[]) => encodeURIComponent(JSON.stringify(emails.map((e) => ({ email_id: e }))));

async function add(config: Record<string, unknown>, email: string) {
  h = await harness({ config });
  const project = h.b(h.call('POST', '/projects', { name: 'P' })).id;
  const r = h.call('POST', `/projects/${project}/projectusers?userdetails=${ud([email])}&notify=false`);
  return { status: r.status, body: h.b(r) };
}

describe('sandbox emailAddresses', () => {
  it('international (the default) adds IDN domains and UTF-8 local parts', async () => {
    for (const email of ['anna@bücher.de', 'δοκιμή@παράδειγμα.δοκιμή']) {
      const r = await add({}, email);
      expect(r.status).toBe(200);
      expect(r.body.emailvszpuid[email]).toMatch(/^\d{19}$/);
      await h.s.close();
    }
  });

  it('ascii refuses any non-ASCII address the way Zoho refuses a bad input (400 INVALID_PARAMETER_VALUE on email_id), and takes A-labels', async () => {
    const r = await add({ emailAddresses: 'ascii' }, 'jörg@example.de');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      title: 'INVALID_PARAMETER_VALUE',
      details: [{ field_name: 'email_id', message: 'not an e-mail address: jörg@example.de (only ASCII characters are allowed)' }],
    });
    await h.s.close();
    expect((await add({ emailAddresses: 'ascii' }, 'anna@bücher.de')).status).toBe(400);
    await h.s.close();
    expect((await add({ emailAddresses: 'ascii' }, 'anna@xn--bcher-kva.de')).status).toBe(200);
  });

  it('latin (Zoho Accounts’ documented rule) takes Latin letters before the @ but no other script, and only an ASCII domain', async () => {
    expect((await add({ emailAddresses: 'latin' }, 'jörg.ňovák@example.de')).status).toBe(200);
    await h.s.close();
    expect((await add({ emailAddresses: 'latin' }, 'δοκιμή@example.de')).body.error.details[0].field_name).toBe('email_id');
    await h.s.close();
    expect((await add({ emailAddresses: 'latin' }, 'anna@bücher.de')).status).toBe(400);
  });

  it('is reachable from the command line (zpetl sandbox --set emailAddresses=ascii) and checked', () => {
    expect(sandboxConfigFrom(undefined, ['emailAddresses=ascii'])).toEqual({ emailAddresses: 'ascii' });
    expect(() => sandboxConfigFrom(undefined, ['emailAddresses=utf8'])).toThrow(/sandbox switch emailAddresses/);
  });
});
