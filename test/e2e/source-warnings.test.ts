/**
 * Empty and header-only files, header problems and the extractor's source warnings, through the CLI
 * (in process) as users see them: the console lines, the `--json` events, report.json, report.html and
 * the exit code of `zpetl run --dry-run` (offline: no Zoho credentials). The real run's side, resume
 * included, is test/integration/source-warnings.test.ts. Fixtures: fixtures/bad-inputs/.
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

/** A one-step project pipeline over `file` (copied from fixtures/bad-inputs into `dir`). */
function pipeline(dir: string, file: string, o: { fields?: string; source?: string } = {}): string {
  copyFileSync(join(BAD, file), join(dir, file));
  writeFileSync(
    join(dir, 'p.yaml'),
    `version: 1
name: bad-inputs
steps:
  - name: projects
    entity: project
    source: { type: csv, path: ${file}${o.source ?? ''} }
    key: [id]
    fields:
${o.fields ?? '      name: { from: name, required: true }'}
`,
  );
  return 'p.yaml';
}

const dry = (dir: string, ...flags: string[]) => cliInProcess(['run', 'p.yaml', '--dry-run', '--out', 'out', ...flags], dir);
const reportJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
const reportHtml = (dir: string) => readFileSync(join(dir, 'out', 'report.html'), 'utf8');
const events = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });

describe('an empty file (0 bytes)', () => {
  it('ends the step with SOURCE_EMPTY: exit 1, the error on stderr, in report.json and report.html (not "clean")', async ({ tmp }) => {
    pipeline(tmp, 'empty.csv');
    const r = await dry(tmp);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SOURCE_EMPTY: step projects: empty\.csv[: ].*empty/);
    const report = reportJson(tmp);
    expect(report).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(report.error).toMatch(/^SOURCE_EMPTY: step projects: .*empty/);
    const html = reportHtml(tmp);
    expect(html).toContain('SOURCE_EMPTY');
    expect(html).not.toContain('clean');
  });

  it('--json: the error as a log line, and run-end with exit code 1', async ({ tmp }) => {
    pipeline(tmp, 'empty.csv');
    const r = await dry(tmp, '--json');
    expect(r.code).toBe(1);
    const ev = events(r.stdout);
    expect(ev.some((e) => e.type === 'log' && e['level'] === 'error' && String(e['message']).startsWith('SOURCE_EMPTY: step projects:'))).toBe(true);
    expect(ev.at(-1)).toMatchObject({ type: 'run-end', status: 'failed', exitCode: 1 });
  });
});

describe('a header-only file', () => {
  it('is checked against the columns the step names: a misspelt from: column is SOURCE_MISSING_COLUMN (exit 1), with a did-you-mean', async ({ tmp }) => {
    pipeline(tmp, 'header-only.csv', { fields: '      name: { from: nme, required: true }' });
    const r = await dry(tmp);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SOURCE_MISSING_COLUMN: step projects: field name names "nme", not a column of header-only.csv');
    expect(r.stderr).toContain('did you mean "name"?');
    expect(reportJson(tmp).error).toMatch(/^SOURCE_MISSING_COLUMN/);
  });

  it('a misspelt key: or where: column too, before any row', async ({ tmp }) => {
    pipeline(tmp, 'header-only.csv', { fields: '      name: { from: name, required: true }\n    where: { column: Email, notEmpty: true }' });
    const r = await dry(tmp);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('where: names "Email"');
  });

  it('with the right columns: exit 0, and report.html says no rows were read, never "clean"', async ({ tmp }) => {
    pipeline(tmp, 'header-only.csv');
    const r = await dry(tmp);
    expect(r.code, r.stderr).toBe(0);
    const html = reportHtml(tmp);
    expect(html).not.toContain('>clean<');
    expect(html).toMatch(/no rows were read|source warning/);
  });

  it.runIf(contract.noRecords)('says "no records after the header" in the console, --json, report.json and report.html (exit 0)', async ({ tmp }) => {
    pipeline(tmp, 'header-only.csv');
    const r = await dry(tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/projects: warning SOURCE_NO_RECORDS(?: \(header-only\.csv:\d+\))?: no records after the header/);
    expect(r.stdout).toContain('warnings: SOURCE_NO_RECORDS 1');
    expect(reportJson(tmp).sourceWarnings).toEqual([expect.objectContaining({ step: 'projects', code: 'SOURCE_NO_RECORDS', source: 'header-only.csv' })]);
    expect(reportHtml(tmp)).toMatch(/Source warnings[\s\S]*SOURCE_NO_RECORDS[\s\S]*no records after the header/);
    const json = await dry(tmp, '--json');
    expect(events(json.stdout)).toContainEqual(expect.objectContaining({ type: 'source-warning', step: 'projects', warning: expect.objectContaining({ code: 'SOURCE_NO_RECORDS' }) }));
  });
});

