/**
 * The V3 error body (docs/zoho-api-notes.md#errors): `status_code` is a STRING; `title` is the machine code.
 * Handlers throw V3Error; the dispatcher turns it into a response.
 */
import type { SandboxResponse } from './http.js';

export type V3Title =
  | 'URL_RULE_NOT_CONFIGURED'
  | 'INVALID_OAUTHTOKEN'
  | 'INVALID_OAUTHSCOPE'
  | 'INVALID_METHOD'
  | 'INVALID_PARAMETER_VALUE'
  | 'EXTRA_KEY_FOUND_IN_JSON'
  | 'LESS_THAN_MIN_OCCURANCE'
  | 'JSON_PARSE_ERROR'
  | 'INVALID_INPUTSTREAM'
  | 'URL_ROLLING_THROTTLES_LIMIT_EXCEEDED'
  | 'RATE_LIMIT_EXCEEDED'
  | 'INTERNAL_SERVER_ERROR'
  | 'RESOURCE_NOT_FOUND'
  | 'RESOURCE_GONE'
  // the sandbox's own (admin API, Host check), in the same shape
  | 'INVALID_ADMIN_TOKEN'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'HOST_NOT_ALLOWED';

const OPERATIONAL = new Set<V3Title>([
  'INTERNAL_SERVER_ERROR',
  'URL_ROLLING_THROTTLES_LIMIT_EXCEEDED',
  'RATE_LIMIT_EXCEEDED',
  'RESOURCE_NOT_FOUND',
  'RESOURCE_GONE',
  'INVALID_OAUTHTOKEN',
  'INVALID_OAUTHSCOPE',
  'URL_RULE_NOT_CONFIGURED',
  'INVALID_METHOD',
  'INVALID_ADMIN_TOKEN',
  'UNSUPPORTED_MEDIA_TYPE',
  'HOST_NOT_ALLOWED',
]);

export interface V3ErrorDetail {
  field_name?: string;
  message: string;
  message_key?: string;
}

export class V3Error extends Error {
  override readonly name = 'V3Error';
  constructor(
    readonly status: number,
    readonly title: V3Title,
    readonly details: V3ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${title}${details[0] ? `: ${details[0].message}` : ''}`);
  }
}

export function v3ErrorBody(
  status: number,
  title: V3Title,
  details: V3ErrorDetail[],
  instance: string,
  method: string,
): unknown {
  return {
    error: {
      status_code: String(status),
      instance,
      method,
      title,
      error_type: OPERATIONAL.has(title) ? 'OPERATIONAL_VALIDATION_ERROR' : 'FIELDS_VALIDATION_ERROR',
      details: details.map((d) => ({ message_key: 'zp.general.error', ...d })),
    },
  };
}

export function errorResponse(e: V3Error, instance: string, method: string): SandboxResponse {
  return { status: e.status, headers: { ...e.headers }, body: v3ErrorBody(e.status, e.title, e.details, instance, method) };
}

/** Shorthands for the forms handlers raise most. */
export const fail = {
  invalid: (field: string, message: string) => new V3Error(400, 'INVALID_PARAMETER_VALUE', [{ field_name: field, message }]),
  missing: (field: string) =>
    new V3Error(400, 'LESS_THAN_MIN_OCCURANCE', [{ field_name: field, message: `${field} is required` }]),
  extraKey: (field: string) =>
    new V3Error(400, 'EXTRA_KEY_FOUND_IN_JSON', [{ field_name: field, message: `${field} is not an accepted key` }]),
  parse: (field: string, message: string) => new V3Error(400, 'JSON_PARSE_ERROR', [{ field_name: field, message }]),
  notFound: (field: string, id: string) =>
    new V3Error(404, 'RESOURCE_NOT_FOUND', [{ field_name: field, message: `no ${field} with id ${id}` }]),
  noRoute: (path: string, status = 400) =>
    new V3Error(status, 'URL_RULE_NOT_CONFIGURED', [{ message: `no URL rule for ${path}` }]),
  method: (verb: string) =>
    new V3Error(400, 'INVALID_METHOD', [{ field_name: verb, message: `method ${verb} is not allowed here` }]),
};
