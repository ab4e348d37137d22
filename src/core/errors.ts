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
  /** A path given (an --out folder or file, a --db…) that the OS refuses: under a file, read-only, no permission. */
  'USAGE_BAD_PATH',
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
  /** A file whose first bytes are not text (a ZIP/xlsx, a PDF, an image, NUL bytes that are not UTF-16): fatal. */
  'SOURCE_BINARY',
  /** A reject: a field holds a C0 control (other than tab, LF, CR), DEL or a C1 control (src/core/control-chars.ts). */
  'SOURCE_CONTROL_CHARACTER',
  /** A warning: under `controlCharacters: strip`, control characters were removed from a field of the row. */
  'SOURCE_CONTROL_STRIPPED',
  /** A warning: `encoding: auto` found no BOM and bytes that are not UTF-8, and read the file in a legacy code page. */
  'SOURCE_ENCODING_FALLBACK',
  'SOURCE_FIELD_TOO_LONG',
  'SOURCE_DUPLICATE_HEADER',
  /** The file holds nothing: no header line (CSV), no JSON value, not a byte that is not whitespace. */
  'SOURCE_EMPTY',
  /** A warning: the file has a header (or an empty JSON array) but no records after it. */
  'SOURCE_NO_RECORDS',
  /** A warning: blank lines were skipped (not data rows); says how many and where the first was. */
  'SOURCE_BLANK_LINES',
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
  /** A warning, not a reject: a row a `distinct: true` step folded whose mapped values differ from the first row's (the first row's are loaded). */
  'ROW_FOLDED_DIFFERS',
  'ROW_UNKNOWN_USER',
  'ROW_UNKNOWN_PROJECT',
  'ROW_UNKNOWN_REFERENCE',
  'ROW_AMBIGUOUS_REFERENCE',
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
  'SANDBOX_CONFIG_INVALID',
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

/** What an errno of a path means, said for a user; only errnos a user fixes by naming another path. */
const PATH_ERRNO: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied (operation not permitted)',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

/** What a failed file system call was doing, by its `syscall`. */
function pathAction(syscall: string | undefined): string {
  if (syscall === 'mkdir' || syscall === 'mkdtemp') return 'cannot create folder';
  if (syscall === 'open' || syscall === 'write' || syscall === 'copyfile') return 'cannot write';
  if (syscall === 'rename') return 'cannot move into place';
  if (syscall === 'unlink' || syscall === 'rmdir' || syscall === 'rm') return 'cannot remove';
  if (syscall === 'read' || syscall === 'scandir' || syscall === 'stat' || syscall === 'lstat' || syscall === 'access') return 'cannot read';
  return 'cannot use';
}

/**
 * The one mapping of an OS error on a path (ENOTDIR, EACCES, EPERM, EROFS…, as Node's fs throws it)
 * to a USAGE_BAD_PATH error naming the path and what is wrong: the user named a path that cannot be
 * used, which is not a bug (exit 2). `shown` names the path the user gave when the call was on
 * another one (a temporary file beside an --out). Undefined for anything else (ENOSPC, EIO stay as
 * they are).
 */
export function pathError(e: unknown, shown?: string): ZpetlError | undefined {
  if (!(e instanceof Error)) return undefined;
  const { code, path, syscall } = e as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string') return undefined;
  // mkdir over an existing file (mkdir -p through a file reports EEXIST on that file).
  const why = code === 'EEXIST' && syscall === 'mkdir' ? 'it is a file, not a folder' : PATH_ERRNO[code];
  if (why === undefined) return undefined;
  const named = shown ?? path;
  return new ZpetlError('USAGE_BAD_PATH', `${pathAction(syscall)} ${named}: ${why}${shown !== undefined && shown !== path ? ` (${path})` : ''}`, {
    cause: e,
    details: { path: named, errno: code, ...(syscall ? { syscall } : {}) },
    hint:
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'Choose a folder you can write to, or fix its permissions.'
        : code === 'ENOTDIR' || code === 'EEXIST'
          ? 'Every part of the path before the last must be a folder: choose another path.'
          : code === 'EISDIR'
            ? 'Name a file, not a folder.'
            : 'Check the path.',
  });
}

/** Wraps anything thrown into a ZpetlError: an OS error on a path is USAGE_BAD_PATH (pathError), anything else INTERNAL. */
export function toZpetlError(e: unknown): ZpetlError {
  if (e instanceof ZpetlError) return e;
  const bad = pathError(e);
  if (bad) return bad;
  const message = e instanceof Error ? e.message : String(e);
  return new ZpetlError('INTERNAL', message, { cause: e });
}
