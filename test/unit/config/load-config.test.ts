import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { clearSecrets, redact } from '../../../src/core/redact.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { it } from '../../helpers/fixtures.js';

const base = {
  ZOHO_CLIENT_ID: '1000.CLIENTID',
  ZOHO_CLIENT_SECRET: 'super-secret-value-1',
  ZOHO_REFRESH_TOKEN: 'refresh-token-value-2',
  ZOHO_PORTAL_ID: '60012345678',
};
const noDotenv = { dotenv: false };

afterEach(() => clearSecrets());

describe('loadConfig', () => {
  it('defaults to the US data centre and resolves hosts per ZOHO_DC', () => {
    expect(loadConfig(base, noDotenv)).toMatchObject({ dc: 'us', apiUrl: 'https://projectsapi.zoho.com', accountsUrl: 'https://accounts.zoho.com' });
    expect(loadConfig({ ...base, ZOHO_DC: 'EU' }, noDotenv)).toMatchObject({ dc: 'eu', apiUrl: 'https://projectsapi.zoho.eu', accountsUrl: 'https://accounts.zoho.eu' });
    expect(loadConfig({ ...base, ZOHO_DC: 'au' }, noDotenv).accountsUrl).toBe('https://accounts.zoho.com.au');
  });

  it('URL overrides win; loopback http is allowed, other http is refused', () => {
    const c = loadConfig({ ...base, ZOHO_API_URL: 'http://127.0.0.1:4010/', ZOHO_ACCOUNTS_URL: 'http://localhost:4010' }, noDotenv);
    expect(c.apiUrl).toBe('http://127.0.0.1:4010');
    expect(c.accountsUrl).toBe('http://localhost:4010');
    expect(() => loadConfig({ ...base, ZOHO_API_URL: 'http://projects.example.com' }, noDotenv)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INSECURE_URL', message: expect.stringContaining('ZOHO_API_URL') }),
    );
  });

  it('names each bad variable and what was expected, never echoing secrets', () => {
    let err: unknown;
    try {
      loadConfig({ ZOHO_CLIENT_SECRET: 'super-secret-value-1', ZOHO_PORTAL_ID: 'abc', ZOHO_DC: 'mars' }, noDotenv);
    } catch (e) {
      err = e;
    }
    const e = err as { code: string; message: string };
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/ZOHO_CLIENT_ID: expected the OAuth client id/);
    expect(e.message).toMatch(/ZOHO_REFRESH_TOKEN: expected a refresh token/);
    expect(e.message).toMatch(/ZOHO_PORTAL_ID: expected the numeric portal id.*got "abc"/);
    expect(e.message).toMatch(/ZOHO_DC: expected one of us, eu, in, au, jp, ca, sa, cn/);
    expect(e.message).not.toContain('super-secret-value-1');
  });

  it('reads .env when present; the environment wins; secrets are registered for redaction', ({ tmp: dir }) => {
    writeFileSync(join(dir, '.env'), `ZOHO_CLIENT_ID=1000.FROMFILE\nZOHO_CLIENT_SECRET=file-secret-abcdef\nZOHO_REFRESH_TOKEN=file-refresh-abcdef\nZOHO_PORTAL_ID=1\n`);
    const c = loadConfig({ ZOHO_PORTAL_ID: '42' }, { cwd: dir });
    expect(c).toMatchObject({ clientId: '1000.FROMFILE', portalId: '42', clientSecret: 'file-secret-abcdef' });
    expect(redact('x file-secret-abcdef y file-refresh-abcdef')).toBe('x [REDACTED] y [REDACTED]');
  });
});
