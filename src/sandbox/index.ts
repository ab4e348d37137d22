/**
 * `createSandbox`: a faithful local emulator of the Zoho Projects V3 API and Zoho's accounts server,
 * in-process, on one node:http server. See README.md in this folder for what is (and is not) emulated.
 */
import { randomBytes } from 'node:crypto';
import { ZpetlError, type Clock } from '../core/index.js';
import { adminHandler, createAdmin, type SandboxAdmin } from './admin.js';
import { createApp, TOKEN_ENDPOINT } from './app.js';
import { createSandboxClock, type SandboxContext } from './context.js';
import { createFaultEngine, loadFaultFile, parseFaults } from './faults.js';
import { isLoopbackHost, isWildcardHost, urlHost } from './host-check.js';
import { makeRequest, type InjectInit, type SandboxResponse } from './http.js';
import { resolveConfig, sandboxOptionsSchema, type SandboxOptions } from './options.js';
import { createRateLimiter } from './rate-limit.js';
import { clockHighWater, clockStart, loadPendingRestores, restoredFaults, saveClock, saveFaultCounts, saveFaults } from './runtime-state.js';
import { milestoneRoutes } from './routes/milestones.js';
import { portalRoutes, projectRoutes } from './routes/projects.js';
import { tasklistRoutes } from './routes/tasklists.js';
import { taskRoutes } from './routes/tasks.js';
import { timelogRoutes } from './routes/timelogs.js';
import { userRoutes } from './routes/users.js';
import { roleRoutes } from './routes/roles.js';
import { credentials, PORTAL_ID, seed, type SeedName } from './seed.js';
import { startHttpServer } from './server.js';
import { openStore } from './store.js';

export {
  sandboxOptionsSchema,
  sandboxConfigSchema,
  faultSpecSchema,
  timeScaleSchema,
  adminTokenSchema,
  DEFAULT_IGNORED_KEYS,
  type SandboxOptions,
  type SandboxConfig,
  type FaultSpec,
  type FaultKind,
} from './options.js';
export { sandboxConfigFrom } from './config-switches.js';
export type { SandboxAdmin, SandboxCounters, SandboxTime } from './admin.js';
export type { AdminKind } from './admin-input.js';
export type { FaultState } from './faults.js';
export type { SandboxResponse, InjectInit } from './http.js';
export { ACCESS_DENIED_BODY, DEFAULT_SCOPES } from './oauth.js';

/**
 * A type alias (not an interface) so it spreads into / passes as a `Record<string, string>` env. The
 * ZOHO_* variables configure a client; ZPETL_SANDBOX_ADMIN_TOKEN is the admin API's bearer token.
 */
export type SandboxEnv = {
  ZOHO_API_URL: string;
  ZOHO_ACCOUNTS_URL: string;
  ZOHO_CLIENT_ID: string;
  ZOHO_CLIENT_SECRET: string;
  ZOHO_REFRESH_TOKEN: string;
  ZOHO_PORTAL_ID: string;
  ZPETL_SANDBOX_ADMIN_TOKEN: string;
};

export interface Sandbox {
  /** http://HOST:PORT (no trailing slash), where a client on this machine reaches it (127.0.0.1 for a wildcard bind). */
  baseUrl: string;
  /** http://BOUND-ADDRESS:PORT, e.g. http://0.0.0.0:8080. */
  listenUrl: string;
  /** False when bound beyond loopback: the admin API and the credentials are reachable from the network. */
  loopbackOnly: boolean;
  /** Bearer token of the HTTP admin API (`Authorization: Bearer <adminToken>`); also env.ZPETL_SANDBOX_ADMIN_TOKEN. */
  adminToken: string;
  /** What a client needs; API and accounts URLs are both the server root. */
  env: SandboxEnv;
  portalId: string;
  /** The sandbox's virtual clock (time scale + admin advances). */
  clock: Clock;
  /** The in-process admin API (no token needed). */
  admin: SandboxAdmin;
  /**
   * What the start restored or repaired from a file database, one sentence each (the CLI prints them
   * on stderr): faults restored, an untrusted stored clock reset to now.
   */
  notices: string[];
  /** Runs one request through the full pipeline without a socket (socket faults show as `socket`). */
  inject(method: string, url: string, init?: InjectInit): SandboxResponse;
  close(): Promise<void>;
}

const ROUTES = [...portalRoutes, ...projectRoutes, ...milestoneRoutes, ...tasklistRoutes, ...taskRoutes, ...userRoutes, ...roleRoutes, ...timelogRoutes];

