/** Shared set-up for the client integration tests: a sandbox, a client on its clock, captured events. */
import type { Clock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { createZohoClient, type ZohoClientOptions } from '../../src/zoho/client.js';
import type { ClientEvent, ZohoClient } from '../../src/zoho/types.js';

export interface Rig {
  sandbox: Sandbox;
  client: ZohoClient;
  events: ClientEvent[];
  /** Every access token the client sent (read from its Authorization headers). */
  accessTokens: Set<string>;
  projectId: string;
  newClient(options?: ZohoClientOptions): ZohoClient;
  close(): Promise<void>;
}

/**
 * A clock that reads the sandbox's virtual time and, when the client waits, moves the sandbox's
 * time forward instead of sleeping: waits of minutes pass instantly and deterministically.
 */
export function jumpClock(sandbox: Sandbox): Clock {
  return {
    now: () => sandbox.clock.now(),
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      if (ms > 0) sandbox.admin.advanceTime(Math.ceil(ms));
      await new Promise((r) => setImmediate(r));
    },
  };
}

export async function startRig(
  sandboxOptions: SandboxOptions = {},
  clientOptions: ZohoClientOptions & { jump?: boolean } = {},
): Promise<Rig> {
  const sandbox = await createSandbox({ seed: 'demo', ...sandboxOptions });
  const events: ClientEvent[] = [];
  const accessTokens = new Set<string>();
  const spyFetch: typeof fetch = (input, init) => {
    const auth = new Headers(init?.headers).get('authorization');
    if (auth) accessTokens.add(auth.replace(/^\S+\s+/, ''));
    return fetch(input, init);
  };
  const config = loadConfig(sandbox.env, { dotenv: false });
  const { jump, ...rest } = clientOptions;
  const clients: ZohoClient[] = [];
  const newClient = (o: ZohoClientOptions = {}) => {
    const c = createZohoClient(config, { clock: jump ? jumpClock(sandbox) : sandbox.clock, fetch: spyFetch, random: () => 0.5, ...rest, ...o });
    c.on((e) => events.push(e));
    clients.push(c);
    return c;
  };
  const client = newClient();
  const projects = sandbox.admin.entities('projects') as { id: string }[];
  return {
    sandbox,
    client,
    events,
    accessTokens,
    projectId: projects[0]!.id,
    newClient,
    async close() {
      for (const c of clients) await c.close();
      await sandbox.close();
    },
  };
}

/** A second access token for the same user (same refresh token), as another program would hold. */
export async function secondAccessToken(sandbox: Sandbox): Promise<string> {
  const res = await fetch(`${sandbox.env.ZOHO_ACCOUNTS_URL}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sandbox.env.ZOHO_CLIENT_ID,
      client_secret: sandbox.env.ZOHO_CLIENT_SECRET,
      refresh_token: sandbox.env.ZOHO_REFRESH_TOKEN,
    }).toString(),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no access token: ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; disposition: string; format(): string; details: Record<string, unknown>; stack?: string }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a rejection');
}
