/**
 * The Zoho client a pipeline talks through: whether Zoho was configured at all (environment, `.env`,
 * neither), a configuration refused before anything is built, the portal the checkpoint owner names
 * over the configuration's, and the pipeline's headroom pacing it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { LoadedPipeline } from '../../../src/pipeline/file/load-pipeline.js';
import { PipelineSchema } from '../../../src/pipeline/file/schema.js';
import { pipelineClientFactory, zohoCredentialsGiven } from '../../../src/pipeline/pipeline-client.js';
import { ENDPOINTS } from '../../../src/zoho/types.js';
import { it } from '../../helpers/fixtures.js';
import { errorOf } from '../../helpers/thrown.js';

/** A complete configuration; the secrets are made up. */
const ZOHO_ENV = {
  ZOHO_CLIENT_ID: '1000.PIPELINECLIENTTEST',
  ZOHO_CLIENT_SECRET: 'pipeline-client-test-secret',
  ZOHO_REFRESH_TOKEN: '1000.pipeline-client-test-refresh',
  ZOHO_PORTAL_ID: '111',
};

const dotEnv = (dir: string, vars: Record<string, string>) => writeFileSync(join(dir, '.env'), Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join(''));

function loaded(dir: string, options: Record<string, unknown> = {}): LoadedPipeline {
  const config = PipelineSchema.parse({ name: 'p', options, steps: [{ name: 'projects', entity: 'project', source: { type: 'csv', path: 'projects.csv' }, key: ['id'], fields: { name: {} } }] });
  return { config, baseDir: dir, name: 'p', file: join(dir, 'p.yaml'), portal: undefined };
}

describe('zohoCredentialsGiven', () => {
  it('true when the environment names a client id or a refresh token', ({ tmp }) => {
    expect(zohoCredentialsGiven({ ZOHO_CLIENT_ID: '1000.X' }, tmp)).toBe(true);
    expect(zohoCredentialsGiven({ ZOHO_REFRESH_TOKEN: '1000.y' }, tmp)).toBe(true);
  });

  it('true when .env in cwd names one, and only the .env of cwd counts', ({ tmp }) => {
    const other = join(tmp, 'other');
    mkdirSync(other);
    dotEnv(tmp, { ZOHO_REFRESH_TOKEN: '1000.y' });
    expect(zohoCredentialsGiven({}, tmp)).toBe(true);
    expect(zohoCredentialsGiven({}, other)).toBe(false);
    dotEnv(other, { ZOHO_CLIENT_ID: '1000.X' });
    expect(zohoCredentialsGiven({}, other)).toBe(true);
  });

  it('false with neither: other Zoho variables and empty values do not count', ({ tmp }) => {
    expect(zohoCredentialsGiven({}, tmp)).toBe(false);
    expect(zohoCredentialsGiven({ ZOHO_CLIENT_SECRET: 's', ZOHO_PORTAL_ID: '111', ZOHO_DC: 'eu', ZOHO_CLIENT_ID: '' }, tmp)).toBe(false);
    dotEnv(tmp, { ZOHO_PORTAL_ID: '111', ZOHO_CLIENT_SECRET: 's' });
    expect(zohoCredentialsGiven({}, tmp)).toBe(false);
  });

  it('a .env that exists but cannot be read is CONFIG_INVALID', ({ tmp }) => {
    mkdirSync(join(tmp, '.env'));
    expect(errorOf(() => zohoCredentialsGiven({}, tmp)).code).toBe('CONFIG_INVALID');
  });
});

describe('pipelineClientFactory', () => {
  it('an incomplete configuration throws CONFIG_INVALID at once, before any client is asked for', ({ tmp }) => {
    const { ZOHO_CLIENT_SECRET: _, ...noSecret } = ZOHO_ENV;
    const err = errorOf(() => pipelineClientFactory(loaded(tmp), { env: noSecret, cwd: tmp, owner: { pipeline: 'p' } }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details.variables).toEqual(['ZOHO_CLIENT_SECRET']);
    expect(errorOf(() => pipelineClientFactory(loaded(tmp), { env: {}, cwd: tmp, owner: { pipeline: 'p', portalId: '222' } })).code).toBe('CONFIG_INVALID');
  });

  it('a plain-http API URL to a remote host is refused up front (CONFIG_INSECURE_URL)', ({ tmp }) => {
    const env = { ...ZOHO_ENV, ZOHO_API_URL: 'http://projectsapi.example.com' };
    expect(errorOf(() => pipelineClientFactory(loaded(tmp), { env, cwd: tmp, owner: { pipeline: 'p' } })).code).toBe('CONFIG_INSECURE_URL');
  });

  it("the checkpoint owner's portal wins over the configuration's; without one the configuration's is used", async ({ tmp }) => {
    const named = pipelineClientFactory(loaded(tmp), { env: ZOHO_ENV, cwd: tmp, owner: { pipeline: 'p', portalId: '222' } })();
    const unnamed = pipelineClientFactory(loaded(tmp), { env: ZOHO_ENV, cwd: tmp, owner: { pipeline: 'p' } })();
    try {
      expect(named.portalId).toBe('222');
      expect(unnamed.portalId).toBe('111');
    } finally {
      await named.close();
      await unnamed.close();
    }
  });

  it('reads .env in cwd for what the environment leaves unset, the environment winning', async ({ tmp }) => {
    dotEnv(tmp, ZOHO_ENV);
    const fromFile = pipelineClientFactory(loaded(tmp), { env: {}, cwd: tmp, owner: { pipeline: 'p' } })();
    const overridden = pipelineClientFactory(loaded(tmp), { env: { ZOHO_PORTAL_ID: '333' }, cwd: tmp, owner: { pipeline: 'p' } })();
    try {
      expect(fromFile.portalId).toBe('111');
      expect(overridden.portalId).toBe('333');
    } finally {
      await fromFile.close();
      await overridden.close();
    }
  });

  it("paces the client with the pipeline's headroom", async ({ tmp }) => {
    const paced = pipelineClientFactory(loaded(tmp, { headroom: 0.5 }), { env: ZOHO_ENV, cwd: tmp, owner: { pipeline: 'p' } })();
    const plain = pipelineClientFactory(loaded(tmp), { env: ZOHO_ENV, cwd: tmp, owner: { pipeline: 'p' } })();
    try {
      expect(paced.budgetFor(ENDPOINTS.taskCreate).limit).toBe(100);
      expect(plain.budgetFor(ENDPOINTS.taskCreate).limit).toBe(195);
    } finally {
      await paced.close();
      await plain.close();
    }
  });

  it('every call of the factory builds a new client', async ({ tmp }) => {
    const make = pipelineClientFactory(loaded(tmp), { env: ZOHO_ENV, cwd: tmp, owner: { pipeline: 'p' } });
    const a = make();
    const b = make();
    try {
      expect(a).not.toBe(b);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
