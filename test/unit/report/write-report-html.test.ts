import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../../src/core/step-counts.js';
import type { RunReport } from '../../../src/report/model.js';
import { renderReportHtml } from '../../../src/report/write-report-html.js';

const report = (read: number, more: Partial<RunReport> = {}): RunReport => ({
  schemaVersion: 1,
  schemaRevision: 4,
  kind: 'dry-run',
  pipeline: 'p',
  pipelineFile: 'p.yaml',
  startedAt: '',
  finishedAt: '',
  durationMs: 0,
  status: 'ok',
  exitCode: 0,
  inputs: [],
  steps: [{ name: 'tasks', entity: 'task', mode: 'create', counts: { ...emptyCounts(), read, valid: read }, rejectsByCode: {} }],
  totals: { ...emptyCounts(), read, valid: read },
  rejectsByCode: {},
  samples: [],
  files: { reportJson: 'report.json', reportHtml: 'report.html', rejectsCsv: 'rejects.csv', rejectsPerStep: {} },
  ...more,
});

describe('report.html status and source warnings', () => {
  it('"clean" only for a finished run that read rows and drew no source warning', () => {
    expect(renderReportHtml(report(3))).toContain('<span class="ok">clean</span>');
    expect(renderReportHtml(report(0))).toContain('ok, but no rows were read');
    expect(renderReportHtml(report(0))).not.toContain('clean');
    const warned = renderReportHtml(report(3, { sourceWarnings: [{ step: 'tasks', code: 'SOURCE_DUPLICATE_HEADER', message: 'header "<b>" appears more than once', source: 'a.csv', line: 1, field: 'B_2' }] }));
    expect(warned).toContain('ok, with 1 source warning</span>');
    expect(warned).not.toContain('clean');
    expect(warned).toMatch(/<h2>Source warnings<\/h2>[\s\S]*<td>tasks<\/td><td><code>a\.csv:1<\/code><\/td><td><code>SOURCE_DUPLICATE_HEADER<\/code><\/td><td>B_2<\/td><td>header &quot;&lt;b&gt;&quot; appears more than once<\/td>/);
    expect(renderReportHtml(report(3))).not.toContain('Source warnings');
  });

  it('not "clean" when rows loaded with warnings (SOURCE_CONTROL_STRIPPED under controlCharacters: strip)', () => {
    const stripped = renderReportHtml(report(3, { totals: { ...emptyCounts(), read: 3, valid: 3, warned: 2 }, warningsByCode: { SOURCE_CONTROL_STRIPPED: 2 } }));
    expect(stripped).toContain('ok, with 2 rows with warnings</span>');
    expect(stripped).not.toContain('clean');
    const both = renderReportHtml(report(3, { totals: { ...emptyCounts(), read: 3, valid: 3, warned: 1 }, sourceWarnings: [{ step: 'tasks', code: 'SOURCE_BLANK_LINES', message: 'a.csv: 1 blank line(s) skipped (the first at line 3)', source: 'a.csv', line: 3 }] }));
    expect(both).toContain('ok, with 1 row with warnings and 1 source warning</span>');
  });

  it('shows DEL and C1 controls in sample rows and messages as \\uXXXX, never raw', () => {
    const sample = { step: 'tasks', source: 'a.csv', line: 4, code: 'SOURCE_CONTROL_CHARACTER', field: 'name', message: 'cell holds \u0093 and \u007f', data: { Name: 'a\u0085b\u0000c\td' } };
    const html = renderReportHtml(report(3, { samples: [sample] }));
    // eslint-disable-next-line no-control-regex
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
    expect(html).toContain('cell holds \\u0093 and \\u007f');
    expect(html).toContain('a\\u0085b\\u0000c\\td');
  });
});
