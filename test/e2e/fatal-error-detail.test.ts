/**
 * A fatal source error keeps its detail where machines and people read it: under `--json` the error
 * `log` line carries `error: { code, message, hint, source, line }` (core/pipeline-event.ts ErrorDetail),
 * report.json has it as `errorDetail` (revision 5) beside `error`, and report.html shows the hint. The
 * dry run (offline) for SOURCE_EMPTY, SOURCE_PARSE and SOURCE_DUPLICATE_HEADER; the real run on the
 * sandbox for SOURCE_PARSE. Fixtures: fixtures/bad-inputs/.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { extractorContract } from '../helpers/extractor-contract.js';
import type { RunReport } from '../../src/report/model.js';

const BAD = resolve('fixtures/bad-inputs');
const contract = await extractorContract();

function pipeline(dir: string, file: string, type: 'csv' | 'json', fields = '      name: { from: name, required: true }'): void {
  copyFileSync(join(BAD, file), join(dir, file));
  writeFileSync(join(dir, 'p.yaml'), `version: 1\nname: bad-inputs\nsteps:\n  - name: projects\n    entity: project\n    source: { type: ${type}, path: ${file} }\n    key: [id]\n    fields:\n${fields}\n`);
}

type Event = { type: string; level?: string; message?: string; error?: Record<string, unknown>; reportDir?: string };
const events = (stdout: string): Event[] => stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);
const errorLog = (ev: Event[]) => ev.filter((e) => e.type === 'log' && e.level === 'error');

/** Runs `args` with --json; the error log lines, report.json and report.html of the run. */
async function runJson(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await cliInProcess(['run', 'p.yaml', '--out', 'out', '--json', ...args], dir, env);
  const ev = events(r.stdout);
  const end = ev.find((e) => e.type === 'run-end');
  const folder = end?.reportDir ?? join(dir, 'out');
  return {
    code: r.code,
    logs: errorLog(ev),
    report: JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as RunReport,
    html: readFileSync(join(folder, 'report.html'), 'utf8'),
  };
}

const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');

describe('a fatal source error in --json, report.json and report.html (dry run)', () => {
  it('SOURCE_EMPTY: the log line has code, message and source; report.json errorDetail the same (revision 5)', async ({ tmp }) => {
    pipeline(tmp, 'empty.csv', 'csv');
    const { code, logs, report } = await runJson(tmp, ['--dry-run']);
    expect(code).toBe(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.message).toMatch(/^SOURCE_EMPTY: /);
    expect(logs[0]!.error).toMatchObject({ code: 'SOURCE_EMPTY', message: expect.stringContaining('empty') });
    expect(report.schemaRevision).toBe(5);
    expect(report.error).toMatch(/^SOURCE_EMPTY: /);
    expect(report.errorDetail).toEqual(logs[0]!.error);
  });

  it('SOURCE_PARSE: the hint ("10 element(s) before the break were read") and the line, in the log line, report.json and report.html', async ({ tmp }) => {
    pipeline(tmp, 'json-break.json', 'json');
    const { code, logs, report, html } = await runJson(tmp, ['--dry-run']);
    expect(code).toBe(1);
    const detail = { code: 'SOURCE_PARSE', source: 'json-break.json', line: 41, hint: expect.stringContaining('10 element(s) before the break were read') };
    expect(logs[0]!.error).toMatchObject(detail);
    expect(report.errorDetail).toMatchObject(detail);
    expect(html).toContain(`<th>Hint</th><td>${escaped(report.errorDetail!.hint!)}</td>`);
  });

  it.runIf(contract.duplicateError)('SOURCE_DUPLICATE_HEADER: the hint names duplicateHeaders: number, in the log line, report.json and report.html', async ({ tmp }) => {
    pipeline(tmp, 'duplicate-header.csv', 'csv', '      name: { from: name, required: true }\n      description: { from: Email }');
    const { code, logs, report, html } = await runJson(tmp, ['--dry-run']);
    expect(code).toBe(1);
    const detail = { code: 'SOURCE_DUPLICATE_HEADER', source: 'duplicate-header.csv', line: 1, hint: expect.stringContaining('duplicateHeaders: number') };
    expect(logs[0]!.error).toMatchObject(detail);
    expect(report.errorDetail).toMatchObject(detail);
    expect(html).toContain('<th>Hint</th>');
    expect(html).toContain(escaped('duplicateHeaders: number'));
  });
});

describe('a fatal source error in a real run', () => {
  it.override({ sandboxOptions: { seed: 'empty', timeScale: 100 } });
  it('SOURCE_PARSE: the log line and report.json carry code, hint, source and line; report.html shows the hint', async ({ sandbox, tmp }) => {
    pipeline(tmp, 'json-break.json', 'json');
    const { code, logs, report, html } = await runJson(tmp, [], { ...sandbox.env });
    expect(code).toBe(1);
    const detail = { code: 'SOURCE_PARSE', source: 'json-break.json', line: 41, hint: expect.stringContaining('10 element(s) before the break were read') };
    expect(logs.map((l) => l.error)).toContainEqual(expect.objectContaining(detail));
    expect(report).toMatchObject({ kind: 'run', schemaRevision: 5, errorDetail: detail });
    expect(html).toContain(`<th>Hint</th><td>${escaped(report.errorDetail!.hint!)}</td>`);
  });
});
