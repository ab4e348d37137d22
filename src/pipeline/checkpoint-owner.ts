/**
 * Who opens a pipeline's checkpoint (src/checkpoint/owner.ts), worked out in ONE place for the real run,
 * the dry run, `status`, `rejects` and the payroll export, so none of them predicts or reports what the
 * others would refuse: the pipeline's name, the real path of its file, and the portal it targets.
 *
 * The portal is the ready client's when one is given (it is the portal the requests go to), else the
 * file's `portal:`, else ZOHO_PORTAL_ID from the environment, else from `.env` in `cwd`: the order
 * the real run builds its client in (src/pipeline/run/run.ts, src/config/load-config.ts).
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CheckpointOwner } from '../checkpoint/owner.js';
import { readDotEnv } from '../config/load-config.js';
import type { LoadedPipeline } from './file/load-pipeline.js';

export interface OwnerContext {
  /** The environment the command runs with (default process.env). */
  env?: Record<string, string | undefined> | undefined;
  /** Where `.env` is read from. */
  cwd: string;
  /** Read `.env` at all (default true; the demo passes false). */
  dotenv?: boolean | undefined;
  /** A ready client: its portal is the one requests go to. */
  client?: { portalId?: string | undefined } | undefined;
}

/** The portal a pipeline (or a payroll export given none) targets; undefined when nothing names one. */
export function resolvePortal(loaded: LoadedPipeline | undefined, o: OwnerContext): string | undefined {
  if (o.client?.portalId) return o.client.portalId;
  if (loaded?.portal) return loaded.portal;
  const fromEnv = (o.env ?? process.env)['ZOHO_PORTAL_ID'];
  if (fromEnv) return fromEnv;
  return (o.dotenv === false ? undefined : readDotEnv(o.cwd)['ZOHO_PORTAL_ID']) || undefined;
}

/** The real path of a pipeline file (symlinks and `..` resolved), so two spellings of one file are one owner. */
export function pipelineFileIdentity(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

/** The owner `loaded` opens its checkpoint as (`name` overrides the pipeline's, e.g. the payroll default). */
export function checkpointOwnerOf(loaded: LoadedPipeline | undefined, o: OwnerContext & { name?: string }): CheckpointOwner {
  const pipeline = o.name ?? loaded?.config.name;
  if (pipeline === undefined) throw new TypeError('checkpointOwnerOf: a pipeline or a name is needed');
  const file = loaded && pipeline === loaded.config.name ? pipelineFileIdentity(loaded.file) : undefined;
  return { pipeline, portalId: resolvePortal(loaded, o), ...(file ? { file } : {}) };
}
