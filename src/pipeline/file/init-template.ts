/**
 * `zpetl init`: a commented starter pipeline (or one more step) from a CSV's header and a target entity.
 *
 * The guesses (init-columns.ts, init-guess.ts) say which column fills which field, which column is the
 * key, and the date formats of the values; what they cannot settle is a comment saying what to check,
 * or a `CHANGE_ME` value (init-placeholder.ts) that validate names until it is replaced. Every value
 * is written by the yaml library's stringifier (flow maps quoted where YAML needs it), never pasted
 * into YAML text: a header such as `Estimate (h), rounded` reads back as itself, and the file always parses.
 */
import { stringify as yamlString } from 'yaml';
import type { EntityKind } from '../../core/entity-kind.js';
import { pickColumns, norm, type Mapping } from './init-columns.js';
import { guessDateFormat, guessDurationFormat, guessTimeFormat, type DateGuess } from './init-guess.js';
import { placeholder } from './init-placeholder.js';
import type { SourceSample } from './init-sample.js';
import { REFERENCE_DOC } from './reference-anchors.js';

export interface StarterStepOptions {
  entity: EntityKind;
  /** The step's name; default `<entity>s`. */
  stepName?: string;
  /** The source path as the pipeline file should refer to it (relative to the pipeline file). */
  sourcePath: string;
  sample: SourceSample;
  /** Steps of the pipeline that load tasks or subtasks, for `task-by-key` lookups; none: a CHANGE_ME. */
  taskSteps?: readonly string[];
}

export interface StarterPipelineOptions extends StarterStepOptions {
  /** Pipeline name (the checkpoint file is `.zpetl/<name>.db`). */
  name: string;
  /** `$schema` of the first line (the JSON Schema, relative to the pipeline file); omitted: no such line. */
  schemaPath?: string;
}

/** The default name of a step loading `entity`. */
export function defaultStepName(entity: EntityKind): string {
  return `${entity}s`;
}

/** A value as YAML (flow style for lists and maps, quoted only where YAML needs it). */
export const yamlValue = (v: unknown): string => yamlString(v, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();

/** A text as a pipeline file value: `${` would be read as an environment variable, so it is written `$${`. */
const literal = (s: string): string => s.replace(/\$\{/g, () => '$${');

/** A comment line: a header name holding a line break must not end the comment early. */
const comment = (indent: string, text: string): string => `${indent}# ${text.replace(/[\r\n]+/g, ' ')}`;

function columnValues(sample: SourceSample, column: string): string[] {
  const i = sample.header.indexOf(column);
  return sample.rows.map((r) => r[i] ?? '');
}

interface FieldContext {
  sample: SourceSample;
  /** The guess from every date column's values together: it may settle what one column leaves open (day or month first). */
  dates: DateGuess;
  taskSteps: readonly string[];
}

/** The enum map of a column's values onto the field's allowed values; CHANGE_ME where none fits. */
function enumMap(m: Mapping, values: readonly string[]): Record<string, string> {
  const seen = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))].slice(0, 12);
  const allowed = m.spec.values ?? [];
  const map: Record<string, string> = {};
  const byLower = new Set<string>();
  for (const v of seen) {
    // The enum converter matches keys case-insensitively: one key per spelling.
    if (byLower.has(v.toLowerCase())) continue;
    byLower.add(v.toLowerCase());
    const billing = m.field === 'billing' ? (/^(y|yes|true|1|billable)$/i.test(v) ? 'Billable' : /^(n|no|false|0|nonbillable|non billable)$/i.test(v) ? 'Non Billable' : undefined) : undefined;
    map[v] = allowed.find((a) => norm(a) === norm(v) && norm(a) !== '') ?? billing ?? placeholder(`one of ${allowed.join(', ')}`);
  }
  if (Object.keys(map).length === 0) for (const a of allowed) map[a] = a;
  return map;
}

