/**
 * The Zoho client a pipeline talks through, built ONE way for the real run and the dry run, so a dry
 * run reads Zoho with exactly the credentials, portal and pacing the run will use:
 *  - the configuration is the environment over `.env` in `cwd` (src/config/load-config.ts), validated
 *    before anything is sent: a bad or incomplete one throws CONFIG_INVALID (CONFIG_INSECURE_URL);
 *  - the portal is the one the checkpoint owner names (checkpoint-owner.ts: the ready client's, the
 *    file's `portal:`, ZOHO_PORTAL_ID), else the configuration's;
 *  - the pipeline's `options.headroom` and `options.concurrency` pace it.
 */
import type { CheckpointOwner } from '../checkpoint/owner.js';
import { loadConfig, readDotEnv } from '../config/load-config.js';
import type { Clock } from '../core/clock.js';
import { createZohoClient } from '../zoho/client.js';
import type { BudgetStore } from '../core/budget-store.js';
import type { ZohoClient } from '../zoho/types.js';
import type { LoadedPipeline } from './file/load-pipeline.js';

/** The variables whose presence (environment or `.env`) means the user configured Zoho at all. */
const CREDENTIAL_VARIABLES = ['ZOHO_CLIENT_ID', 'ZOHO_REFRESH_TOKEN'] as const;

export interface PipelineClientContext {
  /** The environment the command runs with; `.env` in `cwd` fills what it leaves unset. */
  env: Record<string, string | undefined>;
  cwd: string;
  /** Who opens the checkpoint (checkpointOwnerOf): its portal is the one requests go to. */
  owner: CheckpointOwner;
  /** Paces the client (default real time). */
  clock?: Clock | undefined;
}

/** Makes the client; the real run hands its checkpoint's budget store, the dry run none (an in-memory budget). */
export type PipelineClientFactory = (budgetStore?: BudgetStore) => ZohoClient;

/**
 * Validates the Zoho configuration now (throws CONFIG_* before anything runs) and returns the factory
 * of the pipeline's client. See the module comment for where each part comes from.
 */
export function pipelineClientFactory(loaded: LoadedPipeline, ctx: PipelineClientContext): PipelineClientFactory {
  const config = loadConfig(ctx.env, { cwd: ctx.cwd });
  const { headroom, concurrency } = loaded.config.options;
  const portalId = ctx.owner.portalId ?? config.portalId;
  return (budgetStore) =>
    createZohoClient({ ...config, portalId }, { ...(ctx.clock ? { clock: ctx.clock } : {}), ...(budgetStore ? { budgetStore } : {}), headroom, concurrency });
}

/**
 * True when the environment or `.env` in `cwd` names a Zoho client id or refresh token: the dry run
 * then builds the client (and an incomplete set is the run's CONFIG_INVALID); with neither it
 * rehearses offline. Throws CONFIG_INVALID when `.env` exists but cannot be read.
 */
export function zohoCredentialsGiven(env: Record<string, string | undefined>, cwd: string): boolean {
  if (CREDENTIAL_VARIABLES.some((k) => env[k])) return true;
  const fromFile = readDotEnv(cwd);
  return CREDENTIAL_VARIABLES.some((k) => fromFile[k]);
}
