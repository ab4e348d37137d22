/**
 * `zpetl sandbox` in-process (runCli): a time scale or admin token the library would refuse is a usage
 * error (exit 2) from the CLI, with the token's value never shown; the token may come from the
 * environment instead of argv; what a file database restored is said on stderr.
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { runCli } from '../../../../src/cli/cli.js';
import type { CliIo } from '../../../../src/cli/io.js';
import { it } from '../../../helpers/fixtures.js';

/** Runs `zpetl …`; once stderr shows the listening line, `whileServing` runs (given stdout, the env lines) and the command is stopped (SIGINT). */
async function cli(args: string[], env: Record<string, string> = {}, whileServing?: (stdout: string) => Promise<void>) {
  let stdout = '';
  let stderr = '';
  const ac = new AbortController();
  let serving: Promise<void> | undefined;
  const io: CliIo = {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: {
      write: (s: string) => {
        stderr += s;
        if (!serving && /^sandbox listening on /m.test(stderr)) serving = Promise.resolve().then(() => whileServing?.(stdout)).finally(() => ac.abort());
        return true;
      },
    },
    env,
    cwd: process.cwd(),
    signal: ac.signal,
    now: () => Date.now(),
  };
  const code = await runCli(args, io);
  await serving;
  return { code, stdout, stderr };
}

describe('zpetl sandbox options', () => {
  it('stdout holds only the env lines (`> sandbox.env` is an env file); the listening line and the rest go to stderr', async () => {
    const r = await cli(['sandbox', '--seed', 'empty'], {}, async () => {});
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.slice(0, l.indexOf('=')))).toEqual(['ZOHO_API_URL', 'ZOHO_ACCOUNTS_URL', 'ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_PORTAL_ID', 'ZPETL_SANDBOX_ADMIN_TOKEN']);
    for (const l of lines) expect(l).toMatch(/^[A-Z_]+=\S+$/);
    const url = /^ZOHO_API_URL=(\S+)$/m.exec(r.stdout)![1]!;
    expect(r.stderr).toMatch(new RegExp(`^sandbox listening on ${url.replace(/[.]/g, '\\.')}$`, 'm'));
    expect(r.stderr).toMatch(/^admin API: /m);
  });

  for (const scale of ['1e11', '1e300', '0', '-3']) {
    it(`--time-scale ${scale} → USAGE_INVALID, exit 2`, async () => {
      const r = await cli(['sandbox', '--time-scale', scale]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/USAGE_INVALID: --time-scale: expected a number > 0 and at most 1000000/);
      expect(r.stdout).toBe('');
    });
  }

  it('--admin-token abc → USAGE_INVALID, exit 2, the value not shown', async () => {
    const r = await cli(['sandbox', '--admin-token', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/USAGE_INVALID: --admin-token: expected 16–200 visible ASCII characters without spaces \(given: 3 characters, not shown\)/);
    expect(r.stderr).not.toContain('abc');
  });

  it('the token from ZPETL_SANDBOX_ADMIN_TOKEN when --admin-token is not given; --admin-token wins', async () => {
    const envToken = 'env-token-0123456789abcdef';
    let status = 0;
    const r = await cli(['sandbox', '--seed', 'empty'], { ZPETL_SANDBOX_ADMIN_TOKEN: envToken }, async (out) => {
      const url = /^ZOHO_API_URL=(\S+)$/m.exec(out)![1]!;
      status = (await fetch(`${url}/__sandbox/time`, { headers: { authorization: `Bearer ${envToken}` } })).status;
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`ZPETL_SANDBOX_ADMIN_TOKEN=${envToken}\n`);
    expect(status).toBe(200);
    const flag = await cli(['sandbox', '--seed', 'empty', '--admin-token', 'flag-token-0123456789'], { ZPETL_SANDBOX_ADMIN_TOKEN: envToken }, async () => {});
    expect(flag.stdout).toContain('ZPETL_SANDBOX_ADMIN_TOKEN=flag-token-0123456789\n');
  });

  it('a bad token in ZPETL_SANDBOX_ADMIN_TOKEN → exit 2 naming the variable, the value not shown', async () => {
    const r = await cli(['sandbox'], { ZPETL_SANDBOX_ADMIN_TOKEN: 'has a space in it, long enough' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/USAGE_INVALID: ZPETL_SANDBOX_ADMIN_TOKEN: expected 16–200 visible ASCII characters/);
    expect(r.stderr).not.toContain('has a space');
  });

  it('a file sandbox restarted without --faults prints "N fault(s) restored from FILE" on stderr', async ({ makeSandbox, tmp: dir }) => {
    const db = join(dir, 'sandbox.db');
    const first = await makeSandbox({ db, seed: 'empty', faults: [{ kind: 'status', nth: 5 }, { kind: 'slow', nth: 7 }] });
    await first.close();
    const r = await cli(['sandbox', '--db', db], {}, async () => {});
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`2 fault(s) restored from ${db}`);
  });
});
