/**
 * One error type for the whole toolkit. Every error carries a `code` from the closed union below and a
 * `disposition` saying what the caller should do with it. Only the Zoho HTTP client maps status codes
 * to these (see src/zoho/error-table.ts); everything above it reads `code` and `disposition` only.
 */

/** What to do with an error. */
export type Disposition = 'fatal' | 'retry' | 'reject-row';

/**
 * The closed set of error codes. Prefixes: CONFIG_ (environment, credentials), PIPELINE_ (pipeline
 * files), SOURCE_ (input files), ROW_ (one input row), ZOHO_ (the remote API), CHECKPOINT_ (the SQLite
 * store), RUN_ (the run loop), PAYROLL_ (the export), SANDBOX_ (the emulator itself), USAGE_ (CLI).
 * Add new codes here, grouped by prefix.
 */
export const ERROR_CODES = [
  // configuration and usage
  'CONFIG_INVALID',
  'CONFIG_INSECURE_URL',
  'USAGE_INVALID',
  // pipeline files
  'PIPELINE_INVALID',
  'PIPELINE_NOT_FOUND',
  'PIPELINE_ENV_MISSING',
  // sources
  'SOURCE_NOT_FOUND',
  'SOURCE_UNREADABLE',
  'SOURCE_PARSE',
  'SOURCE_UNCLOSED_QUOTE',
  'SOURCE_FIELD_COUNT',
  'SOURCE_INVALID_ENCODING',
  'SOURCE_FIELD_TOO_LONG',
  'SOURCE_DUPLICATE_HEADER',
  'SOURCE_EMPTY',
  'SOURCE_MISSING_COLUMN',
  'SOURCE_CHANGED',
  // rows
  'ROW_REQUIRED',
  'ROW_TOO_LONG',
  'ROW_INVALID_DATE',
  'ROW_INVALID_DATETIME',
  'ROW_INVALID_DURATION',
  'ROW_INVALID_NUMBER',
  'ROW_INVALID_BOOLEAN',
  'ROW_INVALID_EMAIL',
  'ROW_INVALID_ENUM',
  'ROW_INVALID_VALUE',
  'ROW_DATE_RANGE',
  'ROW_DAY_OVER_24H',
  'ROW_DUPLICATE_KEY',
  'ROW_UNKNOWN_USER',
  'ROW_UNKNOWN_PROJECT',
  'ROW_UNKNOWN_REFERENCE',
  'ROW_MISSING_PARENT',
  'ROW_REJECTED_BY_ZOHO',
  'ROW_NO_EMPLOYEE_ID',
  // zoho
  'ZOHO_AUTH_INVALID_CODE',
  'ZOHO_AUTH_INVALID_CLIENT',
  'ZOHO_AUTH_THROTTLED',
  'ZOHO_AUTH_FAILED',
  'ZOHO_TOKEN_INVALID',
  'ZOHO_SCOPE_MISSING',
  'ZOHO_RATE_LIMITED',
  'ZOHO_BAD_REQUEST',
  'ZOHO_NOT_FOUND',
  'ZOHO_GONE',
  'ZOHO_SERVER_ERROR',
  'ZOHO_NETWORK',
  'ZOHO_TIMEOUT',
  'ZOHO_IN_DOUBT',
  'ZOHO_RETRIES_EXHAUSTED',
  'ZOHO_UNEXPECTED_RESPONSE',
  // checkpoint
  'CHECKPOINT_LOCKED',
  'CHECKPOINT_SCHEMA',
  'CHECKPOINT_CORRUPT',
  'CHECKPOINT_OTHER_PIPELINE',
  'CHECKPOINT_PATH',
  // run loop
  'RUN_REJECT_LIMIT',
  'RUN_INTERRUPTED',
  'RUN_OUTSIDE_WINDOW',
  'RUN_NOTHING_TO_RESUME',
  // payroll
  'PAYROLL_INVALID_PERIOD',
  'PAYROLL_NO_SNAPSHOT',
  'PAYROLL_OUTPUT_FAILED',
  // sandbox
  'SANDBOX_START_FAILED',
  'SANDBOX_FAULTS_INVALID',
  'SANDBOX_ADMIN_INVALID',
  // anything else
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where in an input file something happened. Lines are 1-based. */
export interface SourcePosition {
  /** The source file as the user named it (relative to the pipeline file where possible). */
  source: string;
  /** 1-based physical line where the record starts. */
  line: number;
  /** 0-based index of the record among the data records of the source (header excluded). */
  index: number;
  /** Byte offset of the record's first byte in the file, when known. */
  byteOffset?: number;
}

export interface ZpetlErrorOptions {
  disposition?: Disposition;
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Position in a source file, when the error concerns one row. */
  pos?: SourcePosition;
  /** The field (column or target field) concerned. */
  field?: string;
  /** The offending value, already truncated by the caller if large. */
  value?: unknown;
  /** A hint for the user: what to do next. */
  hint?: string;
}

/** Default disposition per prefix, used when a caller does not give one. */
function defaultDisposition(code: ErrorCode): Disposition {
  if (code.startsWith('ROW_')) return 'reject-row';
  if (code === 'ZOHO_RATE_LIMITED' || code === 'ZOHO_SERVER_ERROR' || code === 'ZOHO_NETWORK' || code === 'ZOHO_TIMEOUT') {
    return 'retry';
  }
  return 'fatal';
}

/** The base error. `name` is always 'ZpetlError'; switch on `code`. */
export class ZpetlError extends Error {
  override readonly name = 'ZpetlError';
  readonly code: ErrorCode;
  readonly disposition: Disposition;
  readonly details: Record<string, unknown>;
  readonly pos: SourcePosition | undefined;
  readonly field: string | undefined;
  readonly value: unknown;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: ZpetlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.disposition = options.disposition ?? defaultDisposition(code);
    this.details = options.details ?? {};
    this.pos = options.pos;
    this.field = options.field;
    this.value = options.value;
    this.hint = options.hint;
  }

  /** `CODE: message (file:line)`, the form the CLI prints. */
  format(): string {
    const where = this.pos ? ` (${this.pos.source}:${this.pos.line})` : '';
    return `${this.code}: ${this.message}${where}`;
  }
}

export function isZpetlError(e: unknown): e is ZpetlError {
  return e instanceof ZpetlError;
}

/** Wraps anything thrown into a ZpetlError (code INTERNAL unless it already is one). */
export function toZpetlError(e: unknown): ZpetlError {
  if (e instanceof ZpetlError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ZpetlError('INTERNAL', message, { cause: e });
}
