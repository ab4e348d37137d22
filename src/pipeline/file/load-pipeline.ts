/**
 * Reading a pipeline file: YAML → `${ENV}` interpolation → strict zod validation → problems with
 * their path, YAML line, what was expected and what was given. Relative source paths resolve against
 * the file's directory (`baseDir`); extractors take `baseDir` and do the resolving.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { closestName } from '../../core/did-you-mean.js';
import { ZpetlError } from '../../core/errors.js';
import { formatPath, type PathPart } from './config-path.js';
import { findPlaceholders } from './init-placeholder.js';
import { findStepCycle } from './plan.js';
import { referenceLink } from './reference-anchors.js';
import { keysAt } from './schema-keys.js';
import { PipelineSchema, type PipelineConfig } from './schema.js';

/**
 * A pipeline's checkpoint database when none is given (`--db`): `.zpetl/<pipeline name>.db`, relative
 * to the working folder. The real run, the dry run, status, rejects and the payroll export all use it.
 */
export function defaultCheckpointDb(pipelineName: string): string {
  return join('.zpetl', `${pipelineName}.db`);
}

/**
 * The checkpoint database a command or library call opens: `db` (a relative one against `cwd`, the
 * caller's working folder, never the process's), else the default above under `cwd`. A trailing
 * separator is kept, so `--db newdir/` reaches the checkpoint as a folder it refuses (CHECKPOINT_PATH)
 * instead of a file named `newdir`. `:memory:` (tests) is passed as it is.
 */
export function checkpointPath(cwd: string, db: string | undefined, pipelineName: string): string {
  if (db === ':memory:') return db;
  const path = resolve(cwd, db ?? defaultCheckpointDb(pipelineName));
  return db !== undefined && /[\\/]$/.test(db) ? `${path}${sep}` : path;
}

export interface LoadedPipeline {
  config: PipelineConfig;
  /** Directory relative paths resolve against (the pipeline file's). */
  baseDir: string;
  name: string;
  /** Absolute path of the file. */
  file: string;
  /** Portal id: `portal:` in the file, else ZOHO_PORTAL_ID from the environment (undefined when neither). */
  portal: string | undefined;
}

/** One thing wrong with a pipeline file. */
export interface PipelineProblem {
  /** `steps[2].fields.name.converter`; '' for the document itself. */
  path: string;
  /** 1-based line in the YAML file, when known. */
  line?: number;
  message: string;
  /** What was expected, when zod says. */
  expected?: string;
  /** What the file holds there (truncated), when there is something. */
  received?: string;
  /** The reference section that explains this place, e.g. `docs/pipelines.md#entity-task`. */
  doc?: string;
}

export interface ValidationResult {
  ok: boolean;
  problems: PipelineProblem[];
  /** Set when ok. */
  pipeline?: LoadedPipeline;
}

/** `${NAME}` (and `$${` to write a literal `${`) in every string scalar. Missing vars are problems. */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: PathPart[], missing: { name: string; path: PathPart[] }[]): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    return value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => {
      if (m.startsWith('$$')) return m.slice(1);
      const v = env[name];
      if (v === undefined) {
        missing.push({ name, path: [...path] });
        return m;
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, i], missing));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, [...path, k], missing);
    return out;
  }
  return value;
}

/** The YAML node at `path` (or the deepest existing ancestor) and its line. */
function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: readonly PathPart[]): number | undefined {
  let node: unknown = doc.contents;
  let best: unknown = node;
  for (const p of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (isScalar(it.key) ? String(it.key.value) : String(it.key)) === String(p));
      if (!pair) break;
      best = pair.key ?? best;
      node = pair.value;
      if (node) best = node;
    } else if (isSeq(node) && typeof p === 'number') {
      node = node.items[p];
      if (!node) break;
      best = node;
    } else break;
  }
  const range = (best as YamlNode | undefined)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

function valueAt(root: unknown, path: readonly PathPart[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p as string];
  }
  return v;
}

/**
 * How far a union branch is from the value's shape: 2 = the value is not of the branch's type (a
 * string against an object schema), 1 = the right type but not an allowed value (a string outside an
 * enum), 0 = the shape fits and the issues are inside it (a missing option, an unknown key).
 */
function shapeMiss(issues: readonly z.core.$ZodIssue[]): number {
  let worst = 0;
  for (const e of issues) {
    if (e.path.length > 0 || e.code === 'unrecognized_keys') continue;
    if (e.code === 'invalid_type') return 2;
    // A nested union fits as well as its best branch (an unknown discriminator has no branches: the object fits).
    const miss = e.code !== 'invalid_union' ? 1 : e.errors.length === 0 ? 0 : Math.min(...e.errors.map(shapeMiss));
    worst = Math.max(worst, miss);
  }
  return worst;
}

