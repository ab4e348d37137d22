/** The public library API: what `import … from 'zoho-projects-etl'` gives, used the way the README shows. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

describe('library API', () => {
  it('exports the documented functions and the error type', () => {
    for (const name of ['createSandbox', 'formatEnvLines', 'loadConfig', 'createZohoClient', 'exportTimesheets', 'runPipeline', 'dryRun', 'loadPipeline', 'validatePipelineFile', 'runDemo', 'PipelineSchema', 'parseWindow', 'pipelineStatus', 'pipelineRejects', 'renderStarterPipeline', 'ZpetlError', 'VERSION']) {
      expect(api, name).toHaveProperty(name);
    }
    expect(new api.ZpetlError('USAGE_INVALID', 'x').format()).toBe('USAGE_INVALID: x');
  });

  it('run, then status and rejects of the same pipeline file, as `zpetl run`, `status` and `rejects` do', async () => {
    const sandbox = await api.createSandbox({ port: 0, seed: 'empty', timeScale: 100 });
    const dir = mkdtempSync(join(tmpdir(), 'zpetl-lib-'));
    try {
      writeFileSync(join(dir, 'p.yaml'), 'version: 1\nname: lib\nsteps:\n  - name: projects\n    entity: project\n    source: { type: csv, path: p.csv }\n    key: [Code]\n    fields:\n      name: { from: Name, required: true }\n');
      writeFileSync(join(dir, 'p.csv'), 'Code,Name\nA,Alpha\nB,\n');
      // Credentials only in .env: the dry run and the run read them alike.
      writeFileSync(join(dir, '.env'), `${api.formatEnvLines(sandbox)}\n`);
      const dry = await api.dryRun(join(dir, 'p.yaml'), { cwd: dir, env: {}, outDir: 'dry' });
      expect(dry.report.totals).toMatchObject({ valid: 1, rejected: 1, wouldCreate: 1 });
      const run = await api.runPipeline(join(dir, 'p.yaml'), { cwd: dir, env: {}, clock: sandbox.clock, outDir: false });
      expect(run.exitCode).toBe(3);
      const { status } = api.pipelineStatus('p.yaml', { cwd: dir, env: {} });
      expect(status.steps.map((s) => [s.name, s.counts.created, s.counts.rejected])).toEqual([['projects', 1, 1]]);
      const rejects = await api.pipelineRejects('p.yaml', { cwd: dir, env: {}, csv: 'fix.csv' });
      expect(rejects.rejects.map((r) => [r.line, r.code])).toEqual([[3, 'ROW_REQUIRED']]);
      expect(rejects.csvRows).toBe(1);
      expect(readFileSync(join(dir, 'fix.csv'), 'utf8').split('\n')[0]).toBe('Code,Name,_line,_step,_code,_field,_message');
    } finally {
      await sandbox.close();
    }
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
