import { describe, expect, it } from 'vitest';
import { LoadStepSchema } from '../../../../src/pipeline/file/schema.js';
import { fatalSourceError, repeatsReadOf, sourceWarningRow } from '../../../../src/pipeline/prepare/source-warnings.js';

const step = (fields: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  LoadStepSchema.parse({ name: 'tasks', entity: 'task', source: { type: 'csv', path: 'x.csv' }, key: ['Key'], fields: { project: { default: 'P', lookup: { kind: 'project-by-name' } }, name: { from: 'Summary' }, ...fields }, ...more });

describe('repeatsReadOf: the repeated headers a step reads by their numbered keys', () => {
  it('the name of a collect: source, and the base of every Name_2, Name_3 … in from, template, coalesce, key and where', () => {
    expect([...repeatsReadOf(step({ owners: { collect: 'Labels' } }))]).toEqual(['Labels']);
    expect([...repeatsReadOf(step({ description: { template: '{Labels} {Labels_2} {Labels_3}' } }))]).toEqual(['Labels']);
    expect([...repeatsReadOf(step({ tasklist: { coalesce: ['Sprint_2', 'Sprint'] } }))]).toEqual(['Sprint']);
    expect([...repeatsReadOf(step({ description: { from: 'Email_2' } }))]).toEqual(['Email']);
    expect([...repeatsReadOf(step({}, { key: ['Key_2'], where: { column: 'Type_10', equals: 'x' } }))].sort()).toEqual(['Key', 'Type']);
  });

  it('nothing for a step that names no repeat (Name_1 and Name_0 are no repeat keys); a constant field names no column', () => {
    expect(repeatsReadOf(step({ description: { from: 'Notes_1' }, priority: { from: 'Phase_0' } })).size).toBe(0);
    expect(repeatsReadOf(step({ description: { default: 'Ann_2' } })).size).toBe(0);
  });
});

describe('fatalSourceError', () => {
  it('SOURCE_EMPTY ends the step with its own code, naming the step, at the warning\'s position; the others are warnings', () => {
    const e = fatalSourceError('tasks', { code: 'SOURCE_EMPTY', message: 'x.csv: file is empty: no header line', pos: { source: 'x.csv', line: 1, index: 0 } });
    expect(e).toMatchObject({ code: 'SOURCE_EMPTY', message: 'step tasks: x.csv: file is empty: no header line', disposition: 'fatal', pos: { source: 'x.csv', line: 1 } });
    for (const code of ['SOURCE_NO_RECORDS', 'SOURCE_DUPLICATE_HEADER', 'SOURCE_BLANK_LINES', 'SOURCE_ENCODING_FALLBACK'] as const) {
      expect(fatalSourceError('tasks', { code, message: 'm' })).toBeUndefined();
    }
  });
});

describe('sourceWarningRow', () => {
  it('a negative index from the ordinal, the column or empty, the header line when the warning has no position', () => {
    expect(sourceWarningRow({ code: 'SOURCE_NO_RECORDS', message: 'm' }, 'x.csv', 0)).toEqual({ code: 'SOURCE_NO_RECORDS', message: 'm', field: '', pos: { source: 'x.csv', line: 1, index: -1 } });
    expect(sourceWarningRow({ code: 'SOURCE_DUPLICATE_HEADER', message: 'm', field: 'Email_2', pos: { source: 'y.csv', line: 3, index: 0 } }, 'x.csv', 2).pos).toEqual({ source: 'y.csv', line: 3, index: -3 });
  });
});
