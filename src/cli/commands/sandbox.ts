/**
 * `zpetl sandbox`: the local Zoho Projects V3 emulator. Prints the client environment and the admin
 * token as `KEY=value` lines, and nothing else, on stdout: `zpetl sandbox > sandbox.env` is an env
 * file that `. ./sandbox.env` reads (README.md, "Real Zoho setup"). Everything for people goes to
 * stderr: `sandbox listening on http://HOST:PORT` (the bound address; a warning when that reaches
 * beyond loopback), the admin API line, what a start restored. It serves until
 * SIGINT/SIGTERM, then closes cleanly (exit 0). What the start restored from a file database (faults,
 * a repaired clock) is said on stderr. The admin token comes from --admin-token, else from the
 * environment variable ZPETL_SANDBOX_ADMIN_TOKEN (not visible in `ps`), else a random one. Every
 * behaviour switch of `config` is reachable with --config FILE and --set SWITCH=VALUE (config-switches.ts).
 */
import { z } from 'zod';
import { adminTokenSchema, createSandbox, formatEnvLines, sandboxConfigFrom, timeScaleSchema } from '../../sandbox/index.js';
import { ZpetlError } from '../../core/errors.js';
import { parseArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { println } from '../io.js';

const Args = z.object({
  port: z.number().int().min(0).max(65535),
  host: z.string().min(1),
  db: z.string().min(1),
  seed: z.enum(['demo', 'empty']),
  timeScale: timeScaleSchema,
  faults: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
  set: z.array(z.string()).default([]),
  adminToken: z.string().optional(), // checked by adminToken(): its message must not show the value
});

/** The environment variable a token may come from instead of argv (which `ps` shows). */
const ADMIN_TOKEN_ENV = 'ZPETL_SANDBOX_ADMIN_TOKEN';

/** The admin token from --admin-token, else from the environment; USAGE_INVALID (exit 2) without showing the value. */
function adminToken(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const [source, value] = flag !== undefined ? ['--admin-token', flag] : [ADMIN_TOKEN_ENV, env[ADMIN_TOKEN_ENV] || undefined];
  if (value === undefined) return undefined;
  const r = adminTokenSchema.safeParse(value);
  if (r.success) return r.data;
  throw new ZpetlError('USAGE_INVALID', `${source}: ${r.error.issues[0]?.message ?? 'invalid'} (given: ${value.length} characters, not shown)`);
}

/** Resolves when the signal aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export const sandboxCommand: CliCommand = {
  command: 'sandbox',
  describe: 'Start the local Zoho Projects V3 emulator; prints the env a client needs',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 0, describe: 'TCP port (0 = any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind' })
      .option('db', { type: 'string', default: ':memory:', describe: 'SQLite file (survives restarts) or :memory:' })
      .option('seed', { type: 'string', choices: ['demo', 'empty'], default: 'demo', describe: 'Data of a fresh database' })
      .option('time-scale', { type: 'number', default: 1, describe: 'Virtual time runs N× faster (60: a 2-minute rate window lasts 2 s)' })
      .option('faults', { type: 'string', describe: 'JSON or YAML file of faults to inject (see README, "The sandbox")' })
      .option('config', { type: 'string', describe: 'JSON or YAML file of behaviour switches (src/sandbox/README.md, "config"), e.g. roleListingPaths: both' })
      .option('set', { type: 'string', array: true, describe: 'One switch, SWITCH=VALUE (repeatable; after --config), e.g. --set timelogWriteResponse=flat' })
      .option('admin-token', {
        type: 'string',
        describe: `Bearer token of the admin API, 16–200 visible characters (default: $${ADMIN_TOKEN_ENV}, else a random one per start; printed as ${ADMIN_TOKEN_ENV})`,
      })
      .example('$0 sandbox --port 8080 > sandbox.env', 'Start on port 8080; stdout is an env file (messages go to stderr)')
      .example('$0 sandbox --db sandbox.db --seed empty --time-scale 60', 'Persistent, empty, 60× faster')
      .example('$0 sandbox --set roleListingPaths=plain --set portalUtcOffsetMin=330', 'Rehearse against an unconfirmed form of the API'),
  async run(argv, io) {
    const a = parseArgs(Args, argv);
    const token = adminToken(a.adminToken, io.env);
    const config = sandboxConfigFrom(a.config, a.set);
    const sandbox = await createSandbox({
      port: a.port,
      host: a.host,
      db: a.db,
      seed: a.seed,
      timeScale: a.timeScale,
      faults: a.faults,
      ...(config !== undefined ? { config } : {}),
      ...(token !== undefined ? { adminToken: token } : {}),
    });
    try {
      println(io.stdout, formatEnvLines(sandbox));
      // stderr, after the env lines: a reader of stdout sees only the env file, and once this line shows it is complete.
      println(io.stderr, `sandbox listening on ${sandbox.listenUrl}`);
      for (const notice of sandbox.notices) println(io.stderr, notice);
      if (!sandbox.loopbackOnly) {
        println(
          io.stderr,
          `warning: bound to ${a.host}, beyond this machine: the admin API and the printed credentials are reachable from the network, protected only by the admin token (plain http)`,
        );
      }
      println(io.stderr, `admin API: ${sandbox.baseUrl}/__sandbox/ (Authorization: Bearer $ZPETL_SANDBOX_ADMIN_TOKEN) · stop with Ctrl-C`);
      await aborted(io.signal);
    } finally {
      await sandbox.close();
    }
    println(io.stderr, 'sandbox stopped');
    return 0;
  },
};
