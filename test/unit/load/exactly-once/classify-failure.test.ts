/**
 * Which failures are in doubt, rejected or fatal (README.md#in-doubt), and what each gives: the item's
 * result (`failureResult`), the run's stop (`stopCause`), the reject row (`rowErrorFrom`).
 */
import { describe, expect, it } from 'vitest';
import { ZpetlError, type ErrorCode } from '../../../../src/core/errors.js';
import { classifyFailure, failureResult, rowErrorFrom, stopCause, type Failure } from '../../../../src/load/exactly-once/classify-failure.js';
import type { LoadItem } from '../../../../src/load/types.js';

const item: LoadItem = { key: 'T-1', values: { name: 'Design', owner: 'ana@x.io' }, pos: { source: 'tasks.csv', line: 7, index: 5 } };

/** A Zoho refusal as the client throws it (src/zoho/error-table.ts): reject-row with Zoho's title and field. */
const refusal = (details: Record<string, unknown> = { title: 'INVALID_PARAMETER_VALUE', fieldName: 'name', status: 400 }, field?: string) =>
  new ZpetlError('ZOHO_BAD_REQUEST', 'name is too long', { disposition: 'reject-row', details, ...(field ? { field } : {}) });

const DOUBTFUL: ErrorCode[] = ['ZOHO_IN_DOUBT', 'ZOHO_TIMEOUT', 'ZOHO_NETWORK', 'ZOHO_SERVER_ERROR', 'ZOHO_RETRIES_EXHAUSTED', 'ZOHO_UNEXPECTED_RESPONSE'];
/** Zoho answered, and the answer says the request did nothing: never in doubt. */
const NOT_DOUBTFUL: ErrorCode[] = ['ZOHO_RATE_LIMITED', 'ZOHO_TOKEN_INVALID', 'ZOHO_SCOPE_MISSING', 'ZOHO_AUTH_FAILED', 'ZOHO_NOT_FOUND', 'ZOHO_GONE', 'CHECKPOINT_LOCKED'];

describe('classifyFailure', () => {
  it.each(DOUBTFUL)('%s during a send is in doubt (the entity may exist), the run goes on', (code) => {
    const err = new ZpetlError(code, 'no trustworthy answer');
    const f = classifyFailure(err, item, 'task', true);
    expect(f).toEqual({ kind: 'in-doubt', cause: err });
    expect(f.kind === 'in-doubt' && f.cause).toBe(err);
  });

  it.each(DOUBTFUL)('%s during a lookup (nothing sent) is fatal, never in doubt', (code) => {
    const err = new ZpetlError(code, 'no answer');
    expect(classifyFailure(err, item, 'task', false)).toEqual({ kind: 'fatal', cause: err });
  });

  it.each(NOT_DOUBTFUL)('%s during a send is fatal', (code) => {
    const err = new ZpetlError(code, 'stop', { disposition: code === 'ZOHO_RATE_LIMITED' ? 'retry' : 'fatal' });
    expect(classifyFailure(err, item, 'task', true)).toEqual({ kind: 'fatal', cause: err });
  });

  it('the disposition of a doubtful code does not matter (retry or fatal): only reject-row changes it', () => {
    for (const disposition of ['retry', 'fatal'] as const) {
      expect(classifyFailure(new ZpetlError('ZOHO_TIMEOUT', 't', { disposition }), item, 'task', true).kind).toBe('in-doubt');
    }
    expect(classifyFailure(new ZpetlError('ZOHO_SERVER_ERROR', 'refused', { disposition: 'reject-row' }), item, 'task', true).kind).toBe('rejected');
  });

  it('a reject-row error rejects the row, for a send and for a lookup alike', () => {
    for (const sent of [true, false]) {
      const f = classifyFailure(refusal(), item, 'task', sent);
      expect(f).toEqual({ kind: 'rejected', error: rowErrorFrom(refusal(), item, 'task') });
    }
    // A ROW_ code is reject-row by default.
    expect(classifyFailure(new ZpetlError('ROW_UNKNOWN_USER', 'no such user'), item, 'task', true).kind).toBe('rejected');
  });

  it('an unknown exception during a send is in doubt AND stops the run (INTERNAL)', () => {
    const bug = new TypeError('cannot read properties of undefined');
    const f = classifyFailure(bug, item, 'task', true);
    expect(f.kind).toBe('in-doubt');
    expect(f.kind === 'in-doubt' && f.stop).toBe(true);
    expect((f as { cause: ZpetlError }).cause.code).toBe('INTERNAL');
    expect((f as { cause: ZpetlError }).cause.message).toBe('cannot read properties of undefined');
    expect((f as { cause: ZpetlError }).cause.cause).toBe(bug);
    // Anything thrown, not only Errors; and a ZpetlError that says INTERNAL itself.
    expect(classifyFailure('boom', item, 'task', true)).toMatchObject({ kind: 'in-doubt', stop: true, cause: { code: 'INTERNAL', message: 'boom' } });
    expect(classifyFailure(new ZpetlError('INTERNAL', 'bug'), item, 'task', true)).toMatchObject({ kind: 'in-doubt', stop: true });
  });

  it('an OS error thrown during a send (a path error, which toZpetlError maps to the fatal USAGE_BAD_PATH) is in doubt and stops, never unsent', () => {
    const osError = Object.assign(new Error("EACCES: permission denied, open '/x/y'"), { code: 'EACCES', path: '/x/y', syscall: 'open' });
    const f = classifyFailure(osError, item, 'task', true);
    expect(f).toMatchObject({ kind: 'in-doubt', stop: true, cause: { code: 'USAGE_BAD_PATH' } });
    expect(failureResult(f, 'K')).toEqual({ key: 'K', status: 'in-doubt' });
    // The same error before anything was sent is fatal: the item never left.
    expect(classifyFailure(osError, item, 'task', false)).toMatchObject({ kind: 'fatal', cause: { code: 'USAGE_BAD_PATH' } });
  });

  it('an unknown exception during a lookup is fatal', () => {
    expect(classifyFailure(new Error('boom'), item, 'task', false)).toMatchObject({ kind: 'fatal', cause: { code: 'INTERNAL' } });
  });
});

