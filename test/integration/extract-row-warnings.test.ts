/**
 * A row's own extractor warnings (SourceRecord.warnings, e.g. SOURCE_CONTROL_STRIPPED under
 * `controlCharacters: strip`) reach warnings.csv, the events, the checkpoint and the reports as a
 * lookup's `onMissing: warn` does, in the dry run and the real run alike. The extractor is wrapped to
 * give line 3 such a warning, so the test stands apart from the extractors' own rule for stripping.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, vi } from 'vitest';
import { it } from '../helpers/fixtures.js';
import type { ExtractItem } from '../../src/core/record.js';
import type { Extractor } from '../../src/extract/types.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { loadPipeline } from '../../src/pipeline/file/load-pipeline.js';
import type { RunReport } from '../../src/report/model.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { dryRunOnSandbox, runOnSandbox } from '../helpers/sandbox-runs.js';

vi.mock('../../src/extract/create-extractor.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/extract/create-extractor.js')>();
  const stripped = (item: ExtractItem): ExtractItem =>
    item.kind === 'record' && item.record.pos.line === 3
      ? { kind: 'record', record: { ...item.record, warnings: [{ code: 'SOURCE_CONTROL_STRIPPED', message: 'removed 1 control character(s) from field "Name"', field: 'Name', pos: item.record.pos }] } }
      : item;
  return {
    createExtractor: (...args: Parameters<typeof real.createExtractor>): Extractor => {
      const x = real.createExtractor(...args);
      const readBatches = async function* (signal?: AbortSignal) {
        for await (const b of x.readBatches(signal)) yield b.map(stripped);
      };
      const read = async function* (signal?: AbortSignal) {
        for await (const b of readBatches(signal)) yield* b;
      };
      return { ...x, readBatches, read };
    },
  };
});

it.override({ sandboxOptions: { seed: 'empty', timeScale: 60 } });
let sandbox: Sandbox;
let dir: string;
it.beforeEach(({ sandbox: s, tmp }) => {
  sandbox = s;
  dir = tmp;
});

function pipeline() {
  writeFileSync(join(dir, 'projects.csv'), 'Key,Name\nP-1,Apollo\nP-2,Zeus\nP-3,Hera\n');
  writeFileSync(join(dir, 'p.yaml'), `version: 1
name: row-warnings
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [Key]
    fields:
      name: { from: Name, required: true }
`);
  return loadPipeline(join(dir, 'p.yaml'), sandbox.env);
}

const warned = (events: PipelineEvent[]) => events.flatMap((e) => (e.type === 'warning' ? [`${e.error.code}:${e.error.field}:${e.error.pos.line}`] : []));

describe('a row\'s extractor warnings', () => {
  it('are the row\'s warnings: counted as warned, told as warning events, in warnings.csv and the reports, in the dry run and the run', async () => {
    const p = pipeline();
    const dryEvents: PipelineEvent[] = [];
    const dry = await dryRunOnSandbox(p, sandbox, dir, dryEvents);
    expect(dry.exitCode).toBe(0);
    const events: PipelineEvent[] = [];
    const run = await runOnSandbox(p, sandbox, dir, events);
    expect(run.exitCode, run.message).toBe(0);
    expect(warned(dryEvents)).toEqual(['SOURCE_CONTROL_STRIPPED:Name:3']);
    expect(warned(events)).toEqual(['SOURCE_CONTROL_STRIPPED:Name:3']);
    expect(run.counts['projects']).toMatchObject({ read: 3, created: 3, warned: 1 });
    expect(dry.report.steps[0]!.counts).toMatchObject({ read: 3, valid: 3, warned: 1 });
    for (const folder of [join(dir, 'dry'), join(dir, 'run')]) {
      const r = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as RunReport;
      expect(r.warningsByCode, folder).toEqual({ SOURCE_CONTROL_STRIPPED: 1 });
      expect(r.warningSamples!.map((s) => `${s.code}:${s.field}:${s.line}`)).toEqual(['SOURCE_CONTROL_STRIPPED:Name:3']);
      expect(readFileSync(join(folder, 'warnings.csv'), 'utf8')).toContain('P-2,Zeus,3,projects,SOURCE_CONTROL_STRIPPED,Name,');
    }
  });
});