/**
 * Starts a Zoho Projects V3 emulator (API and accounts server on one local HTTP server) and resolves
 * once it listens. Options (`sandboxOptionsSchema`): `port` (default 0 = any free port), `host`
 * (127.0.0.1), `db` (`:memory:` or a SQLite file that survives restarts), `seed` (`demo` | `empty`),
 * `timeScale` (virtual seconds per real second, default 1), `faults`, `config`. Pass `env` to a client
 * as its configuration and `clock` so client and sandbox agree on time; `close()` stops it. What is and
 * is not emulated: src/sandbox/README.md.
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const parsed = sandboxOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ZpetlError('SANDBOX_START_FAILED', `invalid sandbox option ${i?.path.join('.') ?? ''}: ${i?.message ?? ''}`, {
      disposition: 'fatal',
    });
  }
  const opts = parsed.data;
  const config = resolveConfig(opts.config);
  const faults = opts.faults === undefined ? undefined : typeof opts.faults === 'string' ? loadFaultFile(opts.faults) : parseFaults(opts.faults);

  let store;
  try {
    store = openStore(opts.db);
  } catch (cause) {
    throw new ZpetlError('SANDBOX_START_FAILED', `cannot open sandbox database ${opts.db}`, { disposition: 'fatal', cause });
  }
  const notices: string[] = [];
  // Virtual time never goes backwards across restarts of a file database, even after SIGKILL.
  const start = clockStart(store, opts.db);
  if (start.notice !== undefined) notices.push(start.notice);
  const clock = createSandboxClock(opts.timeScale, start.ms, clockHighWater(store, opts.timeScale));
  const ctx: SandboxContext = {
    store,
    config,
    clock,
    portalId: () => PORTAL_ID,
    tokenRequests: new Map(),
    counters: new Map(),
    pendingRestores: loadPendingRestores(store),
  };
  const reseed = (name: SeedName, keep = false) => {
    const creds = keep ? credentials(ctx) : undefined;
    store.db.transaction(() => {
      if (keep) store.wipe();
      seed(ctx, name, creds);
    })();
  };
  if (store.getMeta('seed') === undefined) reseed(opts.seed);

  const limiter = createRateLimiter(clock, config);
  const restored = restoredFaults(store, faults);
  if (restored && restored.faults.length > 0) {
    const n = restored.faults.length;
    notices.push(
      faults === undefined
        ? `${n} fault(s) restored from ${opts.db} (replace them with --faults or PUT /__sandbox/faults, remove them with DELETE /__sandbox/faults)`
        : `the counts of ${n} fault(s) restored from ${opts.db} (the same fault list as before)`,
    );
  }
  const engine = createFaultEngine(config.faultSeed, faults ?? [], {
    restored,
    onList: (state) => saveFaults(store, state),
    onCounts: (counts) => saveFaultCounts(store, counts),
  });
  const endpoints = [...sandboxEndpoints(), TOKEN_ENDPOINT];
  const admin = createAdmin({ ctx, limiter, faults: engine, reseed: (s) => reseed(s, true), credentials: () => credentials(ctx), endpoints });
  const adminToken = opts.adminToken ?? randomBytes(32).toString('base64url');
  const app = createApp({ ctx, routes: ROUTES, limiter, faults: engine, admin: adminHandler(admin, { token: adminToken }) });

  let http;
  try {
    http = await startHttpServer(app, { port: opts.port, host: opts.host, maxBodyBytes: config.maxBodyBytes });
  } catch (cause) {
    store.close();
    throw new ZpetlError('SANDBOX_START_FAILED', `cannot listen on ${opts.host}:${opts.port}`, { disposition: 'fatal', cause });
  }
  const baseUrl = `http://${isWildcardHost(opts.host) ? '127.0.0.1' : urlHost(opts.host)}:${http.port}`;
  const creds = credentials(ctx);
  let closed = false;
  return {
    baseUrl,
    listenUrl: `http://${urlHost(opts.host)}:${http.port}`,
    loopbackOnly: isLoopbackHost(opts.host),
    adminToken,
    env: {
      ZOHO_API_URL: baseUrl,
      ZOHO_ACCOUNTS_URL: baseUrl,
      ZOHO_CLIENT_ID: creds.clientId,
      ZOHO_CLIENT_SECRET: creds.clientSecret,
      ZOHO_REFRESH_TOKEN: creds.refreshToken,
      ZOHO_PORTAL_ID: PORTAL_ID,
      ZPETL_SANDBOX_ADMIN_TOKEN: adminToken,
    },
    portalId: PORTAL_ID,
    clock,
    admin,
    notices,
    inject: (method, url, init) => app.handle(makeRequest(method, url, init)),
    async close() {
      if (closed) return;
      closed = true;
      await http.close();
      saveClock(store, clock.now());
      store.close();
    },
  };
}

/** Every `METHOD /template` the sandbox routes (the keys of counters().endpoints, as in ENDPOINTS). */
export function sandboxEndpoints(): string[] {
  return ROUTES.map((r) => `${r.method} ${r.template}`);
}

/** `KEY=value` lines (env-file compatible, no trailing newline) that `zpetl sandbox` prints first. */
export function formatEnvLines(s: Pick<Sandbox, 'env'>): string {
  return Object.entries(s.env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}
