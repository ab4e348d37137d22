import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect } from 'vitest';
import { initPipeline } from '../../../../src/pipeline/file/init-pipeline.js';
import { it } from '../../../helpers/fixtures.js';

const CSV = resolve('fixtures/examples/project-tool-export.csv');
let dir: string;
it.beforeEach(({ tmp }) => {
  dir = tmp;
});

describe('initPipeline (zpetl init as one call)', () => {
  it('without out: returns the text, writes nothing, names the pipeline after the CSV', async () => {
    const r = await initPipeline({ from: CSV, entity: 'task', cwd: dir });
    expect(r.written).toBeUndefined();
    expect(r.columns).toBeGreaterThan(3);
    expect(r.text).toMatch(/^name: project-tool-export$/m);
  });

  it('with out: writes the file (folders made), names the pipeline after it, the source path relative to it', async () => {
    const r = await initPipeline({ from: CSV, entity: 'task', out: 'pipes/my-tasks.yaml', cwd: dir });
    expect(r.written).toBe(join(dir, 'pipes/my-tasks.yaml'));
    const text = readFileSync(r.written!, 'utf8');
    expect(text).toBe(r.text);
    expect(text).toMatch(/^name: my-tasks$/m);
    expect(text).toContain('project-tool-export.csv');
  });

  it('refuses an existing out without force (USAGE_INVALID, file untouched), overwrites with force', async () => {
    writeFileSync(join(dir, 'p.yaml'), 'keep');
    await expect(initPipeline({ from: CSV, entity: 'task', out: 'p.yaml', cwd: dir })).rejects.toMatchObject({ code: 'USAGE_INVALID', message: 'p.yaml already exists' });
    expect(readFileSync(join(dir, 'p.yaml'), 'utf8')).toBe('keep');
    await initPipeline({ from: CSV, entity: 'task', out: 'p.yaml', cwd: dir, force: true });
    expect(readFileSync(join(dir, 'p.yaml'), 'utf8')).toMatch(/^name: p$/m);
  });

  it('a missing from is USAGE_INVALID naming the path as given, and nothing is written', async () => {
    await expect(initPipeline({ from: 'nope.csv', entity: 'user', out: 'x.yaml', cwd: dir })).rejects.toMatchObject({ code: 'USAGE_INVALID', message: '--from: no such file (given: nope.csv)' });
    expect(existsSync(join(dir, 'x.yaml'))).toBe(false);
  });
});
