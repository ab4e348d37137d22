/**
 * `zpetl init`: a commented starter pipeline from a CSV's header and a chosen target entity.
 *
 * The generator guesses which column fills which target field (by header names and their usual
 * synonyms), which column is the key, and date formats from sample values; everything it is not sure
 * of is written as a comment that says what to check. It never guesses silently: unmapped columns and
 * required fields it could not fill are listed at the end of the file.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { parse } from 'csv-parse';
import { stringify as yamlString } from 'yaml';
import { ZpetlError } from '../../core/errors.js';
import type { EntityKind } from '../../core/entity-kind.js';
import { sniffBom } from '../../extract/csv-header.js';
import { createCsvPositionTracker, type CsvParseProgress, type ReadBytes } from '../../extract/csv-position.js';
import { ENTITY_FIELDS, type TargetField } from '../../transform/entity-fields.js';

/** A CSV's first rows, for guessing. */
export interface SourceSample {
  header: string[];
  rows: string[][];
  delimiter: ',' | ';' | '\t';
}

export interface StarterPipelineOptions {
  /** Pipeline name (the checkpoint file is `.zpetl/<name>.db`). */
  name: string;
  entity: EntityKind;
  /** The source path as the pipeline file should refer to it (relative to the pipeline file). */
  sourcePath: string;
  sample: SourceSample;
}

/** Header names (normalised: lower case, letters and digits only) that usually hold each target field. */
const SYNONYMS: Record<string, string[]> = {
  name: ['name', 'title', 'taskname', 'task', 'summary', 'subject'],
  description: ['description', 'notes', 'details', 'body', 'desc'],
  startDate: ['startdate', 'start', 'begin', 'begins', 'startson'],
  endDate: ['duedate', 'due', 'enddate', 'end', 'deadline', 'dueon'],
  priority: ['priority', 'prio'],
  owners: ['assigneeemail', 'assignee', 'owneremail', 'owner', 'assignedto', 'owners', 'assignees'],
  owner: ['owneremail', 'owner', 'manager', 'manageremail', 'lead'],
  completionPercentage: ['percentcomplete', 'complete', 'progress', 'completion', 'done'],
  billingType: ['billingtype', 'billable'],
  tasklist: ['tasklist', 'list', 'section', 'column', 'group', 'tasklistname', 'listname'],
  milestone: ['milestone', 'phase', 'milestonename'],
  project: ['project', 'projectname', 'projectcode', 'workspace', 'board'],
  parent: ['parentid', 'parent', 'parenttask', 'parentkey', 'parenttaskid'],
  email: ['email', 'workemail', 'emailaddress', 'mail', 'useremail', 'emailid'],
  firstName: ['firstname', 'givenname', 'forename', 'first'],
  lastName: ['lastname', 'familyname', 'surname', 'last'],
  role: ['role', 'projectrole'],
  profile: ['profile'],
  user: ['useremail', 'user', 'owneremail', 'owner', 'email', 'employee', 'logowner'],
  date: ['logdate', 'date', 'day', 'workdate'],
  minutes: ['hours', 'timespent', 'duration', 'minutes', 'loghours', 'time'],
  billing: ['billingstatus', 'billingtype', 'billable', 'billstatus', 'billing'],
  approval: ['approvalstatus', 'approval', 'approved'],
  notes: ['notes', 'lognotes', 'comment', 'comments', 'description'],
  task: ['taskid', 'taskkey', 'task', 'issue', 'taskname'],
  logName: ['logname'],
  startTime: ['starttime', 'from'],
  endTime: ['endtime', 'to'],
  isPublic: ['public', 'ispublic'],
  flag: ['flag', 'visibility'],
};

/** Per-entity overrides: a task list's name is usually in a "List" column, a project's in "Project Name". */
const ENTITY_SYNONYMS: Partial<Record<EntityKind, Record<string, string[]>>> = {
  project: { name: ['projectname', 'project', 'name', 'title'] },
  milestone: { name: ['milestone', 'milestonename', 'phase', 'name', 'title'] },
  tasklist: { name: ['tasklist', 'tasklistname', 'list', 'listname', 'section', 'name'] },
  timelog: { task: ['taskid', 'taskkey', 'task', 'issue'] },
};

