import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { RowError } from '../../../src/core/record.js';
import { emptyCounts } from '../../../src/core/step-counts.js';
import type { RunReport } from '../../../src/report/model.js';
import { createWarningsCollector, withWarnings } from '../../../src/report/warnings-report.js';
import { renderReportHtml } from '../../../src/report/write-report-html.js';
import { it } from '../../helpers/fixtures.js';

const warning = (line: number, field: string, code: RowError['code'] = 'ROW_UNKNOWN_USER'): RowError => ({ code, message: `${field} left <empty>`, field, pos: { source: 'issues.csv', line, index: line - 2 } });

describe('warnings of a report', () => {
  it('warnings.csv in the rejects layout (one line per warning), counts per code and step, samples capped per step', async ({ tmp: dir }) => {
    const c = await createWarningsCollector(dir, 2);
    c.columns('tasks', ['Key', 'Owner']);
    expect(c.add('tasks', [warning(2, 'owner'), warning(2, 'user')], { Key: 'T-1', Owner: 'Ann' })).toBe(true);
    expect(c.add('tasks', [warning(3, 'owner')], { Key: 'T-2', Owner: 'Bo' })).toBe(false);
    c.add('projects', [warning(5, 'Project', 'ROW_FOLDED_DIFFERS')], { Project: 'Apollo' });
    const w = await c.close();
    expect(w.files).toEqual({ combined: 'warnings.csv', perStep: { tasks: 'warnings-tasks.csv', projects: 'warnings-projects.csv' } });
    expect(readFileSync(join(dir, 'warnings-tasks.csv'), 'utf8')).toBe(
      'Key,Owner,_line,_step,_code,_field,_message\nT-1,Ann,2,tasks,ROW_UNKNOWN_USER,owner,owner left <empty>\nT-1,Ann,2,tasks,ROW_UNKNOWN_USER,user,user left <empty>\nT-2,Bo,3,tasks,ROW_UNKNOWN_USER,owner,owner left <empty>\n',
    );
    expect(w.byCode).toEqual({ ROW_UNKNOWN_USER: 3, ROW_FOLDED_DIFFERS: 1 });
    expect(w.byStep).toEqual({ tasks: { ROW_UNKNOWN_USER: 3 }, projects: { ROW_FOLDED_DIFFERS: 1 } });
    expect(w.samples.map((s) => `${s.step}:${s.line}:${s.field}`)).toEqual(['tasks:2:owner', 'tasks:2:user', 'projects:5:Project']);

    const report: RunReport = {
      schemaVersion: 1,
      kind: 'run',
      pipeline: 'p',
      pipelineFile: 'p.yaml',
      startedAt: '',
      finishedAt: '',
      durationMs: 0,
      status: 'ok',
      exitCode: 0,
      inputs: [],
      steps: [{ name: 'tasks', entity: 'task', mode: 'create', counts: { ...emptyCounts(), read: 2, created: 2, warned: 2 }, rejectsByCode: {} }],
      totals: { ...emptyCounts(), read: 2, created: 2, warned: 2 },
      rejectsByCode: {},
      samples: [],
      files: { reportJson: 'report.json', reportHtml: 'report.html', rejectsCsv: 'rejects.csv', rejectsPerStep: {} },
    };
    const full = withWarnings(report, w);
    expect(full.steps[0]!.warningsByCode).toEqual({ ROW_UNKNOWN_USER: 3 });
    expect(full.files).toMatchObject({ warningsCsv: 'warnings.csv', warningsPerStep: w.files.perStep });
    const html = renderReportHtml(full);
    expect(html).toMatch(/<th>Rows with warnings<\/th><td class="n">2<\/td>/);
    expect(html).toMatch(/<th>warned<\/th>/);
    expect(html).toMatch(/Top warning reasons[\s\S]*ROW_UNKNOWN_USER<\/code><\/td><td class="n">3/);
    expect(html).toContain('owner left &lt;empty&gt;');
    expect(html).toContain('<code>warnings.csv</code>');
  });
});
