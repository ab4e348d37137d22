/**
 * Shared pieces of the resource routes: the route shape, body parsing with Zoho's key rules
 * (docs/zoho-api-notes.md#request-and-response-shapes), page/per_page
 * (docs/zoho-api-notes.md#pagination), and lookups that raise V3 errors.
 */
import type { Caller, SandboxContext } from '../context.js';
import type { SandboxRequest, SandboxResponse } from '../http.js';
import { fail, V3Error } from '../v3-error.js';
import type { StoredKind, EntityRow } from '../store.js';

export type Json = Record<string, unknown>;

export interface RouteCall {
  ctx: SandboxContext;
  req: SandboxRequest;
  params: Record<string, string>;
  caller: Caller;
}

export interface Route {
  method: string;
  /** Path template after the portal prefix, e.g. `/projects/{project}/tasks`. */
  template: string;
  /** Scope needed, `module.OP` (docs/zoho-api-notes.md#scopes). */
  scope: string;
  /** API generation prefix the route lives under (`v3` default; portal users only under `v3.1`, docs/zoho-api-notes.md#hosts-and-paths). */
  version?: 'v3' | 'v3.1';
  handle(call: RouteCall): SandboxResponse;
}

/** Parses the JSON body as an object; arrays, scalars and bad JSON → JSON_PARSE_ERROR (docs/zoho-api-notes.md#errors). */
export function jsonBody(req: SandboxRequest): Json {
  if (req.body.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(req.body);
  } catch {
    throw fail.parse('body', 'the request body is not valid JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw fail.parse('body', 'the request body must be a JSON object');
  }
  return v as Json;
}

/**
 * Applies Zoho's key rules: keys in `allowed` (and `cf_*` custom fields) pass; keys in the configured
 * silent-ignore set for `resource` are dropped; any other key → EXTRA_KEY_FOUND_IN_JSON (or dropped
 * when config.unknownKeys = 'ignore').
 */
export function checkKeys(ctx: SandboxContext, resource: string, body: Json, allowed: readonly string[]): Json {
  const ignored = new Set(ctx.config.ignoredKeys[resource] ?? []);
  const out: Json = {};
  for (const [k, v] of Object.entries(body)) {
    if (allowed.includes(k) || /^cf_[a-z0-9_]+$/i.test(k)) out[k] = v;
    else if (ignored.has(k) || ctx.config.unknownKeys === 'ignore') continue;
    else throw fail.extraKey(k);
  }
  return out;
}

export function requireKeys(body: Json, keys: readonly string[]): void {
  for (const k of keys) if (body[k] === undefined || body[k] === null || body[k] === '') throw fail.missing(k);
}

export function str(body: Json, key: string, maxLen = 10_000): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw fail.invalid(key, `${key} must be a string`);
  if (v.length > maxLen) throw fail.invalid(key, `${key} is longer than ${maxLen} characters (${v.length})`);
  return v;
}