/** Column names that usually identify a record across exports: generic ones, then per entity. */
const KEY_SYNONYMS = ['id', 'key', 'externalid', 'recordid', 'uid', 'uuid'];
const ENTITY_KEY_SYNONYMS: Record<EntityKind, string[]> = {
  user: ['employeeid', 'userid', 'personid', 'staffid'],
  project: ['projectid', 'projectcode', 'projectkey', 'code'],
  milestone: ['milestoneid', 'phaseid'],
  tasklist: ['tasklistid', 'listid', 'sectionid'],
  task: ['taskid', 'taskkey', 'issueid', 'issuekey', 'ticketid'],
  subtask: ['taskid', 'subtaskid', 'taskkey', 'issueid', 'issuekey'],
  timelog: ['logid', 'timelogid', 'entryid', 'worklogid'],
};

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const DATE_GUESSES: { format: string; re: RegExp }[] = [
  { format: 'YYYY-MM-DD', re: /^\d{4}-\d{1,2}-\d{1,2}$/ },
  { format: 'DD.MM.YYYY', re: /^\d{1,2}\.\d{1,2}\.\d{4}$/ },
  { format: 'YYYY/MM/DD', re: /^\d{4}\/\d{1,2}\/\d{1,2}$/ },
];

/** The date format a column's sample values fit, and whether the guess is certain. */
export function guessDateFormat(values: readonly string[]): { format: string; certain: boolean } {
  const vs = values.map((v) => v.trim()).filter((v) => v !== '');
  for (const g of DATE_GUESSES) if (vs.length > 0 && vs.every((v) => g.re.test(v))) return { format: g.format, certain: true };
  for (const sep of ['/', '-']) {
    const re = new RegExp(`^(\\d{1,2})\\${sep}(\\d{1,2})\\${sep}\\d{4}$`);
    const parts = vs.map((v) => re.exec(v));
    if (vs.length === 0 || parts.some((p) => p === null)) continue;
    const firstOver12 = parts.some((p) => Number(p![1]) > 12);
    const secondOver12 = parts.some((p) => Number(p![2]) > 12);
    if (secondOver12 && !firstOver12) return { format: `MM${sep}DD${sep}YYYY`, certain: true };
    if (firstOver12 && !secondOver12) return { format: `DD${sep}MM${sep}YYYY`, certain: true };
    return { format: `DD${sep}MM${sep}YYYY`, certain: false };
  }
  return { format: 'YYYY-MM-DD', certain: false };
}

/** The duration format a column's sample values fit (`hh:mm` unless the values say otherwise). */
export function guessDurationFormat(values: readonly string[]): { format: 'hh:mm' | 'h.mm' | 'decimal'; certain: boolean } {
  const vs = values.map((v) => v.trim()).filter((v) => v !== '');
  if (vs.length > 0 && vs.every((v) => /^\d+:\d{2}$/.test(v))) return { format: 'hh:mm', certain: true };
  if (vs.some((v) => /^\d*\.\d*[6-9]\d*$/.test(v) || /^\d*\.\d$/.test(v))) return { format: 'decimal', certain: false };
  if (vs.every((v) => /^\d+(\.\d{2})?$/.test(v))) return { format: 'h.mm', certain: false };
  return { format: 'hh:mm', certain: false };
}

/** Detects `,` `;` or tab from a header line (the most frequent outside quotes; `,` on a tie). */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/**
 * Reads a CSV's header and up to `maxRows` data rows (UTF-8, BOM skipped). Throws SOURCE_NOT_FOUND,
 * SOURCE_EMPTY or SOURCE_PARSE with the file named.
 */
