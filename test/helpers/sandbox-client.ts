/** A Zoho client pointed at a sandbox, as the run engine's client factory. */
import type { Clock } from '../../src/core/clock.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { createZohoClient, type ZohoClientOptions } from '../../src/zoho/client.js';
import type { BudgetStore } from '../../src/core/budget-store.js';
import type { ZohoClient } from '../../src/zoho/types.js';

export interface SandboxLike {
  env: Sandbox['env'];
}

/** A Zoho client pointed at a sandbox (5 s timeout unless `options` say otherwise). */
export function sandboxClient(s: SandboxLike, options: ZohoClientOptions = {}): ZohoClient {
  return createZohoClient(
    {
      clientId: s.env.ZOHO_CLIENT_ID,
      clientSecret: s.env.ZOHO_CLIENT_SECRET,
      refreshToken: s.env.ZOHO_REFRESH_TOKEN,
      portalId: s.env.ZOHO_PORTAL_ID,
      apiUrl: s.env.ZOHO_API_URL,
      accountsUrl: s.env.ZOHO_ACCOUNTS_URL,
    },
    { timeoutMs: 5000, ...options },
  );
}

export function sandboxClientFactory(s: SandboxLike, options: ZohoClientOptions & { clock?: Clock } = {}): (budgetStore: BudgetStore) => ZohoClient {
  return (budgetStore) => sandboxClient(s, { ...options, budgetStore });
}
