/**
 * What a failed create/update/lookup means for its item: rejected (Zoho refused the row), in doubt (the
 * request went out and no trustworthy answer came back: reconcile before any re-send) or fatal (the run
 * stops). See README.md#in-doubt.
 */
import { ZpetlError, isZpetlError, toZpetlError } from '../../core/errors.js';
import { clip, type RowError } from '../../core/record.js';
import type { AttemptResult, LoadItem } from '../types.js';

/**
 * Codes that mean "a request went out and no trustworthy answer came back": the entity may exist.
 * The client reports ZOHO_IN_DOUBT for creates; the others are treated the same way to be safe,
 * since reconciliation costs a lookup while a wrong "not created" costs a duplicate.
 */
const DOUBTFUL = new Set(['ZOHO_IN_DOUBT', 'ZOHO_TIMEOUT', 'ZOHO_NETWORK', 'ZOHO_SERVER_ERROR', 'ZOHO_RETRIES_EXHAUSTED', 'ZOHO_UNEXPECTED_RESPONSE']);

/**
 * What a failed call means for its item. `stop` (with in-doubt): the item is in doubt and the run must
 * stop too, because the error is not one Zoho gave (a bug, an unexpected exception after the request
 * went out): recording the item as unsent would re-send a create that may have landed.
 */
export type Failure =
  | { kind: 'rejected'; error: RowError }
  | { kind: 'in-doubt'; cause: ZpetlError; stop?: true }
  | { kind: 'fatal'; cause: ZpetlError };

/** Maps an error thrown by a create/update call to the item's fate. */
export function classifyFailure(e: unknown, item: LoadItem, entity: string, sent: boolean): Failure {
  const err = toZpetlError(e);
  if (err.disposition === 'reject-row') return { kind: 'rejected', error: rowErrorFrom(err, item, entity) };
  if (sent && DOUBTFUL.has(err.code)) return { kind: 'in-doubt', cause: err };
  // An unknown exception during a send: whether the request reached Zoho is unknown, so never unsent.
  // That includes anything the client did not raise itself (not a ZpetlError), whatever toZpetlError
  // maps it to: an OS error with a path becomes USAGE_BAD_PATH, which is fatal, and a fatal item is
  // unsent, so a create that may have landed would be sent again.
  if (sent && (err.code === 'INTERNAL' || !isZpetlError(e))) return { kind: 'in-doubt', cause: err, stop: true };
  return { kind: 'fatal', cause: err };
}

/** A failed send's item result: rejected, in-doubt, or (fatal) unsent: the run stopped before Zoho had it. */
export function failureResult(f: Failure, key: string): AttemptResult {
  if (f.kind === 'rejected') return { key, status: 'rejected', error: f.error };
  return { key, status: f.kind === 'in-doubt' ? 'in-doubt' : 'unsent' };
}

/** The cause a failed send stops the run with: a fatal error, or an in-doubt one Zoho did not give (`stop`). */
export function stopCause(f: Failure): ZpetlError | undefined {
  return f.kind === 'fatal' || (f.kind === 'in-doubt' && f.stop) ? f.cause : undefined;
}

/** Zoho's refusal as a row error: Zoho's title and message, the field it named, that field's value. */
export function rowErrorFrom(err: ZpetlError, item: LoadItem, entity: string): RowError {
  const d = err.details as { title?: unknown; fieldName?: unknown };
  const field = typeof d.fieldName === 'string' ? d.fieldName : (err.field ?? '');
  const title = typeof d.title === 'string' ? d.title : undefined;
  const code = err.code.startsWith('ROW_') ? err.code : 'ROW_REJECTED_BY_ZOHO';
  const message = code === 'ROW_REJECTED_BY_ZOHO' ? `Zoho refused the ${entity}${title ? ` (${title})` : ''}: ${err.message}` : err.message;
  const value = field !== '' ? item.values[field] : undefined;
  return { code, message, field, ...(value === undefined ? {} : { value: clip(value) }), pos: item.pos };
}
