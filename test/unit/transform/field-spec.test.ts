import { describe, expect, it } from 'vitest';
import { headerKeys } from '../../../src/extract/csv-header.js';
import { fieldColumns, FieldSpecSchema, parseTemplate } from '../../../src/transform/field-spec.js';

const problems = (spec: unknown): string[] => {
  const r = FieldSpecSchema.safeParse(spec);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('field sources: at most one of from, template, coalesce, collect', () => {
  it('accepts each alone, and none (from defaults to the target name)', () => {
    for (const spec of [{}, { from: 'A' }, { template: '{A}' }, { coalesce: ['A', 'B'] }, { collect: 'Labels' }]) expect(problems(spec)).toEqual([]);
  });
  it('refuses two, naming them', () => {
    expect(problems({ from: 'A', template: '{B}' })).toEqual(['template: a field takes its value from one source: give one of from, template, coalesce or collect (given: from, template)']);
    expect(problems({ coalesce: ['A'], collect: 'L' })).toEqual([expect.stringMatching(/^collect: .*\(given: coalesce, collect\)$/)]);
  });
  it('refuses an empty coalesce list and empty names', () => {
    expect(problems({ coalesce: [] })).toEqual([expect.stringMatching(/^coalesce: /)]);
    expect(problems({ coalesce: ['A', ''] })).toEqual([expect.stringMatching(/^coalesce\.1: /)]);
    expect(problems({ collect: '' })).toEqual([expect.stringMatching(/^collect: /)]);
  });
});

describe('templates', () => {
  it('split into literals and columns; {{ and }} are literal braces; names may hold spaces and parentheses', () => {
    expect(parseTemplate('{Summary} ({Issue key})')).toEqual({ parts: [{ column: 'Summary' }, ' (', { column: 'Issue key' }, ')'] });
    expect(parseTemplate('{{{Key}}} {Cost (EUR)}')).toEqual({ parts: ['{', { column: 'Key' }, '} ', { column: 'Cost (EUR)' }] });
  });
  it('the schema refuses unclosed or lone braces, {} and a template naming no column', () => {
    expect(problems({ template: '{Summary' })).toEqual(['template: the "{" at position 1 is not closed: write {Column name}, or "{{" for a literal brace']);
    expect(problems({ template: '{A {B}' })).toEqual([expect.stringMatching(/"\{" at position 1 is not closed/)]);
    expect(problems({ template: 'a } b {A}' })).toEqual(['template: a "}" at position 3 closes nothing: write "}}" for a literal brace']);
    expect(problems({ template: '{A} { }' })).toEqual(['template: "{}" at position 5 names no column']);
    expect(problems({ template: 'fixed {{text}}' })).toEqual(['template: the template names no column: write {Column name} (for a fixed value, use default:)']);
  });
});

describe('fieldColumns: the source columns a field reads', () => {
  const spec = (s: unknown) => FieldSpecSchema.parse(s);
  it('from (default the target), template columns once each, coalesce columns, collect base name', () => {
    expect(fieldColumns(spec({}), 'name')).toEqual(['name']);
    expect(fieldColumns(spec({ from: 'Summary' }), 'name')).toEqual(['Summary']);
    expect(fieldColumns(spec({ template: '{Summary} ({Issue key}) {Summary}' }), 'name')).toEqual(['Summary', 'Issue key']);
    expect(fieldColumns(spec({ coalesce: ['Assignee', 'Reporter'] }), 'owner')).toEqual(['Assignee', 'Reporter']);
    expect(fieldColumns(spec({ collect: 'Labels' }), 'tags')).toEqual(['Labels']);
  });
  it('with the header, collect lists the repeats the extractor named (the run the mapper reads)', () => {
    const { header } = headerKeys(['Summary', 'Labels', 'Labels', 'Sprint', 'Labels', 'Labels_5']);
    expect(header.keys).toEqual(['Summary', 'Labels', 'Labels_2', 'Sprint', 'Labels_3', 'Labels_5']);
    expect(fieldColumns(spec({ collect: 'Labels' }), 'tags', header.keys)).toEqual(['Labels', 'Labels_2', 'Labels_3']);
  });
});