/** The converter (and its comments) of a mapped field, by the field's type and the column's values. */
function converterOf(m: Mapping, values: readonly string[], ctx: FieldContext, notes: string[]): unknown {
  switch (m.spec.type) {
    case 'email':
      return 'email';
    case 'date': {
      const own = guessDateFormat(values);
      const g = !own.certain && ctx.dates.certain ? ctx.dates : own;
      if (g.hasTime) notes.push(`the values carry a time of day: the date converter keeps the date part (with \`zone\`, a value with an offset gives that zone's date); { type: datetime, zone } keeps the instant.`);
      if (!g.certain) notes.push(`the sample values do not settle the date format: check ${g.format} against the file.`);
      return { type: 'date', formats: [g.format] };
    }
    case 'time': {
      const t = guessTimeFormat(values);
      if (t === undefined) {
        notes.push('the values are not all times of day: a time field wants HH:MM (24-hour); add a time converter with their format.');
        return undefined;
      }
      return t.plain ? undefined : { type: 'time', formats: [t.format] };
    }
    case 'minutes': {
      const g = guessDurationFormat(values);
      notes.push(`durations: hh:mm (1:30), h.mm (Zoho's hours.minutes: 1.30 = 90 min) or decimal (1.5); ${g.certain ? 'the sample is hh:mm' : 'check which one the file uses'}.`);
      return { type: 'duration', format: g.format };
    }
    case 'enum':
      notes.push(`allowed: ${(m.spec.values ?? []).join(', ')}; map every spelling the file uses.`);
      return { type: 'enum', map: enumMap(m, values) };
    case 'integer':
    case 'number':
      return m.spec.type === 'integer' ? { type: 'number', integer: true } : { type: 'number' };
    case 'boolean':
      return 'boolean';
    case 'refs':
      return { type: 'list', separator: ',' };
    case 'string':
    case 'text':
      return 'trim';
    default:
      return undefined;
  }
}

/** The lookup of a reference field. */
function lookupOf(m: Mapping, ctx: FieldContext, notes: string[]): unknown {
  const kind = m.spec.lookup;
  if (kind === undefined || (m.spec.type !== 'ref' && m.spec.type !== 'refs')) return undefined;
  if (kind === 'task-by-key') {
    const steps = ctx.taskSteps;
    if (steps.length === 0) {
      notes.push('looked up by the key of the step that loads the tasks: name that step.');
      return { kind, step: placeholder('the step that loads the tasks') };
    }
    return { kind, step: steps.length === 1 ? steps[0] : [...steps] };
  }
  if (kind === 'tasklist-by-name' || kind === 'milestone-by-name') return { kind, within: 'project' };
  return { kind };
}

/** The lines of one field's mapping (indented for a step's `fields:`), with explaining comments. */
function fieldLines(m: Mapping, ctx: FieldContext): string[] {
  const ind = '      ';
  const about = `${m.spec.description}${m.spec.required ? ' (required)' : ''}${m.spec.maxChars ? `, at most ${m.spec.maxChars} characters` : ''}`;
  if (m.column === undefined) {
    if (!m.spec.required) return [];
    const spec: Record<string, unknown> = { from: placeholder(`the column for ${m.field}`) };
    const notes: string[] = [];
    const lookup = lookupOf(m, ctx, notes);
    if (lookup !== undefined) spec['lookup'] = lookup;
    spec['required'] = true;
    return [comment(ind, about), comment(ind, 'no column looked like it: set `from` to the right one, or give a `default`.'), ...notes.map((n) => comment(ind, n)), `${ind}${m.field}: ${yamlValue(spec)}`];
  }
  const notes: string[] = [];
  const spec: Record<string, unknown> = { from: literal(m.column) };
  const converter = converterOf(m, columnValues(ctx.sample, m.column), ctx, notes);
  if (converter !== undefined) spec['converter'] = converter;
  const lookup = lookupOf(m, ctx, notes);
  if (lookup !== undefined) spec['lookup'] = lookup;
  if (m.spec.required) spec['required'] = true;
  return [comment(ind, about), ...notes.map((n) => comment(ind, n)), `${ind}${m.field}: ${yamlValue(spec)}`];
}

