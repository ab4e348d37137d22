/**
 * init's output always parses and validates apart from its CHANGE_ME values, whatever the header holds:
 * commas, parentheses, quotes, colons, `#`, leading dashes, `${`, unicode, line breaks, empty and
 * repeated names. Every `from` reads back as the column name the extractor gives.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as csvStringify } from 'csv-stringify/sync';
import { describe, expect } from 'vitest';
import { parse } from 'yaml';
import { ENTITY_KINDS, type EntityKind } from '../../../../src/core/entity-kind.js';
import { validatePipelineText } from '../../../../src/pipeline/file/load-pipeline.js';
import { readSourceSample } from '../../../../src/pipeline/file/init-sample.js';
import { renderStarterPipeline } from '../../../../src/pipeline/file/init-template.js';
import { it } from '../../../helpers/fixtures.js';

type Field = { from?: string; converter?: unknown; lookup?: { kind: string; step?: unknown } };
type Doc = { steps: { key: string[]; fields: Record<string, Field> }[] };

/** Renders init's pipeline for a CSV text and validates it as a file next to the CSV. */
async function initOf(dir: string, csv: string, entity: EntityKind) {
  writeFileSync(join(dir, 'in.csv'), csv);
  const sample = await readSourceSample(join(dir, 'in.csv'));
  const text = renderStarterPipeline({ name: 'starter', entity, sourcePath: 'in.csv', sample, schemaPath: '../schema/pipeline.schema.json' });
  return { text, sample, result: validatePipelineText(text, join(dir, 'p.yaml'), {}) };
}

