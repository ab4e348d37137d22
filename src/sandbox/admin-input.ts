/**
 * The admin API's inputs, validated in full before anything changes: one zod schema per admin call,
 * shared by the HTTP admin API (`/__sandbox/…`) and the in-process `sandbox.admin`. A bad value throws
 * SANDBOX_ADMIN_INVALID naming the field, what was expected and what was given (over HTTP: 400), and
 * the call changes nothing.
 */
import { z } from 'zod';
import { isLocalDate, parseHhMm, ZpetlError } from '../core/index.js';
import { MAX_ADMIN_JSON_DEPTH, MAX_ADVANCE_MS, MAX_DURATION_S } from './options.js';

export const ADMIN_KINDS = ['projects', 'milestones', 'tasklists', 'tasks', 'users', 'project-users', 'timelogs'] as const;
export type AdminKind = (typeof ADMIN_KINDS)[number];

/** A value as messages show it: JSON, at most 60 characters; `nothing` when absent. */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The error every admin input check throws: `field: expected …, got …`. */
export function adminInvalid(field: string, expected: string, given: unknown): ZpetlError {
  return new ZpetlError('SANDBOX_ADMIN_INVALID', `${field}: expected ${expected}, got ${shown(given)}`, {
    field,
    value: shown(given),
    disposition: 'fatal',
  });
}

/** `root.a[2].b` from a zod path. */
function fieldPath(path: readonly PropertyKey[], root: string): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

export interface IssueText {
  field: string;
  expected: string;
  given: unknown;
}

/** The first zod issue as field, expected and given (`root` prefixes the field, e.g. `faults`). */
export function describeIssue(error: z.ZodError, input: unknown, root = ''): IssueText {
  let issue = error.issues[0];
  // A union (e.g. fault `nth`: a number or a list): report the problem of the form the value has.
  while (issue?.code === 'invalid_union') {
    const outer: z.core.$ZodIssue = issue;
    const branch = issue.errors.find((b) => b[0] !== undefined && !(b[0].code === 'invalid_type' && b[0].path.length === 0))?.[0];
    if (!branch) return { field: fieldPath(outer.path, root), expected: 'a valid value', given: valueAt(input, outer.path) };
    issue = { ...branch, path: [...outer.path, ...branch.path] } as z.core.$ZodIssue;
  }
  if (!issue) return { field: root || '(root)', expected: 'a valid value', given: input };
  if (issue.code === 'unrecognized_keys') {
    const path = [...issue.path, issue.keys[0] ?? ''];
    return { field: fieldPath(path, root), expected: 'no such key', given: valueAt(input, path) };
  }
  const given = valueAt(input, issue.path);
  const field = fieldPath(issue.path, root);
  if (issue.message.startsWith('expected ')) return { field, expected: issue.message.slice('expected '.length), given };
  switch (issue.code) {
    case 'invalid_type':
      return { field, expected: `a ${issue.expected}`, given };
    case 'too_big':
      return { field, expected: `${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`, given };
    case 'too_small':
      return { field, expected: `${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`, given };
    case 'invalid_value':
      return { field, expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, given };
    default:
      return { field, expected: issue.message, given };
  }
}

/**
 * Refuses a value nested deeper than MAX_ADMIN_JSON_DEPTH (arrays and objects), checked without
 * recursion: a deeper one would overflow the stack where it is serialised for the store.
 */
export function checkDepth(input: unknown, root: string): void {
  const stack: [unknown, number][] = [[input, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_ADMIN_JSON_DEPTH) throw adminInvalid(root, `at most ${MAX_ADMIN_JSON_DEPTH} levels of nested arrays and objects`, '(deeper)');
    for (const c of Object.values(v)) stack.push([c, depth + 1]);
  }
}

/** Parses `input` with `schema` or throws SANDBOX_ADMIN_INVALID for its first problem. */
export function parseAdminInput<S extends z.ZodType>(schema: S, input: unknown, root = ''): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const d = describeIssue(r.error, input, root);
  throw adminInvalid(d.field, d.expected, d.given);
}

const YEARS_10 = '(10 years)';

/** POST time/advance, `advanceTime(ms)`. */
export const advanceInput = z
  .object({
    ms: z
      .number({ error: 'expected a number of virtual ms' })
      .min(0, 'expected ms >= 0')
      .max(MAX_ADVANCE_MS, `expected at most ${MAX_ADVANCE_MS} ms ${YEARS_10}`),
  })
  .strict();

/** POST lockout, `lockout(endpoint, seconds, owner)`. */
export const lockoutInput = z
  .object({
    endpoint: z.string({ error: 'expected METHOD /template, e.g. "POST /projects/{project}/tasks"' }),
    seconds: z
      .number({ error: 'expected a number of virtual seconds' })
      .positive('expected seconds > 0')
      .max(MAX_DURATION_S, `expected at most ${MAX_DURATION_S} s ${YEARS_10}`)
      .optional(),
    owner: z.string().min(1, 'expected a zpuid or "*"').optional(),
  })
  .strict();

