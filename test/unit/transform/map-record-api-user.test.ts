/** `api-user`, the explicit "credit the API user" owner of a time log, is kept as it is and never looked up. */
import { describe, expect, it } from 'vitest';
import { FieldsSchema } from '../../../src/transform/field-spec.js';
import { mapRecord } from '../../../src/transform/map-record.js';

const pos = { source: 'logs.csv', line: 2, index: 0 };

describe('mapRecord and api-user', () => {
  const fields = FieldsSchema.parse({ user: { from: 'Author', converter: 'email', lookup: { kind: 'user-by-email' }, default: 'api-user' } });

  it('a row without an owner takes the api-user default, with no lookup to fail', () => {
    const r = mapRecord(fields, { data: { Author: '' }, pos });
    expect(r).toMatchObject({ ok: true, value: { values: { user: 'api-user' }, lookups: [] } });
  });

  it('a row with an owner is looked up as before', () => {
    const r = mapRecord(fields, { data: { Author: 'Ann@X.io' }, pos });
    expect(r).toMatchObject({ ok: true, value: { values: { user: 'ann@x.io' }, lookups: [{ field: 'user', value: 'ann@x.io' }] } });
  });
});

describe('api-user belongs to the time log user only', () => {
  it('on any other field it is a value like any other, looked up (and refused there), never passed through as an id', () => {
    const fields = FieldsSchema.parse({ owner: { from: 'Owner', lookup: { kind: 'user-by-email' }, default: 'api-user' } });
    const r = mapRecord(fields, { data: { Owner: '' }, pos });
    expect(r).toMatchObject({ ok: true, value: { values: { owner: 'api-user' }, lookups: [{ field: 'owner', value: 'api-user' }] } });
  });
});