/** A nested link object `{id: "…"}` (docs/zoho-api-notes.md#request-and-response-shapes: links are objects; anything else is a parse error). */
export function linkId(body: Json, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw fail.parse(key, `${key} must be an object like {"id":"…"}`);
  const id = (v as Json).id;
  if (typeof id !== 'string' && typeof id !== 'number') throw fail.missing(`${key}.id`);
  return String(id);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** `YYYY-MM-DD` or ISO datetime (V3 dates in, docs/zoho-api-notes.md#dates-and-times) → `YYYY-MM-DD`. */
export function dateField(body: Json, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw fail.invalid(key, `${key} must be a date string YYYY-MM-DD`);
  const m = DATE_RE.exec(v);
  const d = m ? v.slice(0, 10) : '';
  if (!m || Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d) {
    throw fail.invalid(key, `${key} must be YYYY-MM-DD or an ISO-8601 datetime, got ${JSON.stringify(v)}`);
  }
  return d;
}

export function enumField<T extends string>(body: Json, key: string, values: readonly T[], lower = false): T | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? (lower ? v.toLowerCase() : v) : undefined;
  if (s === undefined || !values.includes(s as T)) {
    throw fail.invalid(key, `${key} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return s as T;
}

export interface Paging {
  page: number;
  perPage: number;
  offset: number;
}

/** page (1-based) and per_page (1…maxPerPage) (docs/zoho-api-notes.md#pagination). */
export function paging(ctx: SandboxContext, req: SandboxRequest, maxPerPage = ctx.config.maxPerPage): Paging {
  const num = (name: string, dflt: number, max: number) => {
    const raw = req.query.get(name);
    if (raw === null || raw === '') return dflt;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
      throw fail.invalid(name, `${name} must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}`);
    }
    return Number(raw);
  };
  const page = num('page', 1, 1_000_000);
  const perPage = num('per_page', Math.min(ctx.config.defaultPerPage, maxPerPage), maxPerPage);
  return { page, perPage, offset: (page - 1) * perPage };
}

/** A V3 list answer `{[key]: items, page_info}` from perPage + 1 fetched rows; empty → 200 or 204 per config. */
export function listResponse(ctx: SandboxContext, key: string, rows: unknown[], p: Paging): SandboxResponse {
  const hasNext = rows.length > p.perPage;
  const items = hasNext ? rows.slice(0, p.perPage) : rows;
  if (items.length === 0 && ctx.config.emptyListStatus === 204) return { status: 204, headers: {} };
  return {
    status: 200,
    headers: {},
    body: {
      [key]: items,
      page_info: { page: p.page, per_page: p.perPage, page_count: items.length, has_next_page: hasNext },
    },
  };
}

export function mustGet<T = Json>(ctx: SandboxContext, kind: StoredKind, id: string, field: string): EntityRow<T> {
  const row = ctx.store.get<T>(kind, id);
  if (!row) throw fail.notFound(field, id);
  return row;
}

/** The project, or 404; a trashed project answers 410 Gone (docs/zoho-api-notes.md#projects, [ONION]). */
export function liveProject(ctx: SandboxContext, id: string): EntityRow<Json> {
  const row = mustGet<Json>(ctx, 'project', id, 'project');
  if (row.trashed) throw new V3Error(410, 'RESOURCE_GONE', [{ field_name: 'project', message: `project ${id} is in the trash` }]);
  return row;
}

/** An entity that belongs to `projectId`, or 404. */
export function inProject<T = Json>(ctx: SandboxContext, kind: StoredKind, id: string, projectId: string, field: string) {
  const row = mustGet<T>(ctx, kind, id, field);
  if (row.projectId !== projectId) throw fail.notFound(field, id);
  return row;
}

/** `{zpuid, zuid, name, email, first_name, last_name}` reference to a portal user. */
export function userRef(ctx: SandboxContext, zpuid: string): Json {
  const u = ctx.store.get<Json>('user', zpuid)?.data;
  if (!u) return { zpuid };
  return {
    zpuid: u.id,
    zuid: u.zuid,
    name: u.full_name,
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
  };
}

export function projectRef(p: Json): Json {
  return { id: p.id, name: p.name };
}

/** Finds a portal user by `{zpuid}`, `{id}`, `{zuid}` or `{email}`. */
export function resolveUser(ctx: SandboxContext, ref: unknown, field: string): string {
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) throw fail.parse(field, `${field} entries must be objects`);
  const r = ref as Json;
  const id = r.zpuid ?? r.id;
  if (typeof id === 'string' || typeof id === 'number') {
    if (ctx.store.get('user', String(id))) return String(id);
    throw fail.invalid(field, `no portal user with zpuid ${String(id)}`);
  }
  if (typeof r.email === 'string') {
    const u = ctx.store.findByEmail('user', r.email);
    if (u) return u.id;
    throw fail.invalid(field, `no portal user with email ${r.email}`);
  }
  if (r.zuid !== undefined) {
    const u = ctx.store.list<Json>('user').find((x) => String(x.data.zuid) === String(r.zuid));
    if (u) return u.id;
    throw fail.invalid(field, `no portal user with zuid ${String(r.zuid)}`);
  }
  throw fail.missing(`${field}.zpuid`);
}
