/**
 * pipelineStatus and pipelineRejects: `zpetl status` and `zpetl rejects` as one library call each
 * (a pipeline file in, what the CLI renders out). The run-backed output is pinned end to end in
 * test/e2e/cli-checkpoint.test.ts; here the parts the commands used to do themselves.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { isZpetlError } from '../../../../src/core/errors.js';
import { pipelineRejects, pipelineStatus } from '../../../../src/pipeline/status/status.js';
import { it } from '../../../helpers/fixtures.js';

const PIPELINE = `version: 1
name: st
options: { window: { start: "22:00", end: "06:00", tz: UTC } }
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [Code]
    fields:
      name: { from: Name, required: true }
`;

let dir: string;
it.beforeEach(({ tmp }) => {
  dir = tmp;
  writeFileSync(join(dir, 'p.yaml'), PIPELINE);
});

describe('pipelineStatus', () => {
  it('before any run: no run, the default checkpoint as the user would type it, and the window of the file', () => {
    const nowMs = Date.parse('2026-11-28T12:00:00Z');
    const { status, checkpoint } = pipelineStatus('p.yaml', { cwd: dir, env: {}, nowMs });
    expect(checkpoint).toBe(join('.zpetl', 'st.db'));
    expect(status).toMatchObject({ pipeline: 'st', dbPath: join(dir, '.zpetl', 'st.db'), run: undefined, steps: [], crosswalkEntries: 0 });
    expect(status.window).toMatchObject({ spec: '22:00-06:00', tz: 'UTC', openNow: false, nextOpenMs: Date.parse('2026-11-28T22:00:00Z') });
  });

  it('a named db is shown as named and read under cwd', () => {
    const { status, checkpoint } = pipelineStatus(join(dir, 'p.yaml'), { cwd: dir, env: {}, db: 'state/x.db' });
    expect(checkpoint).toBe('state/x.db');
    expect(status.dbPath).toBe(join(dir, 'state/x.db'));
  });
});

describe('pipelineRejects', () => {
  it('before any run: no run and no rows, and no CSV written', async () => {
    const r = await pipelineRejects('p.yaml', { cwd: dir, env: {}, csv: 'fix.csv' });
    expect(r).toEqual({ pipeline: 'st', checkpoint: join('.zpetl', 'st.db'), run: undefined, rejects: [] });
  });

  it('a step the pipeline lacks is USAGE_INVALID, naming its steps and the file as given', async () => {
    const e = await pipelineRejects('p.yaml', { cwd: dir, env: {}, step: 'tasks' }).catch((x: unknown) => x);
    expect(isZpetlError(e) && e.code).toBe('USAGE_INVALID');
    expect(isZpetlError(e) && e.message).toBe('--step: st has no step named "tasks"; its steps: projects');
    expect(isZpetlError(e) && e.hint).toBe('Name one of the steps of p.yaml.');
  });
});
