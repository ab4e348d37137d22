import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { EXIT_FATAL, EXIT_OK, EXIT_REJECTS } from '../../src/pipeline/exit-codes.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';

// Each call a fresh folder inside the test's temporary folder (the fixture removes them all after it).
let testDir: string;
let made = 0;
it.beforeEach(({ tmp: t }) => {
  testDir = t;
});
const tmp = (): string => {
  const dir = join(testDir, String(made++));
  mkdirSync(dir);
  return dir;
};
const NOW = Date.parse('2026-11-28T12:00:00Z');

describe('dryRun over fixtures/pipeline/basic.yaml', () => {
  it('counts read = valid + rejected per step, with the stateful rules', async () => {
    const events: PipelineEvent[] = [];
    const { report, exitCode, outDir } = await dryRun('fixtures/pipeline/basic.yaml', { outDir: tmp(), now: () => NOW, onEvent: (e) => events.push(e) });
    expect(exitCode).toBe(EXIT_REJECTS);
    const steps = Object.fromEntries(report.steps.map((s) => [s.name, s]));
    for (const s of report.steps) expect(s.counts.read).toBe(s.counts.valid + s.counts.rejected);
    expect(steps['tasks']!.rejectsByCode).toEqual({ ROW_DUPLICATE_KEY: 1, ROW_UNKNOWN_PROJECT: 1, ROW_REQUIRED: 1, ROW_DATE_RANGE: 1 });
    // S2's parent never existed, S3's parent was rejected: both missing.
    expect(steps['subtasks']!.rejectsByCode).toEqual({ ROW_MISSING_PARENT: 2 });
    // ana: 10 h + 10 h, then 5 h more on the same day is over 24 h; ben's 5 h and ana's next day are fine.
    expect(steps['timelogs']!.counts).toMatchObject({ read: 5, valid: 4, rejected: 1, wouldCreate: 4, wouldSkip: 0 });
    expect(steps['timelogs']!.rejectsByCode).toEqual({ ROW_DAY_OVER_24H: 1 });
    expect(report).toMatchObject({ schemaVersion: 1, kind: 'dry-run', pipeline: 'basic', status: 'rejects', exitCode: 3, totals: { read: 16, valid: 9, rejected: 7 } });
    expect(report.inputs.map((i) => i.sha256)).toEqual(report.inputs.map(() => expect.stringMatching(/^[0-9a-f]{64}$/)));
    expect(report.estimate!.callsByEndpoint).toEqual({ 'POST /projects': 2, 'POST /projects/{project}/tasks': 3, 'POST /projects/{project}/log': 4 });
    expect(report.samples.find((s) => s.code === 'ROW_DAY_OVER_24H')).toMatchObject({ step: 'timelogs', line: 4, field: 'minutes' });
    expect(JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(events[0]!.type).toBe('run-start');
    expect(events.at(-1)).toMatchObject({ type: 'run-end', exitCode: 3 });
  });

  it('writes a self-contained, escaped report.html', async () => {
    const { outDir } = await dryRun('fixtures/pipeline/basic.yaml', { outDir: tmp(), now: () => NOW });
    const html = readFileSync(join(outDir, 'report.html'), 'utf8');
    expect(html).toContain('ROW_DAY_OVER_24H');
    expect(html).toContain('timelogs.csv:4');
    expect(html).toContain('line &lt;b&gt;title&lt;/b&gt;');
    expect(html).not.toContain('<b>title');
    expect(html).not.toMatch(/(src|href)=|https?:\/\/(?!json-schema)|url\(|@import|<script/i);
  });

  it('rejects.csv keeps original columns and values, and fed back as the source it passes once fixed', async () => {
    const { outDir } = await dryRun('fixtures/pipeline/basic.yaml', { outDir: tmp(), now: () => NOW });
    const perStep = readFileSync(join(outDir, 'rejects-tasks.csv'), 'utf8');
    const rows = parse(perStep, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['Task ID', 'Project', 'Title', 'Start', 'Due', '_line', '_step', '_code', '_field', '_message']);
    expect(rows.map((r) => r['_line'])).toEqual(['4', '5', '6', '7']);
    expect(rows[3]!['Title']).toBe('Multi\nline <b>title</b>');
    // combined file: union of columns, every reject once
    const all = parse(readFileSync(join(outDir, 'rejects.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(all).toHaveLength(7);

    // Fix the rows and feed the file back as the tasks source.
    const dir = tmp();
    for (const f of ['projects.csv', 'subtasks.csv', 'timelogs.csv']) copyFileSync(join('fixtures/pipeline', f), join(dir, f));
    const fixed = rows
      .filter((r) => r['_code'] !== 'ROW_DUPLICATE_KEY')
      .map((r) => ({ ...r, Project: r['Project'] === 'Gamma' ? 'Alpha' : r['Project']!, Title: r['Title'] || 'Named now', Due: '2026-11-30' }));
    const csv = [Object.keys(rows[0]!).map((h) => JSON.stringify(h)).join(','), ...fixed.map((r) => Object.values(r).map((v) => `"${String(v).replace(/"/g, '""')}"`).join(','))].join('\n');
    writeFileSync(join(dir, 'tasks.csv'), `${csv}\n`);
    writeFileSync(join(dir, 'p.yaml'), readFileSync('fixtures/pipeline/basic.yaml', 'utf8').replace(/^(\s+)- name: subtasks[\s\S]*$/m, ''));
    const again = await dryRun(join(dir, 'p.yaml'), { outDir: tmp(), now: () => NOW });
    expect(again.report.steps.find((s) => s.name === 'tasks')!.counts).toMatchObject({ read: 3, valid: 3, rejected: 0 });
    expect(again.exitCode).toBe(EXIT_OK);
  });

  it('exits 1 with the reports written when a source is missing', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'p.yaml'), 'name: gone\nsteps:\n  - name: p\n    entity: project\n    source: { type: csv, path: nope.csv }\n    key: [c]\n    fields: { name: { from: n } }\n');
    const { exitCode, report, outDir } = await dryRun(join(dir, 'p.yaml'), { outDir: join(dir, 'out') });
    expect(exitCode).toBe(EXIT_FATAL);
    expect(report.error).toMatch(/^SOURCE_NOT_FOUND/);
    expect(readFileSync(join(outDir, 'report.json'), 'utf8')).toContain('SOURCE_NOT_FOUND');
  });

  it('demo migration: accounting holds for every step', async () => {
    const { report } = await dryRun('pipelines/demo-migration.yaml', { outDir: tmp(), now: () => NOW });
    for (const s of report.steps) expect(s.counts.read).toBe(s.counts.valid + s.counts.rejected);
    expect(report.error).toBeUndefined();
  });
});