/** One step, as the lines of an item of `steps:` (`  - name: …`), with comments. */
export function renderStepLines(o: StarterStepOptions): string[] {
  const { mappings, key } = pickColumns(o.entity, o.sample.header);
  const mapped = new Set(mappings.map((m) => m.column).filter((c): c is string => c !== undefined));
  const unmapped = o.sample.header.filter((h) => !mapped.has(h) && h !== key);
  const hasProject = mappings.some((m) => (m.field === 'project' || m.field === 'projects') && m.column !== undefined);
  const lines: string[] = [
    `  - name: ${yamlValue(o.stepName ?? defaultStepName(o.entity))}`,
    `    entity: ${o.entity}`,
    ...(o.entity === 'user'
      ? hasProject
        ? ["    # project: add each user to the project of its row (Zoho's bulk add); portal: check they are portal users.", '    scope: project']
        : ['    # portal: check each user is in the portal; project (with a `project` field): add users to projects.', '    scope: portal']
      : []),
    '    source:',
    '      type: csv',
    `      path: ${yamlValue(literal(o.sourcePath))}`,
    ...(o.sample.delimiter === ',' ? [] : [`      delimiter: ${yamlValue(o.sample.delimiter)}`]),
    '    # The columns that identify a record across runs: re-running skips keys already loaded.',
    key === undefined ? `    key: ${yamlValue([placeholder('an id-like column')])}  # no id-like column found: name one or more columns` : `    key: ${yamlValue([literal(key)])}`,
    '    # create (default): skip keys already loaded; skip-existing: also look the record up in Zoho first;',
    '    # upsert: update what exists.',
    '    mode: create',
    '    fields:',
  ];
  // Each date column is guessed on its own values, helped by all of them together where its own leave the order open.
  const dateValues = mappings.filter((m) => m.spec.type === 'date' && m.column !== undefined).flatMap((m) => columnValues(o.sample, m.column!));
  const ctx: FieldContext = { sample: o.sample, dates: guessDateFormat(dateValues), taskSteps: o.taskSteps ?? [] };
  for (const m of mappings) lines.push(...fieldLines(m, ctx));
  const missing = mappings.filter((m) => m.column === undefined && !m.spec.required).map((m) => m.field);
  if (missing.length > 0) lines.push(comment('    ', `optional fields not mapped (no matching column): ${missing.join(', ')}`));
  if (unmapped.length > 0) lines.push(comment('    ', `columns not used: ${unmapped.map((c) => (/^[\w ()./-]+$/.test(c) ? c : JSON.stringify(c))).join(', ')}`));
  return lines;
}

/** The starter pipeline, as YAML text with comments. */
export function renderStarterPipeline(o: StarterPipelineOptions): string {
  const lines: string[] = [
    ...(o.schemaPath !== undefined ? [`# yaml-language-server: $schema=${o.schemaPath}`] : []),
    comment('', `Starter pipeline written by \`zpetl init\` from the header of ${o.sourcePath}.`),
    '# Check every mapping and replace each CHANGE_ME, then: zpetl validate THIS_FILE && zpetl run THIS_FILE --dry-run',
    `# Every key, entity field, converter and lookup: ${REFERENCE_DOC} of zoho-projects-etl; examples in its pipelines/.`,
    'version: 1',
    `name: ${yamlValue(o.name)}`,
    '# The portal: ZOHO_PORTAL_ID from the environment unless set here (digits; ${VAR} is replaced from the environment).',
    '# portal: "20090000001"',
    'options:',
    '  # Records per checkpoint batch, and requests in flight at once (the rate budget paces them either way).',
    '  batchSize: 50',
    '  concurrency: 4',
    '  # Stop when more than this many rows (or this share of rows read) are rejected.',
    '  rejectLimit: { count: 1000, ratio: 0.2 }',
    '  # Load only off-peak (uncomment): outside it, `zpetl run` exits 4, or waits with --wait.',
    '  # window: { start: "22:00", end: "06:00", tz: Europe/Berlin }',
    'steps:',
    ...renderStepLines(o),
  ];
  return `${lines.join('\n')}\n`;
}
