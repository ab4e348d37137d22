/**
 * The one table that maps an HTTP status and Zoho's error `title` to what the client does. Nothing
 * outside src/zoho reads status codes, so what a status means is decided in one place
 * (docs/zoho-api-notes.md#errors). A 2xx whose body carries an
 * `error` object is classified by its body, as if it had the status named in `error.status_code`.
 */
import type { Disposition, ErrorCode } from '../core/errors.js';

/** What the client does with a response. */
export type ErrorAction = 'retry' | 'refresh-then-retry' | 'rate-limited' | 'reject-row' | 'fatal';

export interface Classification {
  action: ErrorAction;
  code: ErrorCode;
  /** Disposition of the ZpetlError thrown when the action is exhausted or final. */
  disposition: Disposition;
}

const by = (action: ErrorAction, code: ErrorCode): Classification => ({
  action,
  code,
  disposition: action === 'reject-row' ? 'reject-row' : action === 'fatal' ? 'fatal' : 'retry',
});

/** Zoho `title` values; the title wins over the status when both match. */
export const TITLE_TABLE: Record<string, Classification> = {
  // Rate limit observed as HTTP 400 on the real service (docs/zoho-api-notes.md#rate-limits, [WQ]).
  URL_ROLLING_THROTTLES_LIMIT_EXCEEDED: by('rate-limited', 'ZOHO_RATE_LIMITED'),
  // Documented as 400 "invalid or expired"; treat like a 401 (docs/zoho-api-notes.md#errors).
  INVALID_OAUTHTOKEN: by('refresh-then-retry', 'ZOHO_TOKEN_INVALID'),
  INVALID_TICKET: by('refresh-then-retry', 'ZOHO_TOKEN_INVALID'),
  INVALID_OAUTHSCOPE: by('fatal', 'ZOHO_SCOPE_MISSING'),
  // The request itself is wrong: our bug or a wrong portal id, never one row's fault.
  URL_RULE_NOT_CONFIGURED: by('fatal', 'ZOHO_BAD_REQUEST'),
  INVALID_METHOD: by('fatal', 'ZOHO_BAD_REQUEST'),
  // One record's values were refused.
  INVALID_PARAMETER_VALUE: by('reject-row', 'ZOHO_BAD_REQUEST'),
  EXTRA_KEY_FOUND_IN_JSON: by('reject-row', 'ZOHO_BAD_REQUEST'),
  LESS_THAN_MIN_OCCURANCE: by('reject-row', 'ZOHO_BAD_REQUEST'),
  JSON_PARSE_ERROR: by('reject-row', 'ZOHO_BAD_REQUEST'),
  INVALID_INPUTSTREAM: by('reject-row', 'ZOHO_BAD_REQUEST'),
  INTERNAL_SERVER_ERROR: by('retry', 'ZOHO_SERVER_ERROR'),
};

/** HTTP statuses, used when the title is unknown or absent. */
export const STATUS_TABLE: Record<number, Classification> = {
  400: by('reject-row', 'ZOHO_BAD_REQUEST'),
  401: by('refresh-then-retry', 'ZOHO_TOKEN_INVALID'),
  402: by('fatal', 'ZOHO_SCOPE_MISSING'),
  403: by('fatal', 'ZOHO_SCOPE_MISSING'),
  404: by('reject-row', 'ZOHO_NOT_FOUND'),
  405: by('fatal', 'ZOHO_BAD_REQUEST'),
  408: by('retry', 'ZOHO_TIMEOUT'),
  409: by('reject-row', 'ZOHO_BAD_REQUEST'),
  410: by('reject-row', 'ZOHO_GONE'),
  413: by('reject-row', 'ZOHO_BAD_REQUEST'),
  422: by('reject-row', 'ZOHO_BAD_REQUEST'),
  429: by('rate-limited', 'ZOHO_RATE_LIMITED'),
  500: by('retry', 'ZOHO_SERVER_ERROR'),
  501: by('fatal', 'ZOHO_UNEXPECTED_RESPONSE'),
  502: by('retry', 'ZOHO_SERVER_ERROR'),
  503: by('retry', 'ZOHO_SERVER_ERROR'),
  504: by('retry', 'ZOHO_SERVER_ERROR'),
};

/** Zoho error body fields, V3 (`error.title`) or V2 (`error.code`). */
export interface ZohoErrorInfo {
  title?: string;
  message?: string;
  fieldName?: string;
  /** `error.status_code` from the body (a string on the wire). */
  bodyStatus?: number;
}

/** Extracts Zoho's error fields from a parsed body; undefined when the body carries no error. */
export function readErrorBody(body: unknown): ZohoErrorInfo | undefined {
  if (!body || typeof body !== 'object' || !('error' in body)) return undefined;
  const err = (body as { error: unknown }).error;
  if (typeof err === 'string') return { title: err };
  if (!err || typeof err !== 'object') return undefined;
  const e = err as Record<string, unknown>;
  const details = Array.isArray(e.details) ? (e.details[0] as Record<string, unknown> | undefined) : undefined;
  const title = typeof e.title === 'string' ? e.title : e.code !== undefined ? String(e.code) : undefined;
  const message = typeof details?.message === 'string' ? details.message : typeof e.message === 'string' ? e.message : undefined;
  const fieldName = typeof details?.field_name === 'string' ? details.field_name : undefined;
  const bodyStatus = e.status_code !== undefined && /^\d{3}$/.test(String(e.status_code)) ? Number(e.status_code) : undefined;
  return { title, message, fieldName, bodyStatus };
}

/**
 * Classifies a response. `undefined` means success. A 2xx with an error body is classified by the
 * body (its `status_code`, else 400).
 */
export function classifyResponse(status: number, info: ZohoErrorInfo | undefined): Classification | undefined {
  const ok = status >= 200 && status < 300;
  if (ok && !info) return undefined;
  const effective = ok ? (info?.bodyStatus ?? 400) : status;
  if (info?.title) {
    const t = TITLE_TABLE[info.title];
    if (t) return t;
  }
  const s = STATUS_TABLE[effective];
  if (s) return s;
  if (effective >= 500) return by('retry', 'ZOHO_SERVER_ERROR');
  if (effective >= 400) return by('reject-row', 'ZOHO_BAD_REQUEST');
  return by('fatal', 'ZOHO_UNEXPECTED_RESPONSE');
}

/** Network failures (no HTTP answer). `sent` = the request may have reached the server. */
export interface NetworkFailure {
  code: 'ZOHO_NETWORK' | 'ZOHO_TIMEOUT';
  sent: boolean;
  reason: string;
}

/** Socket error codes that prove the request never left this machine: safe to re-send even a POST. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Classifies a thrown fetch error. */
export function classifyNetworkError(e: unknown, timedOut: boolean): NetworkFailure {
  if (timedOut) return { code: 'ZOHO_TIMEOUT', sent: true, reason: 'timeout' };
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') {
      return { code: 'ZOHO_NETWORK', sent: !NOT_SENT.has(code), reason: code };
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return { code: 'ZOHO_NETWORK', sent: true, reason: e instanceof Error ? e.message : String(e) };
}