/** The allowed values every branch offers, when the value fits none (a misspelt literal): `"reject" | "warn"`. */
function allowedValues(branches: readonly (readonly z.core.$ZodIssue[])[]): string[] {
  const out: string[] = [];
  for (const b of branches) for (const e of b) if (e.path.length === 0 && e.code === 'invalid_value') out.push(...e.values.map((v) => JSON.stringify(v)));
  return out;
}

/** zod's own message for a union that names nothing better. */
const GENERIC_UNION_MESSAGE = 'Invalid input';

/**
 * Union failures are reported against the branch the value's shape chose (shapeMiss: an object with
 * `type` → the converter object schema for that type, naming the missing option; a string → the bare
 * names); a value that fits no branch's shape gets every allowed value (the union's own message when
 * the schema gives one, e.g. `reject | warn | { default: VALUE }`). Steps are reported against the
 * kind their `source.type` names (zoho-timelogs = export step, anything else = load step), instead of
 * zod's "no union member matched". An unknown discriminator names the types allowed.
 */
function flattenIssues(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: PathPart[] = []): { path: PathPart[]; issue: z.core.$ZodIssue }[] {
  const out: { path: PathPart[]; issue: z.core.$ZodIssue }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PathPart[])];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const value = valueAt(input, path) as { source?: { type?: unknown } } | undefined;
      if (path.length === 2 && path[0] === 'steps') {
        out.push(...flattenIssues(issue.errors[value?.source?.type === 'zoho-timelogs' ? 1 : 0] ?? issue.errors[0]!, input, path));
        continue;
      }
      const misses = issue.errors.map(shapeMiss);
      const best = Math.min(...misses);
      const fitting = issue.errors.filter((_, i) => misses[i] === best);
      if (best > 0 && (fitting.length > 1 || issue.message !== GENERIC_UNION_MESSAGE)) {
        const allowed = issue.message !== GENERIC_UNION_MESSAGE ? issue.message : `expected one of ${allowedValues(issue.errors).join(' | ')}`;
        out.push({ path, issue: { ...issue, code: 'custom', message: `${allowed}, got ${describeValue(value)}` } as z.core.$ZodIssue });
        continue;
      }
      out.push(...flattenIssues(fitting.reduce((b, e) => (e.length < b.length ? e : b)), input, path));
      continue;
    }
    const options = (issue as { options?: readonly unknown[] }).options;
    if (issue.code === 'invalid_union' && 'discriminator' in issue && options !== undefined) {
      const given = valueAt(input, path);
      out.push({ path, issue: { ...issue, code: 'custom', message: `unknown ${String(issue.discriminator)} ${describeValue(given)}; expected one of ${options.map(String).join(', ')}` } as z.core.$ZodIssue });
      continue;
    }
    out.push({ path, issue });
  }
  return out;
}

/** ` "zone"` for a missing option of an object (the path's last key), else nothing. */
function missingName(path: readonly PathPart[]): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? ` "${last}"` : '';
}

