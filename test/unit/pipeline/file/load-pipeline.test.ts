import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect } from 'vitest';
import { loadPipeline, validatePipelineFile, validatePipelineText } from '../../../../src/pipeline/file/load-pipeline.js';
import { pipelineJsonSchemaText } from '../../../../src/pipeline/file/json-schema.js';
import { isZpetlError } from '../../../../src/core/errors.js';
import { it } from '../../../helpers/fixtures.js';

const BASE = `version: 1
name: t
steps:
  - name: tasks
    entity: task
    source: { type: csv, path: "\${SRC}/tasks.csv" }
    key: [id]
    fields:
      project: { from: P, lookup: { kind: project-by-name } }
      name: { from: Title, converter: nope }
`;

describe('validatePipelineText', () => {
  it('reports each problem with its path, YAML line, expected and given', () => {
    const text = BASE.replace('name: t\n', 'name: t\noptions:\n  batchSize: "x"\n  bogus: 1\n');
    const r = validatePipelineText(text, '/x/p.yaml', { SRC: 'data' });
    expect(r.ok).toBe(false);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p]));
    expect(byPath['options.batchSize']).toMatchObject({ line: 4, expected: 'number', received: '"x"' });
    expect(byPath['options']).toMatchObject({ line: 5, message: 'unknown key "bogus"' });
    expect(byPath['steps[0].fields.name.converter']).toMatchObject({ line: 13, received: '"nope"' });
    expect(byPath['steps[0].fields.name.converter']!.message).toContain('"date"');
  });

  it('names a missing ${VAR} and where it is used', () => {
    const r = validatePipelineText(BASE.replace('converter: nope', 'converter: trim'), '/x/p.yaml', {});
    expect(r.problems).toEqual([{ path: 'steps[0].source.path', line: 6, message: expect.stringMatching(/PIPELINE_ENV_MISSING: environment variable SRC is not set/) }]);
  });

  it('interpolates variables, resolves baseDir to the file directory, defaults options and portal from env', () => {
    const r = validatePipelineText(BASE.replace('converter: nope', 'converter: trim'), 'dir/p.yaml', { SRC: 'data', ZOHO_PORTAL_ID: '123' });
    expect(r.ok).toBe(true);
    const p = r.pipeline!;
    expect(p.baseDir).toBe(resolve('dir'));
    expect(p.portal).toBe('123');
    expect(p.config.options).toMatchObject({ batchSize: 50, concurrency: 4, headroom: 0.025 });
    const step = p.config.steps[0]!;
    expect('entity' in step && step.source.path).toBe('data/tasks.csv');
    expect('entity' in step && step.mode).toBe('create');
  });

  it('rejects unknown target fields, missing required fields, unknown dependsOn and duplicate step names', () => {
    const text = `name: t
steps:
  - name: a
    entity: tasklist
    source: { type: csv, path: a.csv }
    key: [id]
    fields: { colour: { from: c } }
    dependsOn: [zz]
  - name: a
    entity: user
    source: { type: csv, path: u.csv }
    key: [e]
    fields: { email: { from: e } }
`;
    const r = validatePipelineText(text, 'p.yaml', {});
    const msgs = r.problems.map((p) => `${p.path}: ${p.message}`);
    expect(msgs).toContainEqual(expect.stringMatching(/^steps\[0\]\.fields\.colour: unknown tasklist field "colour"/));
    expect(msgs).toContainEqual(expect.stringMatching(/^steps\[0\]\.fields: tasklist needs field "project"/));
    expect(msgs).toContainEqual(expect.stringMatching(/^steps\[0\]\.dependsOn\[0\]: unknown step "zz"/));
    expect(msgs).toContainEqual(expect.stringMatching(/^steps\[1\]\.name: duplicate step name "a"/));
  });

  it('reports a zoho-timelogs step against the export step schema', () => {
    const r = validatePipelineText('name: t\nsteps:\n  - name: pay\n    source: { type: zoho-timelogs, out: x.csv }\n', 'p.yaml', {});
    expect(r.problems.map((p) => p.path)).toEqual(['steps[0].source.period']);
  });

  it('loadPipeline throws PIPELINE_INVALID with the problems, PIPELINE_NOT_FOUND for a missing file', ({ tmp: dir }) => {
    writeFileSync(join(dir, 'p.yaml'), 'name: t\nsteps: []\n');
    try {
      loadPipeline(join(dir, 'p.yaml'), {});
      expect.unreachable();
    } catch (e) {
      expect(isZpetlError(e) && e.code).toBe('PIPELINE_INVALID');
      expect(isZpetlError(e) && (e.details['problems'] as unknown[]).length).toBe(1);
    }
    expect(() => validatePipelineFile(join(dir, 'nope.yaml'))).toThrow(/pipeline file not found/);
  });

  it('accepts every example pipeline in pipelines/ and the test fixtures', () => {
    const files = [...readdirSync('pipelines').map((f) => join('pipelines', f)), 'fixtures/pipeline/basic.yaml'].filter((f) => f.endsWith('.yaml'));
    for (const f of files) expect({ f, problems: validatePipelineFile(f, { ...process.env, ZOHO_PORTAL_ID: '1' }).problems }).toEqual({ f, problems: [] });
  });

  it('schema/pipeline.schema.json is up to date (regenerate: node --import tsx src/pipeline/file/json-schema.ts --write)', () => {
    expect(readFileSync('schema/pipeline.schema.json', 'utf8')).toBe(pipelineJsonSchemaText());
  });
});