export async function readSourceSample(path: string, maxRows = 50, shownAs: string = path): Promise<SourceSample> {
  let firstChunk = '';
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', start: 0, end: 65_535 })) {
      firstChunk += chunk as string;
      break;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ZpetlError(code === 'ENOENT' ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNREADABLE', `cannot read ${shownAs}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, {
      cause: e,
      hint: 'Give the path of the CSV export whose header the pipeline should map.',
    });
  }
  const headerLine = firstChunk.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (headerLine.trim() === '') throw new ZpetlError('SOURCE_EMPTY', `${shownAs} has no header line`, { pos: { source: shownAs, line: 1, index: 0 } });
  const delimiter = detectDelimiter(headerLine);
  const records: string[][] = [];
  // Lines as the extractor counts them (the tracker of src/extract/csv-position.ts): an error names the
  // line where its record starts, past blank lines and records that span lines. The tracker follows
  // the parser (on_record), not the consumer: a parse error drops the records still buffered.
  let fd: number | undefined;
  const read: ReadBytes = (start, maxBytes) => {
    fd ??= openSync(path, 'r');
    const buf = Buffer.alloc(maxBytes);
    return buf.subarray(0, readSync(fd, buf, 0, maxBytes, start));
  };
  const bom = sniffBom(read(0, 3));
  const bomBytes = bom !== undefined && 'bomBytes' in bom ? bom.bomBytes : 0;
  // csv-parse strips the BOM itself (`bom: true`) and counts it in its byte offsets: parserOffset 0.
  const tracker = createCsvPositionTracker({ read, unitBytes: bomBytes === 2 ? 2 : 1, start: { line: 1, byteOffset: bomBytes }, parserOffset: 0 });
  let last: CsvParseProgress = { bytes: 0, lines: 0, empty_lines: 0 };
  const onRecord = (record: string[], info: CsvParseProgress) => {
    tracker.record(info, record);
    last = info;
    return record;
  };
  const parser = createReadStream(path).pipe(
    parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, to: maxRows + 1, on_record: onRecord }),
  );
  try {
    for await (const rec of parser) records.push(rec as string[]);
  } catch (e) {
    // A csv-parse error carries the parser's counters; any other error is placed after the last record.
    const at = tracker.recordStart(typeof (e as Partial<CsvParseProgress>).empty_lines === 'number' ? (e as CsvParseProgress) : last);
    throw new ZpetlError('SOURCE_PARSE', `cannot parse ${shownAs}: ${(e as Error).message}`, { cause: e, pos: { source: shownAs, line: at.line, index: records.length, byteOffset: at.byteOffset } });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const [header, ...rows] = records;
  if (!header) throw new ZpetlError('SOURCE_EMPTY', `${shownAs} has no header line`, { pos: { source: shownAs, line: 1, index: 0 } });
  return { header, rows, delimiter };
}

interface Mapping {
  field: string;
  spec: TargetField;
  column: string | undefined;
}