describe('a duplicated header name', () => {
  const readsEmail = '      name: { from: name, required: true }\n      description: { from: Email }';

  it('read numbered (duplicateHeaders: number): the warning with code, file, line and message in the console, --json, report.json and report.html; counted per code in the summary', async ({ tmp }) => {
    pipeline(tmp, 'duplicate-header.csv', { fields: readsEmail, source: ', duplicateHeaders: number' });
    const r = await dry(tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('projects: warning SOURCE_DUPLICATE_HEADER (duplicate-header.csv:1): header "Email" appears more than once; column 5 is read as "Email_2"');
    expect(r.stdout).toContain('warnings: SOURCE_DUPLICATE_HEADER 1');
    const report = reportJson(tmp);
    expect(report.schemaRevision).toBe(5);
    expect(report.sourceWarnings).toEqual([expect.objectContaining({ step: 'projects', code: 'SOURCE_DUPLICATE_HEADER', source: 'duplicate-header.csv', line: 1 })]);
    expect(report.sourceWarnings![0]!.message).toContain('column 5 is read as "Email_2"');
    // A source warning is no row's: the rows with warnings stay at none.
    expect(report.totals.warned).toBeUndefined();
    const html = reportHtml(tmp);
    expect(html).toMatch(/ok, with 1 source warning/);
    expect(html).toMatch(/Source warnings[\s\S]*duplicate-header\.csv:1[\s\S]*SOURCE_DUPLICATE_HEADER[\s\S]*column 5 is read as &quot;Email_2&quot;/);

    const json = await dry(tmp, '--json');
    const ev = events(json.stdout);
    expect(ev.filter((e) => e.type === 'source-warning')).toEqual([
      expect.objectContaining({ step: 'projects', warning: expect.objectContaining({ code: 'SOURCE_DUPLICATE_HEADER', pos: expect.objectContaining({ line: 1 }) }) }),
    ]);
    expect(ev.at(-1)).toMatchObject({ type: 'run-end', exitCode: 0, warningsByCode: { SOURCE_DUPLICATE_HEADER: 1 } });
  });

  it('a step that names the repeat (Email_2) reads it, with the warning', async ({ tmp }) => {
    pipeline(tmp, 'duplicate-header.csv', { fields: '      name: { from: name, required: true }\n      description: { template: "{Email} {Email_2}" }' });
    const r = await dry(tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('warning SOURCE_DUPLICATE_HEADER (duplicate-header.csv:1)');
  });

  it.runIf(contract.duplicateError)('under the default (duplicateHeaders: error), a step that does not read the repeat stops at its start: SOURCE_DUPLICATE_HEADER naming the header and both columns (exit 1)', async ({ tmp }) => {
    pipeline(tmp, 'duplicate-header.csv', { fields: readsEmail });
    const r = await dry(tmp);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SOURCE_DUPLICATE_HEADER: .*"Email".*\b2\b.*\b5\b/);
    expect(reportJson(tmp).error).toMatch(/^SOURCE_DUPLICATE_HEADER/);
  });
});
