import { describe, expect, it } from 'vitest';
import { referenceLink, referenceSection } from '../../../../src/pipeline/file/reference-anchors.js';
import { pipelineReferenceText } from '../../../../src/pipeline/file/reference-doc.js';
import { validatePipelineText } from '../../../../src/pipeline/file/load-pipeline.js';

const INPUT = {
  name: 'p',
  options: { batchSize: 500, window: { start: '25:00' } },
  steps: [
    {
      name: 'tasks',
      entity: 'task',
      source: { type: 'csv', path: 'x.csv', encoding: 'ebcdic' },
      key: ['ID'],
      fields: {
        name: { from: 'Title', converter: [{ type: 'trim' }, { type: 'date', formats: ['QQ'] }] },
        startDate: { converter: 'date' },
        priority: { converter: { type: 'emum' } },
        parent: { lookup: { kind: 'task-by-key' } },
        owners: { lookup: { kind: 'user-by-nickname' } },
        estimate: { from: 'Estimate (h), rounded' },
        cf_points: { from: 'Points' },
      },
    },
    { name: 'logs', entity: 'timelog', source: { type: 'ndjson', path: 'l.ndjson' }, key: ['id'], fields: {} },
    { name: 'pay', source: { type: 'zoho-timelogs', period: 'yesterday' } },
    { name: 'odd', entity: 'ticket', source: { type: 'xml' }, fields: { x: {} } },
    { name: 'people', entity: 'user', source: { type: 'csv', path: 'u.csv' }, key: ['E'], fields: { email: { from: 'E' }, firstName: { from: 'F' }, role: { from: 'R' } } },
    { name: 'members', entity: 'user', source: { type: 'csv', path: 'u.csv' }, key: ['E'], fields: { email: { from: 'E' }, project: { from: 'P' }, role: { from: 'R' } } },
    { name: 'portal', entity: 'user', scope: 'portal', source: { type: 'csv', path: 'u.csv' }, key: ['E'], fields: { email: { from: 'E' }, project: { from: 'P' } } },
  ],
  payroll: { timeZone: 3 },
};