function pickColumns(entity: EntityKind, header: readonly string[]): { mappings: Mapping[]; key: string | undefined } {
  const used = new Set<string>();
  const byNorm = new Map(header.map((h) => [norm(h), h]));
  const fields = ENTITY_FIELDS[entity];
  const mappings: Mapping[] = [];
  // Required fields choose first so that, e.g., a task's `name` gets "Title" before `description` could.
  const order = Object.entries(fields).sort(([, a], [, b]) => Number(b.required ?? false) - Number(a.required ?? false));
  for (const [field, spec] of order) {
    if (spec.refused !== undefined) continue; // validate refuses it (e.g. a user's names): never map a column to it
    const synonyms = ENTITY_SYNONYMS[entity]?.[field] ?? SYNONYMS[field] ?? [norm(field)];
    let column: string | undefined;
    for (const s of synonyms) {
      const h = byNorm.get(s);
      if (h !== undefined && !used.has(h)) {
        column = h;
        break;
      }
    }
    if (column !== undefined) used.add(column);
    mappings.push({ field, spec, column });
  }
  // A portal-scope user step (no project column) sends nothing but checks e-mails: validate refuses a role or profile there.
  if (entity === 'user' && !mappings.some((m) => (m.field === 'project' || m.field === 'projects') && m.column !== undefined)) for (const m of mappings) if (m.field === 'role' || m.field === 'profile') m.column = undefined;
  // Back in the entity's declared order for the file.
  const declared = Object.keys(fields);
  mappings.sort((a, b) => declared.indexOf(a.field) - declared.indexOf(b.field));
  // A column that fills a reference (a parent's key, a project name) identifies another record, not this one.
  const refColumns = new Set(mappings.filter((m) => m.spec.type === 'ref' || m.spec.type === 'refs').map((m) => m.column));
  let key = [...KEY_SYNONYMS, ...ENTITY_KEY_SYNONYMS[entity]].map((s) => byNorm.get(s)).find((h) => h !== undefined && !refColumns.has(h));
  if (key === undefined && entity === 'user') key = mappings.find((m) => m.field === 'email')?.column;
  if (key === undefined) key = mappings.find((m) => m.field === 'name')?.column;
  return { mappings, key };
}

/** YAML for a scalar (quoted only when YAML needs it). */
const y = (v: unknown) => yamlString(v, { lineWidth: 0 }).trimEnd();

function columnValues(sample: SourceSample, column: string): string[] {
  const i = sample.header.indexOf(column);
  return sample.rows.map((r) => r[i] ?? '');
}

/** The lines of one field's mapping (indented for a step's `fields:`), with explaining comments. */
function fieldLines(m: Mapping, sample: SourceSample, keyColumn: string | undefined, previousStep: string, dates: { format: string; certain: boolean }): string[] {
  const ind = '      ';
  const out: string[] = [];
  const head = `${ind}# ${m.spec.description}${m.spec.required ? ' (required)' : ''}${m.spec.maxChars ? `, at most ${m.spec.maxChars} characters` : ''}`;
  if (m.column === undefined) {
    if (!m.spec.required) return [];
    out.push(head, `${ind}# no column looked like it: set \`from\` to the right one, or give a \`default\`.`);
    out.push(`${ind}${m.field}: { from: ${y(`CHANGE ME (${m.field})`)}, required: true }`);
    return out;
  }
  out.push(head);
  const parts: string[] = [`from: ${y(m.column)}`];
  const values = columnValues(sample, m.column);
  switch (m.spec.type) {
    case 'email':
      parts.push('converter: email');
      break;
    case 'date': {
      const g = dates;
      parts.push(`converter: { type: date, formats: [${y(g.format)}] }`);
      if (!g.certain) out.push(`${ind}# the sample values do not settle the date format: check ${g.format} against the file.`);
      break;
    }
    case 'minutes': {
      const g = guessDurationFormat(values);
      parts.push(`converter: { type: duration, format: ${g.format} }`);
      out.push(`${ind}# durations: hh:mm (1:30), h.mm (Zoho's hours.minutes: 1.30 = 90 min) or decimal (1.5); ${g.certain ? 'the sample is hh:mm' : 'check which one the file uses'}.`);
      break;
    }
    case 'enum': {
      const seen = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))].slice(0, 12);
      const allowed = m.spec.values ?? [];
      const map: Record<string, string> = {};
      for (const v of seen) {
        const match = allowed.find((a) => norm(a) === norm(v)) ?? (m.field === 'billing' ? (/^(y|yes|true|1|billable)$/i.test(v) ? 'Billable' : /^(n|no|false|0|nonbillable|non billable)$/i.test(v) ? 'Non Billable' : undefined) : undefined);
        map[v] = match ?? `CHANGE ME (one of ${allowed.join(', ')})`;
      }
      if (Object.keys(map).length === 0) for (const a of allowed) map[a] = a;
      out.push(`${ind}# allowed: ${allowed.join(', ')}; map every spelling the file uses.`);
      parts.push(`converter: { type: enum, map: { ${Object.entries(map).map(([k, v]) => `${y(k)}: ${y(v)}`).join(', ')} } }`);
      break;
    }
    case 'integer':
    case 'number':
      parts.push(`converter: { type: number${m.spec.type === 'integer' ? ', integer: true' : ''} }`);
      break;
    case 'boolean':
      parts.push('converter: boolean');
      break;
    case 'refs':
      parts.push(`converter: { type: list, separator: ${y(',')} }`);
      break;
    case 'string':
    case 'text':
      parts.push('converter: trim');
      break;
    default:
      break;
  }
  if (m.spec.type === 'ref' || m.spec.type === 'refs') {
    const kind = m.spec.lookup;
    if (kind === 'task-by-key') {
      parts.push(`lookup: { kind: task-by-key, step: ${y(previousStep)} }`);
      out.push(`${ind}# looked up by the key of an earlier step (${keyColumn ?? 'its key column'} there); rename the step to yours.`);
    } else if (kind === 'tasklist-by-name' || kind === 'milestone-by-name') {
      parts.push(`lookup: { kind: ${kind}, within: project }`);
    } else if (kind) {
      parts.push(`lookup: { kind: ${kind} }`);
    }
  }
  if (m.spec.required) parts.push('required: true');
  out.push(`${ind}${m.field}: { ${parts.join(', ')} }`);
  return out;
}

