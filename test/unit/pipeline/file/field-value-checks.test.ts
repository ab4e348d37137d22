/** Validate refuses fields whose values certainly cannot load: constant defaults, converter outputs, refs with no lookup, api-user off the time log. */
import { describe, expect, it } from 'vitest';
import { validatePipelineText } from '../../../../src/pipeline/file/load-pipeline.js';

const step = (entity: string, fields: string) => `version: 1
name: t
steps:
  - name: s
    entity: ${entity}
    source: { type: csv, path: x.csv }
    key: [id]
    fields:
${fields}`;

const LOG = `      project: { from: P, lookup: { kind: project-by-name } }
      logName: { default: General }
      date: { from: D, converter: date }
      minutes: { from: M, converter: { type: duration, format: "hh:mm" } }
      billing: { default: Billable }
      user: { from: U, lookup: { kind: user-by-email } }
`;
const log = (replace: Record<string, string>) => {
  let f = LOG;
  for (const [k, v] of Object.entries(replace)) f = f.replace(new RegExp(`^      ${k}: .*$`, 'm'), `      ${k}: ${v}`);
  return step('timelog', f);
};
const problems = (text: string) => validatePipelineText(text, 'p.yaml', {}).problems.map((p) => `${p.path}: ${p.message}`);

describe('validate: what a field will hold', () => {
  it('the base time-log step is valid', () => {
    expect(problems(log({}))).toEqual([]);
  });

  it('a constant default is checked against the field: minutes, enum values, dates (a default is not converted)', () => {
    expect(problems(log({ minutes: '{ from: M, converter: { type: duration, format: "hh:mm" }, default: "60" }' }))).toEqual([
      'steps[0].fields.minutes.default: default for timelog field "minutes": "60" is not a whole number of minutes (a default is not converted: write it as a number, e.g. 60)',
    ]);
    expect(problems(log({ minutes: '{ from: M, default: 60 }' }))).toEqual([]);
    expect(problems(log({ billing: '{ default: billable }' }))).toEqual([
      'steps[0].fields.billing.default: default for timelog field "billing": "billable" is not one of Billable, Non Billable (a default is not converted)',
    ]);
    expect(problems(log({ date: '{ from: D, converter: date, default: 02/11/2026 }' }))).toEqual([
      'steps[0].fields.date.default: default for timelog field "date": "02/11/2026" is no date YYYY-MM-DD (a default is not converted)',
    ]);
  });

  it('a converter whose output cannot fit the field is refused: a datetime on a date field, a list on a scalar one', () => {
    expect(problems(log({ date: '{ from: D, converter: { type: datetime, zone: UTC } }' }))).toEqual([
      'steps[0].fields.date.converter: the converter gives a datetime but timelog field "date" is a date: every row would be rejected',
    ]);
    expect(problems(log({ logName: '{ from: L, converter: [trim, list] }' }))).toEqual([
      'steps[0].fields.logName.converter: the converter gives a list but timelog field "logName" is a string: every row would be rejected',
    ]);
  });

  it('a ref holding e-mails without a lookup is refused at validate; a plain column (it may hold ids) is left to the per-row check', () => {
    expect(problems(log({ user: '{ from: U, converter: email }' }))).toEqual([
      'steps[0].fields.user.lookup: timelog field "user" holds Zoho ids, and an e-mail is none: add a lookup (e.g. `lookup: { kind: user-by-email }`)',
    ]);
    expect(problems(log({ user: '{ from: U }' }))).toEqual([]);
  });

  it('api-user is the time log user\'s only: as its default, or its lookup\'s onMissing default; refused on any other field', () => {
    expect(problems(log({ user: '{ default: api-user }' }))).toEqual([]);
    expect(problems(log({ user: '{ from: U, lookup: { kind: user-by-email, onMissing: { default: api-user } } }' }))).toEqual([]);
    expect(problems(step('project', '      name: { from: N }\n      owner: { from: O, lookup: { kind: user-by-email }, default: api-user }\n'))).toEqual([
      'steps[0].fields.owner.default: api-user credits the API user on a time log\'s "user" only; project field "owner" needs a user, e.g. `lookup: { kind: user-by-email }` with an e-mail',
    ]);
  });
});
