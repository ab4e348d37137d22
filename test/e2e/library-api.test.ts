/** The public library API: what `import … from 'zoho-projects-etl'` gives, used the way the README shows. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

describe('library API', () => {
  it('exports the documented functions and the error type', () => {
    for (const name of ['createSandbox', 'formatEnvLines', 'loadConfig', 'createZohoClient', 'exportTimesheets', 'runPipeline', 'dryRun', 'loadPipeline', 'validatePipelineFile', 'runDemo', 'PipelineSchema', 'parseWindow', 'readPipelineStatus', 'listRejects', 'renderStarterPipeline', 'ZpetlError', 'VERSION']) {
      expect(api, name).toHaveProperty(name);
    }
    expect(new api.ZpetlError('USAGE_INVALID', 'x').format()).toBe('USAGE_INVALID: x');
  });

  it('sandbox + config + client + payroll export work together, emitting PipelineEvents', async () => {
    const sandbox = await api.createSandbox({ port: 0, seed: 'demo' });
    const dir = mkdtempSync(join(tmpdir(), 'zpetl-lib-'));
    try {
      expect(api.formatEnvLines(sandbox).split('\n')[0]).toBe(`ZOHO_API_URL=${sandbox.baseUrl}`);
      const config = api.loadConfig({ ...sandbox.env }, { dotenv: false });
      const client = api.createZohoClient(config);
      const events: api.PipelineEvent[] = [];
      const result = await api.exportTimesheets({
        period: '2026-01-01..2026-01-31',
        tz: 'UTC',
        source: { type: 'api', client },
        out: join(dir, 'payroll.csv'),
        db: join(dir, 'payroll.db'),
        onEvent: (e) => events.push(e),
      });
      await client.close();
      expect(events.some((e) => e.type === 'step-start')).toBe(true);
      expect(readFileSync(result.outPath, 'utf8').trim().split('\n').length - 1).toBe(result.rows);
    } finally {
      await sandbox.close();
    }
  });
});