function problemOf(path: PathPart[], issue: z.core.$ZodIssue, input: unknown, line: number | undefined): PipelineProblem {
  const p: PipelineProblem = { path: formatPath(path), message: issue.message };
  if (line !== undefined) p.line = line;
  const received = valueAt(input, path);
  if (issue.code === 'invalid_type') {
    p.expected = issue.expected;
    p.received = describeValue(received);
    p.message = received === undefined ? `missing${missingName(path)}: expected ${issue.expected}` : `expected ${issue.expected}, got ${describeValue(received)}`;
  } else if (issue.code === 'unrecognized_keys') {
    const known = keysAt(PipelineSchema, input, path);
    const close = issue.keys.length === 1 ? closestName(issue.keys[0]!, known) : undefined;
    p.message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${close === undefined ? '' : `; did you mean "${close}"?`}`;
    p.received = issue.keys.join(', ');
  } else if (issue.code === 'invalid_value') {
    p.expected = issue.values.map((v) => JSON.stringify(v)).join(' | ');
    p.received = describeValue(received);
    p.message = received === undefined ? `missing${missingName(path)}: expected one of ${p.expected}` : `expected one of ${p.expected}, got ${p.received}`;
  } else if (received !== undefined && typeof received !== 'object') {
    p.received = describeValue(received);
  }
  return p;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ZpetlError('PIPELINE_NOT_FOUND', code === 'ENOENT' ? `pipeline file not found: ${file}` : `cannot read pipeline file ${file}: ${(e as Error).message}`, {
      cause: e,
      hint: 'Check the path; `zpetl init` writes a starter pipeline.',
    });
  }
}

/**
 * How far `*alias` references may expand a pipeline file (the yaml package's default, written here so
 * the message can say it): nested aliases ("billion laughs") would otherwise grow a small file into
 * gigabytes.
 */
const MAX_YAML_ALIAS_COUNT = 100;

/** The problem for an alias the yaml package refused to expand, at the line of the first alias. */
function aliasProblem(doc: ReturnType<typeof parseDocument>, lc: LineCounter, e: ReferenceError): PipelineProblem {
  let first: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      first = node.range?.[0];
      return visit.BREAK;
    },
  });
  const message = /excessive alias count/i.test(e.message)
    ? `YAML: the file holds too many aliases: expanding its *references would make more than ${MAX_YAML_ALIAS_COUNT} copies (an alias bomb?); write the values out instead`
    : `YAML: ${e.message}`;
  return { path: '', ...(first !== undefined ? { line: lc.linePos(first).line } : {}), message };
}

/**
 * Validates without throwing for content problems (a missing file still throws PIPELINE_NOT_FOUND).
 * Missing `${VAR}`s are problems with code PIPELINE_ENV_MISSING in their message.
 */
export function validatePipelineText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ValidationResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      // Later YAML errors mostly cascade from the first: report that one.
      problems: doc.errors.slice(0, 1).map((e) => ({ path: '', line: e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line, message: `YAML: ${e.message.split('\n')[0]}` })),
    };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (e) {
    // The yaml package throws a ReferenceError while expanding aliases: too many (an alias bomb) or undefined.
    if (!(e instanceof ReferenceError)) throw e;
    return { ok: false, problems: [aliasProblem(doc, lc, e)] };
  }
  const missing: { name: string; path: PathPart[] }[] = [];
  const input = interpolate(raw, env, [], missing);
  const problems: PipelineProblem[] = missing.map((m) => {
    const p: PipelineProblem = { path: formatPath(m.path), message: `PIPELINE_ENV_MISSING: environment variable ${m.name} is not set (used at ${formatPath(m.path)})` };
    const line = lineOf(doc, lc, m.path);
    if (line !== undefined) p.line = line;
    return p;
  });
  // A value `zpetl init` left to fill in is the problem at its place: what the schema says of it there
  // (an unknown step "CHANGE_ME …") would only repeat it.
  const placeholders = findPlaceholders(input);
  const marked = new Set(placeholders.map((m) => formatPath(m.path)));
  for (const m of placeholders) {
    const line = lineOf(doc, lc, m.path);
    problems.push({ path: formatPath(m.path), ...(line !== undefined ? { line } : {}), message: `still needs a value: replace ${JSON.stringify(m.value)}`, received: describeValue(m.value), doc: referenceLink(m.path, input) });
  }
  const parsed = PipelineSchema.safeParse(input);
  if (!parsed.success) {
    for (const { path, issue } of flattenIssues(parsed.error.issues, input)) {
      const at = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
      if (marked.has(formatPath(at))) continue;
      problems.push({ ...problemOf(path, issue, input, lineOf(doc, lc, at)), doc: referenceLink(at, input) });
    }
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  // The same check planSteps makes before a run (plan.ts), reported here with its line.
  const cycle = findStepCycle(parsed.data.steps);
  if (cycle) {
    const p: PipelineProblem = { path: formatPath(cycle.path), message: cycle.message, doc: referenceLink(cycle.path, input) };
    const line = lineOf(doc, lc, cycle.path);
    if (line !== undefined) p.line = line;
    return { ok: false, problems: [p] };
  }
  const abs = resolve(file);
  const config = parsed.data;
  const portal = config.portal ?? env['ZOHO_PORTAL_ID'];
  return { ok: true, problems: [], pipeline: { config, baseDir: dirname(abs), name: config.name, file: abs, portal } };
}

/** `zpetl validate FILE`: every problem, never throws for content (the CLI prints them and exits 2). */
export function validatePipelineFile(file: string, env: NodeJS.ProcessEnv = process.env): ValidationResult {
  return validatePipelineText(readText(file), file, env);
}

/** `file:line path: message` lines for a terminal. */
export function formatProblems(file: string, problems: readonly PipelineProblem[]): string[] {
  return problems.map((p) => `${file}${p.line !== undefined ? `:${p.line}` : ''} ${p.path || '(file)'}: ${p.message}`);
}

/**
 * Loads and validates a pipeline file. Throws ZpetlError PIPELINE_NOT_FOUND, PIPELINE_ENV_MISSING
 * (when the only problems are missing variables) or PIPELINE_INVALID with `details.problems`.
 */
export function loadPipeline(file: string, env: NodeJS.ProcessEnv = process.env): LoadedPipeline {
  const r = validatePipelineFile(file, env);
  if (r.ok && r.pipeline) return r.pipeline;
  const onlyEnv = r.problems.every((p) => p.message.startsWith('PIPELINE_ENV_MISSING'));
  const lines = formatProblems(file, r.problems);
  throw new ZpetlError(onlyEnv ? 'PIPELINE_ENV_MISSING' : 'PIPELINE_INVALID', `${file}: ${r.problems.length} problem(s):\n  ${lines.join('\n  ')}`, {
    details: { problems: r.problems },
    hint: onlyEnv ? 'Set the variables (or put them in .env) and run again.' : 'Fix the file; `zpetl validate FILE` lists every problem.',
  });
}