describe('failureResult and stopCause', () => {
  const cause = new ZpetlError('ZOHO_IN_DOUBT', 'reset');
  const rejected: Failure = { kind: 'rejected', error: rowErrorFrom(refusal(), item, 'task') };
  const inDoubt: Failure = { kind: 'in-doubt', cause };
  const inDoubtStop: Failure = { kind: 'in-doubt', cause, stop: true };
  const fatal: Failure = { kind: 'fatal', cause };

  it('rejected gives the row error, in doubt gives in-doubt (with or without stop), fatal gives unsent', () => {
    expect(failureResult(rejected, 'T-1')).toEqual({ key: 'T-1', status: 'rejected', error: rejected.kind === 'rejected' && rejected.error });
    expect(failureResult(inDoubt, 'T-1')).toEqual({ key: 'T-1', status: 'in-doubt' });
    expect(failureResult(inDoubtStop, 'T-1')).toEqual({ key: 'T-1', status: 'in-doubt' });
    // Fatal: the run stopped before Zoho had it, so it goes back to planned (never a lost create).
    expect(failureResult(fatal, 'T-1')).toEqual({ key: 'T-1', status: 'unsent' });
  });

  it('the run stops on a fatal failure and on an in-doubt one Zoho did not give; not on a reject or a plain in-doubt', () => {
    expect(stopCause(fatal)).toBe(cause);
    expect(stopCause(inDoubtStop)).toBe(cause);
    expect(stopCause(inDoubt)).toBeUndefined();
    expect(stopCause(rejected)).toBeUndefined();
  });
});

describe('rowErrorFrom', () => {
  it("Zoho's refusal: ROW_REJECTED_BY_ZOHO naming the entity and Zoho's title, the field Zoho named and its value, the row's position", () => {
    expect(rowErrorFrom(refusal(), item, 'task')).toEqual({
      code: 'ROW_REJECTED_BY_ZOHO',
      message: 'Zoho refused the task (INVALID_PARAMETER_VALUE): name is too long',
      field: 'name',
      value: 'Design',
      pos: item.pos,
    });
  });

  it('without a title the message has none; without a field in the details, the error field is used', () => {
    expect(rowErrorFrom(refusal({ status: 400 }, 'owner'), item, 'milestone')).toEqual({
      code: 'ROW_REJECTED_BY_ZOHO',
      message: 'Zoho refused the milestone: name is too long',
      field: 'owner',
      value: 'ana@x.io',
      pos: item.pos,
    });
    // Zoho's fieldName wins over the error's field.
    expect(rowErrorFrom(refusal({ fieldName: 'name' }, 'owner'), item, 'task').field).toBe('name');
    // A title or field that is not a string is not used.
    expect(rowErrorFrom(refusal({ title: 42, fieldName: 7 }), item, 'task')).toMatchObject({ message: 'Zoho refused the task: name is too long', field: '' });
  });

  it('no field, or a field the row has no value for: field as given and no value', () => {
    const noField = rowErrorFrom(refusal({ title: 'X' }), item, 'task');
    expect(noField.field).toBe('');
    expect('value' in noField).toBe(false);
    const unknownField = rowErrorFrom(refusal({ fieldName: 'budget' }), item, 'task');
    expect(unknownField.field).toBe('budget');
    expect('value' in unknownField).toBe(false);
  });

  it('a long value is clipped to 200 characters', () => {
    const long = { ...item, values: { name: 'x'.repeat(500) } };
    expect(rowErrorFrom(refusal(), long, 'task').value).toBe(`${'x'.repeat(200)}…(500 chars)`);
  });

  it('a ROW_ code is kept with its own message, not worded as a refusal of Zoho', () => {
    const err = new ZpetlError('ROW_UNKNOWN_USER', 'no user ana@x.io in the portal', { field: 'owner' });
    expect(rowErrorFrom(err, item, 'task')).toEqual({ code: 'ROW_UNKNOWN_USER', message: 'no user ana@x.io in the portal', field: 'owner', value: 'ana@x.io', pos: item.pos });
  });
});
