/**
 * Socket-free request/response values. The server turns node:http traffic into these and back, so
 * every handler is testable in-process (`sandbox.inject`), like stripe-mock's handlers.
 */

export interface SandboxRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v3/portal/1/projects`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** Raw body text ('' when none). */
  body: string;
}

/** What the server does with the socket besides answering. */
export type SocketAction =
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number }
  /** Hold the request `ms` real ms (the client gives up), then run `commit` (the write lands late) and drop the socket. */
  | { kind: 'late'; ms: number; commit: () => void };

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON value (serialised by the server) or undefined for no body. */
  body?: unknown;
  /** reset → destroy the socket (no answer); delay → wait real ms, then answer; late → wait, commit, drop. */
  socket?: SocketAction;
}

export interface InjectInit {
  headers?: Record<string, string>;
  /** A string is sent as is; anything else is JSON-serialised. */
  body?: unknown;
}

export function makeRequest(method: string, url: string, init: InjectInit = {}): SandboxRequest {
  const u = new URL(url, 'http://sandbox.local');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
  let body = '';
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] ??= typeof init.body === 'string' ? 'text/plain' : 'application/json';
  }
  return { method: method.toUpperCase(), path: u.pathname, query: u.searchParams, headers, body };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body };
}

export function noContent(): SandboxResponse {
  return { status: 204, headers: {} };
}

/**
 * Parses an application/x-www-form-urlencoded body (the V2-style variant some clients send, docs/zoho-api-notes.md#users).
 * Returns undefined when the body is not form-encoded.
 */
export function formBody(req: SandboxRequest): URLSearchParams | undefined {
  const ct = req.headers['content-type'] ?? '';
  if (!ct.includes('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(req.body);
}
