import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS } from '../../../src/core/entity-kind.js';
import { ENTITY_FIELDS, TASK_NAME_MAX_CHARS } from '../../../src/transform/entity-fields.js';
import { validateRow } from '../../../src/transform/validate-row.js';

const pos = { source: 's.csv', line: 4, index: 2 };
const codes = (entity: Parameters<typeof validateRow>[0], values: Record<string, unknown>) => validateRow(entity, values, pos).map((e) => `${e.code}:${e.field}`);

describe('validateRow', () => {
  it('a valid row of each entity has no errors', () => {
    expect(codes('user', { email: 'a@x.com' })).toEqual([]);
    expect(codes('project', { name: 'P', startDate: '2026-01-01', endDate: '2026-01-01', isPublic: true })).toEqual([]);
    expect(codes('milestone', { project: '1', name: 'M', startDate: '2026-01-01', endDate: '2026-02-01', flag: 'internal' })).toEqual([]);
    expect(codes('tasklist', { project: '1', name: 'L' })).toEqual([]);
    expect(codes('task', { project: '1', name: 'T', priority: 'high', owners: ['9'], completionPercentage: 50, cf_x: {} })).toEqual([]);
    expect(codes('subtask', { project: '1', name: 'T', parent: '7' })).toEqual([]);
    expect(codes('timelog', { project: '1', task: '7', user: 'api-user', date: '2026-03-01', minutes: 90, billing: 'Billable', startTime: '09:00', endTime: '10:30' })).toEqual([]);
  });

  it('required fields, each reported', () => {
    expect(codes('milestone', { name: '' })).toEqual(['ROW_REQUIRED:project', 'ROW_REQUIRED:name', 'ROW_REQUIRED:startDate', 'ROW_REQUIRED:endDate']);
    expect(codes('timelog', { project: '1', user: '9', date: '2026-03-01', minutes: 30, billing: 'Billable' })).toEqual(['ROW_REQUIRED:logName']);
    // A log's owner is required: without one Zoho credits the API user (a payroll trap).
    expect(codes('timelog', { project: '1', task: '7', date: '2026-03-01', minutes: 30, billing: 'Billable' })).toEqual(['ROW_REQUIRED:user']);
  });

  it("Zoho's length limits: task name 10 000, description 80 000; assumed limits elsewhere", () => {
    expect(codes('task', { project: '1', name: 'x'.repeat(TASK_NAME_MAX_CHARS) })).toEqual([]);
    const long = validateRow('task', { project: '1', name: 'x'.repeat(TASK_NAME_MAX_CHARS + 1), description: 'd'.repeat(80_001) }, pos);
    expect(long.map((e) => e.code)).toEqual(['ROW_TOO_LONG', 'ROW_TOO_LONG']);
    expect(long[0]!.message).toBe(`"name" has 10001 characters; the limit is 10000 (Zoho's)`);
    expect(String(long[0]!.value).length).toBeLessThan(250);
    expect(codes('project', { name: 'p'.repeat(256) })).toEqual(['ROW_TOO_LONG:name']);
    expect(ENTITY_FIELDS.project.name!.limitSource).toBe('assumed');
  });

  it('start after end is ROW_DATE_RANGE (dates and log times)', () => {
    expect(codes('task', { project: '1', name: 'T', startDate: '2026-03-02', endDate: '2026-03-01' })).toEqual(['ROW_DATE_RANGE:endDate']);
    expect(codes('timelog', { project: '1', task: '7', user: '9', date: '2026-03-01', minutes: 60, billing: 'Billable', startTime: '11:00', endTime: '10:00' })).toEqual(['ROW_DATE_RANGE:endTime']);
  });

  it('one log: more than 0 and at most 24 hours', () => {
    const log = (minutes: unknown) => codes('timelog', { project: '1', task: '7', user: '9', date: '2026-03-01', minutes, billing: 'Billable' });
    expect(log(1440)).toEqual([]);
    expect(log(1441)).toEqual(['ROW_INVALID_DURATION:minutes']);
    expect(log(0)).toEqual(['ROW_INVALID_DURATION:minutes']);
    expect(log(1.5)).toEqual(['ROW_INVALID_DURATION:minutes']);
    expect(log('01:30')).toEqual(['ROW_INVALID_DURATION:minutes']);
  });

  it('types: unconverted dates, enums, numbers, booleans, refs are caught with a hint', () => {
    const errs = validateRow('task', { project: 1, name: 'T', startDate: '03/01/2026', priority: 'High', completionPercentage: 101, owners: 'a@x.com' }, pos);
    expect(errs.map((e) => e.code)).toEqual(['ROW_INVALID_VALUE', 'ROW_INVALID_DATE', 'ROW_INVALID_ENUM', 'ROW_INVALID_VALUE', 'ROW_INVALID_NUMBER']);
    expect(errs[1]!.message).toMatch(/date converter/);
    expect(codes('project', { name: 'P', isPublic: 'yes' })).toEqual(['ROW_INVALID_BOOLEAN:isPublic']);
    expect(codes('user', { email: 'nope' })).toEqual(['ROW_INVALID_EMAIL:email']);
  });

  it('every entity kind has fields and every enum has values', () => {
    for (const k of ENTITY_KINDS) {
      expect(Object.keys(ENTITY_FIELDS[k]).length).toBeGreaterThan(0);
      for (const f of Object.values(ENTITY_FIELDS[k])) if (f.type === 'enum') expect(f.values?.length).toBeGreaterThan(0);
    }
  });
});