/** The starter pipeline, as YAML text with comments. */
export function renderStarterPipeline(o: StarterPipelineOptions): string {
  const { mappings, key } = pickColumns(o.entity, o.sample.header);
  const mapped = new Set(mappings.map((m) => m.column).filter((c): c is string => c !== undefined));
  const unmapped = o.sample.header.filter((h) => !mapped.has(h) && h !== key);
  const stepName = o.entity === 'subtask' ? 'subtasks' : `${o.entity}s`;
  const lines: string[] = [
    `# Starter pipeline written by \`zpetl init\` from the header of ${o.sourcePath}.`,
    '# Check every mapping, then: zpetl validate THIS_FILE && zpetl run THIS_FILE --dry-run',
    '# Field names, converters and lookups: see README.md and the examples in pipelines/.',
    'version: 1',
    `name: ${y(o.name)}`,
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
    `  - name: ${stepName}`,
    `    entity: ${o.entity}`,
    ...(o.entity === 'user'
      ? mappings.some((m) => (m.field === 'project' || m.field === 'projects') && m.column !== undefined)
        ? ['    # project: add each user to the project of its row (Zoho\'s bulk add); portal: check they are portal users.', '    scope: project']
        : ['    # portal: check each user is in the portal; project (with a `project` field): add users to projects.', '    scope: portal']
      : []),
    '    source:',
    '      type: csv',
    `      path: ${y(o.sourcePath)}`,
    ...(o.sample.delimiter === ',' ? [] : [`      delimiter: ${y(o.sample.delimiter)}`]),
    '    # The columns that identify a record across runs: re-running skips keys already loaded.',
    key === undefined ? '    key: [CHANGE ME]  # no id-like column found: name one or more columns' : `    key: [${y(key)}]`,
    '    # create (default): skip keys already loaded; skip-existing: also look the record up in Zoho first;',
    '    # upsert: update what exists.',
    '    mode: create',
    '    fields:',
  ];
  // One file uses one date format: guess it from every date column's values together.
  const dateValues = mappings.filter((m) => m.spec.type === 'date' && m.column !== undefined).flatMap((m) => columnValues(o.sample, m.column!));
  const dates = guessDateFormat(dateValues);
  for (const m of mappings) lines.push(...fieldLines(m, o.sample, key, 'tasks', dates));
  const missing = mappings.filter((m) => m.column === undefined && !m.spec.required).map((m) => m.field);
  if (missing.length > 0) lines.push(`    # optional fields not mapped (no matching column): ${missing.join(', ')}`);
  if (unmapped.length > 0) lines.push(`    # columns not used: ${unmapped.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