/** What the loader makes of a written value (load-pipeline.ts interpolate: `$${` is a literal `${`). */
const unescape = (s: string) => s.replace(/\$?\$\{/g, (m) => (m.startsWith('$$') ? m.slice(1) : m));

describe('init output for awkward headers', () => {
  it('a header with commas and parentheses round-trips, and an enum placeholder with commas parses', async ({ tmp }) => {
    const csv = 'ID,Summary,"Estimate (h), rounded",Priority,"Due, (Date)"\n1,Write,3,Urgent,2025-11-20\n2,Read,4,High,2025-11-21\n';
    const { text, result } = await initOf(tmp, csv, 'task');
    const fields = (parse(text) as Doc).steps[0]!.fields;
    expect(text).toContain('endDate: { from: "Due, (Date)", converter: { type: date, formats: [ YYYY-MM-DD ] } }');
    expect(fields['endDate']!.from).toBe('Due, (Date)');
    expect(text).toContain('# columns not used: "Estimate (h), rounded"');
    expect(fields['priority']!.converter).toEqual({ type: 'enum', map: { Urgent: 'CHANGE_ME (one of none, low, medium, high)', High: 'high' } });
    // Only the CHANGE_ME values are left: the project column, and the spelling "Urgent".
    expect(result.problems.map((p) => p.path)).toEqual(['steps[0].fields.project.from', 'steps[0].fields.priority.converter.map.Urgent']);
    for (const p of result.problems) expect(p.message).toMatch(/^still needs a value: replace "CHANGE_ME/);
    expect(result.problems[0]!.line).toBe(text.split('\n').findIndex((l) => l.includes('project: {')) + 1);
  });

  it('starts with the yaml-language-server schema line', async ({ tmp }) => {
    const { text } = await initOf(tmp, 'ID,Name\n1,a\n', 'project');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/pipeline.schema.json');
  });

  it('a datetime column gets a date converter with the datetime format, and says the date part is kept', async ({ tmp }) => {
    const { text } = await initOf(tmp, 'Issue key,Summary,Project,Start date\nPRJ-1,Fix,Alpha,05/Nov/25 11:03 AM\nPRJ-2,Do,Alpha,17/Nov/25 2:15 PM\n', 'task');
    expect((parse(text) as Doc).steps[0]!.fields['startDate']).toEqual({ from: 'Start date', converter: { type: 'date', formats: ['DD/MMM/YY h:mm A'] } });
    expect(text).toContain('the date converter keeps the date part');
  });

  it('each date column keeps its own format; one that leaves day/month open takes the order the others settle', async ({ tmp }) => {
    const { text } = await initOf(tmp, 'ID,Name,Project,Start Date,Due Date,Completed\nA,x,P,05/Nov/25 11:03 AM,2025-11-20 09:00,x\n', 'task');
    const fields = (parse(text) as Doc).steps[0]!.fields;
    expect(fields['startDate']!.converter).toEqual({ type: 'date', formats: ['DD/MMM/YY h:mm A'] });
    expect(fields['endDate']!.converter).toEqual({ type: 'date', formats: ['YYYY-MM-DD HH:mm'] });
    const settled = await initOf(tmp, 'ID,Name,Project,Start Date,Due Date\nA,x,P,03/04/2025,12/25/2025\n', 'task');
    const f2 = (parse(settled.text) as Doc).steps[0]!.fields;
    expect(f2['startDate']!.converter).toEqual({ type: 'date', formats: ['MM/DD/YYYY'] });
    expect(f2['endDate']!.converter).toEqual({ type: 'date', formats: ['MM/DD/YYYY'] });
  });

  it('12-hour start and end times of time logs get a time converter; 24-hour HH:MM needs none', async ({ tmp }) => {
    const twelve = await initOf(tmp, 'Log ID,Task ID,User,Date,Hours,Billable,Start Time\nL1,T1,a@b.example,2026-11-02,01:30,Yes,11:03 AM\n', 'timelog');
    expect((parse(twelve.text) as Doc).steps[0]!.fields['startTime']).toEqual({ from: 'Start Time', converter: { type: 'time', formats: ['h:mm A'] } });
    const plain = await initOf(tmp, 'Log ID,Task ID,User,Date,Hours,Billable,Start Time\nL1,T1,a@b.example,2026-11-02,01:30,Yes,09:00\n', 'timelog');
    expect((parse(plain.text) as Doc).steps[0]!.fields['startTime']).toEqual({ from: 'Start Time' });
  });

  it('a lookup of an earlier step it cannot name is a CHANGE_ME, named once by validate', async ({ tmp }) => {
    const { text, result } = await initOf(tmp, 'ID,Name,Project,Parent ID\n2,b,Alpha,1\n', 'subtask');
    expect((parse(text) as Doc).steps[0]!.fields['parent']!.lookup).toEqual({ kind: 'task-by-key', step: 'CHANGE_ME (the step that loads the tasks)' });
    expect(result.problems.map((p) => [p.path, p.doc])).toEqual([['steps[0].fields.parent.lookup.step', 'docs/pipelines.md#lookup-task-by-key']]);
  });

  it('empty, repeated, padded and line-broken header names: `from` uses the extractor\'s names, comments stay comments', async ({ tmp }) => {
    const csv = 'ID," Name ",,Name,"Start\nDate",Start Date\n1,a,,b,x,2025-01-02\n';
    const { text, sample, result } = await initOf(tmp, csv, 'project');
    expect(sample.header).toEqual(['ID', 'Name', 'column_3', 'Name_2', 'Start\nDate', 'Start Date']);
    expect((parse(text) as Doc).steps[0]!.fields['name']!.from).toBe('Name');
    expect(text).toContain('# columns not used: column_3, Name_2, "Start\\nDate"');
    expect(result.ok).toBe(true);
  });

  it('property: for generated headers and values, the output parses and validates apart from CHANGE_ME, and every from is a column', async ({ tmp }) => {
    const synonyms = ['id', 'name', 'title', 'project', 'priority', 'email', 'start date', 'due date', 'owner', 'hours', 'date', 'billable', 'parent id', 'task id', 'list', 'milestone', 'first name', 'role'];
    const decor = fc.constantFrom('', ',', ' (h)', '(', ')', '"', "'", ':', ': ', '#', ' #x', '- ', '-', '--', '?', '!', '&', '*', '|', '>', '%', '@', '`', '[', ']', '{', '}', '${X}', '$${', 'ü', 'Ünï', '日本', '\t', ' ', ', rounded');
    const header = fc.oneof(
      fc.tuple(decor, fc.constantFrom(...synonyms), decor).map(([a, s, b]) => `${a}${s}${b}`),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('', 'Estimate (h), rounded', '- dash', '#hash', 'a: b', '"quoted"', 'CSV, "with" (all)'),
    );
    const cellValue = fc.oneof(fc.string({ maxLength: 10 }).filter((v) => !/^\s*\d/.test(v)), fc.constantFrom('High', 'low, maybe', 'a: b', '#x', '- y', '"q"', '${HOME}', 'Ja', '2025-11-20', '01:30', ''));
    await fc.assert(
      fc.asyncProperty(fc.array(header, { minLength: 1, maxLength: 8 }), fc.constantFrom(...ENTITY_KINDS), fc.array(fc.array(cellValue, { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 3 }), async (names, entity, rows) => {
        // A header line of blanks only is no header (SOURCE_EMPTY): keep one visible name.
        if (names.every((n) => n.trim() === '')) names = ['ID', ...names];
        const csv = csvStringify([names, ...rows.map((r) => r.slice(0, names.length))]);
        const { text, sample, result } = await initOf(tmp, csv, entity);
        const doc = parse(text) as Doc;
        const others = result.problems.filter((p) => !p.message.startsWith('still needs a value'));
        expect(others, text).toEqual([]);
        for (const [field, spec] of Object.entries(doc.steps[0]!.fields)) {
          if (spec.from !== undefined && !spec.from.startsWith('CHANGE_ME')) expect(sample.header, field).toContain(unescape(spec.from));
        }
        for (const k of doc.steps[0]!.key) if (!k.startsWith('CHANGE_ME')) expect(sample.header).toContain(unescape(k));
      }),
      // A fixed seed: CI must not fail at random. Known counterexample left for the delimiter guess: the header `;;,id` is read as `;`-separated.
      { numRuns: 150, seed: 20261204 },
    );
  });
});