/** POST reset, `reset(seed)`. */
export const resetInput = z.object({ seed: z.enum(['demo', 'empty']).optional() }).strict();

/** POST tokens/auth-code, `mintAuthCode(opts)`. */
export const authCodeInput = z
  .object({
    scopes: z.array(z.string().min(1, 'expected a scope such as "ZohoProjects.tasks.ALL"')).min(1, 'expected at least one scope').optional(),
    ownerZpuid: z.string().regex(/^\d{1,19}$/, 'expected a zpuid (digits)').optional(),
    ttlS: z
      .number({ error: 'expected a number of virtual seconds' })
      .positive('expected ttlS > 0')
      .max(MAX_DURATION_S, `expected at most ${MAX_DURATION_S} s ${YEARS_10}`)
      .optional(),
  })
  .strict();

const id = z.string({ error: 'expected an id (a digit string)' }).regex(/^\d{1,19}$/, 'expected an id (a digit string)');
/** `project: {id}` or `project_id`: which one is present is checked where the project is looked up. */
const inProject = { project: z.object({ id }).loose().optional(), project_id: id.optional() };
/** A real calendar date `YYYY-MM-DD`. */
const localDate = z.string({ error: 'expected a date YYYY-MM-DD' }).refine(isLocalDate, 'expected a real date YYYY-MM-DD');
/** `start_date` / `end_date` as the V3 create calls take them: a real date, alone or opening an ISO-8601 datetime. */
const startsWithDate = z
  .string({ error: 'expected a date YYYY-MM-DD' })
  .refine((v) => isLocalDate(v.slice(0, 10)) && (v.length === 10 || v[10] === 'T'), 'expected a real date YYYY-MM-DD (or an ISO-8601 datetime)');
/** Keys every stored kind may carry: its own id (else a new one), its dates. */
const common = { id: id.optional(), start_date: startsWithDate.optional(), end_date: startsWithDate.optional() };
const needsProject = (i: { project?: unknown; project_id?: unknown }) => i.project !== undefined || i.project_id !== undefined;
const projectMissing = { message: 'expected project.id or project_id', path: ['project_id'] };

const ITEM_SCHEMAS: Record<AdminKind, z.ZodType> = {
  projects: z.object({ ...common, name: z.string({ error: 'expected a project name' }).min(1, 'expected a project name') }).loose(),
  users: z
    .object({ id: id.optional(), email: z.string({ error: 'expected an e-mail address' }).regex(/^[^@\s]+@[^@\s]+$/, 'expected an e-mail address') })
    .loose(),
  milestones: z.object({ ...common, ...inProject }).loose().refine(needsProject, projectMissing),
  tasklists: z.object({ ...common, ...inProject }).loose().refine(needsProject, projectMissing),
  tasks: z.object({ ...common, ...inProject }).loose().refine(needsProject, projectMissing),
  'project-users': z
    .object({ ...inProject, zpuid: id.optional(), email: z.string().optional() })
    .loose()
    .refine(needsProject, projectMissing)
    .refine((i) => i.zpuid !== undefined || i.email !== undefined, { message: 'expected zpuid or email', path: ['zpuid'] }),
  timelogs: z
    .object({
      ...inProject,
      id: id.optional(),
      date: localDate,
      log_hour: z.string({ error: 'expected HH:MM' }).refine((v) => parseHhMm(v) !== undefined, 'expected HH:MM'),
    })
    .loose()
    .refine(needsProject, projectMissing),
};

/** The entity kind of `entities/{kind}` and `entities(kind)` / `insert(kind)`. */
export function adminKind(kind: unknown): AdminKind {
  if (typeof kind === 'string' && (ADMIN_KINDS as readonly string[]).includes(kind)) return kind as AdminKind;
  throw adminInvalid('kind', `one of ${ADMIN_KINDS.join(', ')}`, kind);
}

/** POST entities/{kind}, `insert(kind, items)`: an array of objects of that kind's shape. */
export function insertItems(kind: AdminKind, items: unknown): Record<string, unknown>[] {
  if (!Array.isArray(items)) throw adminInvalid('items', 'a JSON array of objects', items);
  checkDepth(items, 'items');
  const parsed = parseAdminInput(z.array(ITEM_SCHEMAS[kind]), items, 'items') as Record<string, unknown>[];
  const seen = new Map<string, number>();
  parsed.forEach((item, i) => {
    if (typeof item.id !== 'string') return;
    const first = seen.get(item.id);
    if (first !== undefined) throw adminInvalid(`items[${i}].id`, `an id not given twice (items[${first}].id is the same)`, item.id);
    seen.set(item.id, i);
  });
  return parsed;
}
