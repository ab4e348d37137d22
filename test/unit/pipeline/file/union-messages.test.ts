/** A union's problem is reported against the branch the value's shape picks, or lists every allowed value. */
import { describe, expect, it } from 'vitest';
import { validatePipelineText } from '../../../../src/pipeline/file/load-pipeline.js';

const step = (field: string) => `version: 1
name: t
steps:
  - name: s
    entity: task
    source: { type: csv, path: x.csv }
    key: [id]
    fields:
      project: { from: P, lookup: { kind: project-by-name } }
      name: { from: N }
      ${field}
`;
const problems = (field: string) => validatePipelineText(step(field), 'p.yaml', {}).problems.map((p) => `${p.path}: ${p.message}`);

describe('validate: union messages', () => {
  it('a converter object names its missing option', () => {
    expect(problems('startDate: { from: S, converter: { type: datetime } }')).toEqual(['steps[0].fields.startDate.converter.zone: missing "zone": expected string']);
    expect(problems('startDate: { from: S, converter: { type: duration } }')).toEqual([
      'steps[0].fields.startDate.converter.format: missing "format": expected one of "hh:mm" | "h.mm" | "decimal" | "units"',
    ]);
    // In a chain too: the array branch, then the object branch of its element.
    expect(problems('priority: { from: S, converter: [trim, { type: enum }] }')).toEqual(['steps[0].fields.priority.converter[1].map: missing "map": expected record']);
  });

  it('an unknown converter type lists the types; an unknown bare name lists the bare names', () => {
    expect(problems('startDate: { from: S, converter: { type: dtae } }')).toEqual([
      'steps[0].fields.startDate.converter.type: unknown type "dtae"; expected one of date, datetime, time, duration, enum, trim, email, html, number, boolean, list, lower, upper, split, replace, map',
    ]);
    expect(problems('startDate: { from: S, converter: dtae }')).toEqual([
      'steps[0].fields.startDate.converter: expected one of "date" | "time" | "trim" | "lower" | "upper" | "email" | "html" | "number" | "boolean" | "list", got "dtae"',
    ]);
  });

  it('onMissing lists every allowed value; an object names its own problem', () => {
    expect(problems('owners: { from: O, converter: list, lookup: { kind: user-by-email, onMissing: skip } }')).toEqual([
      'steps[0].fields.owners.lookup.onMissing: expected one of reject | warn | { default: VALUE }, got "skip"',
    ]);
    expect(problems('owners: { from: O, converter: list, lookup: { kind: user-by-email, onMissing: { defalt: x } } }')).toEqual([
      'steps[0].fields.owners.lookup.onMissing.default: missing "default": expected string',
      'steps[0].fields.owners.lookup.onMissing: unknown key "defalt"; did you mean "default"?',
    ]);
  });
});

describe('validate: unknown keys suggest the close one the schema takes', () => {
  it('a date converter`s format → formats; a step`s dependOn → dependsOn; nothing close → no suggestion', () => {
    expect(problems('startDate: { from: S, converter: { type: date, format: [YYYY-MM-DD] } }')).toEqual([
      'steps[0].fields.startDate.converter: unknown key "format"; did you mean "formats"?',
    ]);
    const text = step('').replace('    key: [id]\n', '    key: [id]\n    dependOn: [s]\n');
    expect(validatePipelineText(text, 'p.yaml', {}).problems.map((p) => p.message)).toEqual(['unknown key "dependOn"; did you mean "dependsOn"?']);
    expect(problems('startDate: { from: S, zzz: 1 }')).toEqual(['steps[0].fields.startDate: unknown key "zzz"']);
  });
});
