import { describe, expect, it } from 'vitest';
import { FieldsSchema } from '../../../src/transform/field-spec.js';
import { mapRecord } from '../../../src/transform/map-record.js';

const pos = { source: 'tasks.csv', line: 12, index: 10, byteOffset: 400 };
const rec = (data: Record<string, unknown>) => ({ data, pos });

describe('mapRecord', () => {
  const fields = FieldsSchema.parse({
    name: { from: 'Task Name', converter: { type: 'trim', collapse: true }, required: true },
    startDate: { from: 'Start', converter: { type: 'date', formats: ['DD/MM/YYYY'] } },
    priority: { from: 'Prio', converter: { type: 'enum', map: { H: 'high', L: 'low' } }, default: 'none' },
    owners: { from: 'Owners', converter: ['list'], lookup: { kind: 'user-by-email' } },
    project: { from: 'Project', lookup: { kind: 'project-by-name' }, required: true },
    tasklist: { from: 'List', lookup: { kind: 'tasklist-by-name', within: 'project' } },
    description: {},
  });

  it('maps columns through converters, applies defaults, collects lookups (per list element)', () => {
    const r = mapRecord(fields, rec({ 'Task Name': '  Build   it ', Start: '05/03/2026', Prio: '', Owners: 'a@x.com, b@x.com', Project: 'Apollo', List: 'Phase 1', description: 'd' }));
    expect(r).toEqual({
      ok: true,
      value: {
        values: { name: 'Build it', startDate: '2026-03-05', priority: 'none', owners: ['a@x.com', 'b@x.com'], project: 'Apollo', tasklist: 'Phase 1', description: 'd' },
        lookups: [
          { field: 'owners', spec: { kind: 'user-by-email' }, value: 'a@x.com', item: 0 },
          { field: 'owners', spec: { kind: 'user-by-email' }, value: 'b@x.com', item: 1 },
          { field: 'project', spec: { kind: 'project-by-name' }, value: 'Apollo' },
          { field: 'tasklist', spec: { kind: 'tasklist-by-name', within: 'project' }, value: 'Phase 1' },
        ],
      },
    });
  });

  it('missing or blank optional fields are left out; a converter error rejects with field and position', () => {
    const r = mapRecord(fields, rec({ 'Task Name': 'x', Project: 'P', Start: '   ' }));
    expect(r.ok && r.value.values).toEqual({ name: 'x', project: 'P', priority: 'none' });
    const bad = mapRecord(fields, rec({ 'Task Name': 'x', Project: 'P', Start: '2026-03-05' }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'ROW_INVALID_DATE', field: 'startDate', value: '2026-03-05', pos } });
  });

  it('a required field that is empty (also after converters) is ROW_REQUIRED naming the column', () => {
    expect(mapRecord(fields, rec({ 'Task Name': '   ', Project: 'P' }))).toEqual({
      ok: false,
      error: { code: 'ROW_REQUIRED', message: 'required field "name" (column "Task Name") is empty', field: 'name', pos },
    });
    expect(mapRecord(fields, rec({ 'Task Name': 'x' }))).toMatchObject({ ok: false, error: { code: 'ROW_REQUIRED', field: 'project' } });
  });

  it('non-string JSON values pass to converters and lookups', () => {
    const f = FieldsSchema.parse({ completionPercentage: { from: 'pct', converter: { type: 'number', integer: true, max: 100 } }, project: { from: 'p', lookup: { kind: 'project-by-name' } } });
    expect(mapRecord(f, rec({ pct: 40, p: 123 }))).toEqual({ ok: true, value: { values: { completionPercentage: 40, project: 123 }, lookups: [{ field: 'project', spec: { kind: 'project-by-name' }, value: '123' }] } });
  });

  it('the field schema is strict and checks lookup needs', () => {
    expect(FieldsSchema.safeParse({ a: { form: 'x' } }).success).toBe(false);
    expect(FieldsSchema.safeParse({ parent: { lookup: { kind: 'task-by-key' } } }).success).toBe(false);
    expect(FieldsSchema.safeParse({ tasklist: { lookup: { kind: 'tasklist-by-name' } } }).success).toBe(false);
  });
});