describe('referenceSection: each place of a pipeline file links to the section that explains it', () => {
  const cases: [string, (string | number)[], string][] = [
    ['an unknown task field → the task table', ['steps', 0, 'fields', 'estimate'], 'entity-task'],
    ['a required field missing → the entity table', ['steps', 1, 'fields'], 'entity-timelog'],
    ['a field of an unknown entity → the entity list', ['steps', 3, 'fields', 'x'], 'entities'],
    ['a known field whose spec is wrong → fields', ['steps', 0, 'fields', 'name'], 'fields'],
    ['a converter in a chain → that converter', ['steps', 0, 'fields', 'name', 'converter', 1, 'formats', 0], 'converter-date'],
    ['a bare-name converter', ['steps', 0, 'fields', 'startDate', 'converter'], 'converter-date'],
    ['an unknown converter type → the converter list', ['steps', 0, 'fields', 'priority', 'converter', 'type'], 'converters'],
    ['a lookup problem → that lookup kind', ['steps', 0, 'fields', 'parent', 'lookup', 'step'], 'lookup-task-by-key'],
    ['an unknown lookup kind → the lookup list', ['steps', 0, 'fields', 'owners', 'lookup', 'kind'], 'lookups'],
    ['a field source (from)', ['steps', 0, 'fields', 'estimate', 'from'], 'field-sources'],
    ['a field source the schema does not know yet (template)', ['steps', 0, 'fields', 'name', 'template'], 'field-sources'],
    ['a custom field', ['steps', 0, 'fields', 'cf_points'], 'custom-fields'],
    ['a source option → that source type', ['steps', 0, 'source', 'encoding'], 'source-csv'],
    ['an NDJSON source', ['steps', 1, 'source', 'path'], 'source-ndjson'],
    ['an unknown source type → sources', ['steps', 3, 'source', 'type'], 'sources'],
    ['where', ['steps', 0, 'where', 0, 'column'], 'where'],
    ['mode', ['steps', 0, 'mode'], 'modes'],
    ['key', ['steps', 0, 'key'], 'key'],
    ['dependsOn', ['steps', 0, 'dependsOn', 0], 'depends-on'],
    ['externalIdField', ['steps', 0, 'externalIdField'], 'external-id-field'],
    ['scope → the user table', ['steps', 0, 'scope'], 'entity-user'],
    ['entity', ['steps', 3, 'entity'], 'entities'],
    ['a refused field (a user\'s firstName) → the user table, which says why', ['steps', 4, 'fields', 'firstName'], 'entity-user'],
    ['role on a portal-scope user step (no project field) → the scope row', ['steps', 4, 'fields', 'role'], 'scope'],
    ['project on a `scope: portal` user step → the scope row', ['steps', 6, 'fields', 'project'], 'scope'],
    ['role on a project-scope user step, its spec wrong → fields', ['steps', 5, 'fields', 'role'], 'fields'],
    ['an unknown step key', ['steps', 0, 'colour'], 'steps'],
    ['the step itself', ['steps', 2], 'steps'],
    ['an export step', ['steps', 2, 'source', 'period'], 'export-steps'],
    ['options', ['options', 'batchSize'], 'options'],
    ['the window', ['options', 'window', 'start'], 'window'],
    ['rejectLimit', ['options', 'rejectLimit'], 'reject-limit'],
    ['payroll', ['payroll', 'timeZone'], 'payroll'],
    ['the top level', ['name'], 'top-level'],
    ['the file', [], 'top-level'],
  ];
  const anchors = new Set([...pipelineReferenceText().matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!));
  for (const [what, path, section] of cases) {
    it(what, () => {
      expect(referenceSection(path, INPUT)).toBe(section);
      expect(anchors, `docs/pipelines.md has #${section}`).toContain(section);
    });
  }

  it('links are docs/pipelines.md#section', () => {
    expect(referenceLink(['steps', 0, 'fields', 'estimate'], INPUT)).toBe('docs/pipelines.md#entity-task');
  });
});

describe('validate problems carry their reference link', () => {
  it('an unknown field, a converter and a source option each link to their section', () => {
    const text = `version: 1
name: p
steps:
  - name: tasks
    entity: task
    source: { type: csv, path: x.csv, encoding: ebcdic }
    key: [ID]
    fields:
      project: { from: P, lookup: { kind: project-by-name } }
      name: { from: Title, converter: { type: date, formats: [QQ] } }
      estimate: { from: E }
`;
    const r = validatePipelineText(text, 'p.yaml', {});
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.doc]));
    expect(byPath).toMatchObject({
      'steps[0].source.encoding': 'docs/pipelines.md#source-csv',
      'steps[0].fields.name.converter.formats[0]': 'docs/pipelines.md#converter-date',
    });
    // The field names are checked once the rest of the step is valid (zod runs refinements last).
    const fixed = validatePipelineText(text.replace(', encoding: ebcdic', '').replace(', converter: { type: date, formats: [QQ] }', ''), 'p.yaml', {});
    expect(fixed.problems.map((p) => [p.path, p.doc])).toEqual([['steps[0].fields.estimate', 'docs/pipelines.md#entity-task']]);
  });

  it('a step cycle links to dependsOn', () => {
    const text = `name: p
steps:
  - { name: a, entity: project, source: { type: csv, path: a.csv }, key: [id], fields: { name: {} }, dependsOn: [b] }
  - { name: b, entity: project, source: { type: csv, path: b.csv }, key: [id], fields: { name: {} }, dependsOn: [a] }
`;
    const r = validatePipelineText(text, 'p.yaml', {});
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.doc).toBe('docs/pipelines.md#depends-on');
  });
});