describe('validateRow messages name the offending value', () => {
  const p = { source: 'x.csv', line: 2, index: 0 };
  it('dates, minutes, enums, text: the value as given, a long one clipped', () => {
    const msg = (entity: Parameters<typeof validateRow>[0], values: Record<string, unknown>, field: string) => validateRow(entity, values, p).find((e) => e.field === field)?.message;
    const log = { project: '1', task: '2', user: '3', date: '2026-11-02', minutes: 60, billing: 'Billable' };
    expect(msg('timelog', { ...log, date: '02/11/2026' }, 'date')).toBe('"date" must be a date YYYY-MM-DD, got "02/11/2026" (use a date converter with the source\'s format)');
    expect(msg('timelog', { ...log, minutes: '60' }, 'minutes')).toBe('"minutes" must be whole minutes, got "60" (use a duration converter)');
    expect(msg('timelog', { ...log, billing: 'billable' }, 'billing')).toBe('"billing" must be one of Billable, Non Billable, got "billable" (use an enum converter to map the source\'s values)');
    expect(msg('timelog', { ...log, notes: 5 }, 'notes')).toBe('"notes" must be text, got 5 (number)');
    expect(msg('timelog', { ...log, startTime: 'x'.repeat(300) }, 'startTime')).toBe(`"startTime" must be a time HH:MM (24-hour), got "${'x'.repeat(80)}…(300 chars)"`);
  });
});

describe('validateRow: e-mail fields follow the address rule (core/email-address.ts)', () => {
  it('accepts internationalised addresses: IDN domains (Unicode or A-labels) and UTF-8 local parts', () => {
    for (const email of ['anna@bücher.de', 'anna@xn--bcher-kva.de', 'δοκιμή@παράδειγμα.δοκιμή']) expect(codes('user', { email })).toEqual([]);
  });
  it('refuses an address with the reason and the value', () => {
    expect(validateRow('user', { email: 'anna@bücher' }, pos)[0]?.message).toBe('"email" is not an e-mail address: the domain "bücher" has no dot (expected e.g. example.com), got "anna@bücher"');
    expect(validateRow('user', { email: ' anna@bücher.de' }, pos)[0]?.message).toBe('"email" is not an e-mail address: it holds a space at character 1, got " anna@bücher.de"');
  });
});
