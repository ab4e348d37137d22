/**
 * `zpetl init` as one library call: read a CSV's first rows, render the commented starter pipeline
 * (init-template.ts) and write it to `out`, or hand the text back when no `out` is given; or, with
 * `addTo`, append a step for the CSV to an existing pipeline file.
 *
 * The first line points editors at the JSON Schema: `# yaml-language-server: $schema=<path>`, the
 * path from the pipeline file's folder to `schema/pipeline.schema.json` of the zpetl that wrote it
 * (in a project, `node_modules/zoho-projects-etl/schema/…`; in a clone of this repository,
 * `../schema/…`). A relative path because the YAML language server resolves one against the file, it
 * works offline and in every editor of the project's clones, and it names the schema of the installed
 * version, the one `zpetl validate` applies; the package has no published URL that would follow it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, LineCounter, parse, parseDocument } from 'yaml';
import type { EntityKind } from '../../core/entity-kind.js';
import { isZpetlError, ZpetlError } from '../../core/errors.js';
import { findPlaceholders } from './init-placeholder.js';
import { readSourceSample, type SourceSample } from './init-sample.js';
import { defaultStepName, renderStarterPipeline, renderStepLines } from './init-template.js';

/** How many rows of the CSV the guesses look at. */
const SAMPLE_ROWS = 50;

/** The JSON Schema this zpetl ships (`schema/` beside `src/` and `dist/`, both two folders below this file's). */
const SCHEMA_FILE = fileURLToPath(new URL('../../../schema/pipeline.schema.json', import.meta.url));

/** Names a step or pipeline may take (schema.ts STEP_NAME). */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export interface InitPipelineOptions {
  /** The CSV export, as the user gave it (relative to `cwd`). */
  from: string;
  entity: EntityKind;
  /** Pipeline file to write, as given (relative to `cwd`); undefined: the text is returned, not written. */
  out?: string;
  /** An existing pipeline file to append the step to (relative to `cwd`); excludes `out`. */
  addTo?: string;
  /** Pipeline name; default the `out` file's name, or the CSV's. */
  name?: string;
  /** The step's name; default `<entity>s`. A name the pipeline already has is refused. */
  stepName?: string;
  /** Overwrite an existing `out`. Default false. */
  force?: boolean;
  cwd: string;
}

export interface InitPipelineResult {
  /** The starter pipeline's YAML (with `addTo`: the whole file after the step was added). */
  text: string;
  /** The absolute path written, when `out` or `addTo` was given. */
  written?: string;
  /** Columns of the CSV header. */
  columns: number;
  /** The name of the step written. */
  step: string;
  /** How many `CHANGE_ME` values the step holds (what validate will name until they are replaced). */
  placeholders: number;
}

/** A name made of the characters a pipeline name allows, starting with a letter or digit. */
function safeName(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned === '' ? 'pipeline' : cleaned;
}

/** A path as a pipeline file writes it: relative to `dir`, with forward slashes. */
function relativeTo(dir: string, file: string): string {
  return (relative(dir, file) || basename(file)).split(sep).join('/');
}

async function sampleOf(o: InitPipelineOptions, source: string): Promise<SourceSample> {
  return readSourceSample(source, SAMPLE_ROWS, o.from).catch((e: unknown) => {
    if (isZpetlError(e) && e.code === 'SOURCE_NOT_FOUND') {
      throw new ZpetlError('USAGE_INVALID', `--from: no such file (given: ${o.from})`, { cause: e, hint: 'Give the path of the CSV export whose header the pipeline should map (relative to the current folder).' });
    }
    throw e;
  });
}

/**
 * Writes (or returns) a starter pipeline, or appends a step to `addTo`. A missing `from` is
 * USAGE_INVALID (exit 2), as a missing pipeline file is for validate and run: the file named on the
 * command line, nothing read or written. An existing `out` without `force`, a missing `addTo`, or a
 * step name `addTo` already has is USAGE_INVALID too, checked before anything is written.
 */
export async function initPipeline(o: InitPipelineOptions): Promise<InitPipelineResult> {
  if (o.stepName !== undefined && !NAME_RE.test(o.stepName)) throw new ZpetlError('USAGE_INVALID', `--step-name: expected letters, digits, _ . - (given: ${o.stepName})`);
  if (o.addTo !== undefined) {
    if (o.out !== undefined) throw new ZpetlError('USAGE_INVALID', '--add-step and --out exclude each other', { hint: '--add-step names the pipeline file the step is added to.' });
    return addStep(o, o.addTo);
  }
  const source = resolve(o.cwd, o.from);
  const out = o.out === undefined ? undefined : resolve(o.cwd, o.out);
  if (out && existsSync(out) && o.force !== true) {
    throw new ZpetlError('USAGE_INVALID', `${o.out} already exists`, { hint: 'Choose another --out, or pass --force to overwrite it, or --add-step it to add a step.' });
  }
  const sample = await sampleOf(o, source);
  const name = o.name ?? safeName(basename(out ?? source, extname(out ?? source)));
  const dir = out ? dirname(out) : o.cwd;
  const step = o.stepName ?? defaultStepName(o.entity);
  const text = renderStarterPipeline({ name, entity: o.entity, stepName: step, sourcePath: relativeTo(dir, source), sample, schemaPath: relativeTo(dir, SCHEMA_FILE) });
  const result = { text, columns: sample.header.length, step, placeholders: findPlaceholders(parse(text)).length };
  if (!out) return result;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  return { ...result, written: out };
}

/** The steps of a parsed pipeline: name and entity of each (export steps have none). */
function stepsOf(value: unknown): { name: unknown; entity: unknown }[] {
  const steps = (value as { steps?: unknown } | null)?.steps;
  return Array.isArray(steps) ? steps.map((s) => ({ name: (s as { name?: unknown })?.name, entity: (s as { entity?: unknown })?.entity })) : [];
}

/**
 * Appends a step to the pipeline file `addTo`. The file's own text is kept byte for byte (its comments,
 * spacing and quoting): the yaml Document API finds the end of the `steps:` sequence and the step's
 * indentation, the step's lines go in there, and the result is parsed again before it is written.
 */
async function addStep(o: InitPipelineOptions, addTo: string): Promise<InitPipelineResult> {
  const file = resolve(o.cwd, addTo);
  if (!existsSync(file)) throw new ZpetlError('USAGE_INVALID', `--add-step: no such pipeline file (given: ${addTo})`, { hint: 'Name an existing pipeline file, or write a new one with --out.' });
  const original = readFileSync(file, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(original, { lineCounter: lc });
  const seq = isMap(doc.contents) ? doc.contents.get('steps', true) : undefined;
  if (doc.errors.length > 0 || !isSeq(seq) || seq.flow || seq.items.length === 0 || !seq.range) {
    throw new ZpetlError('USAGE_INVALID', `--add-step: ${addTo} has no block list of steps to add to`, { hint: 'Check the file with `zpetl validate`; a step can be added to a `steps:` list written one `- name:` per item.' });
  }
  const existing = stepsOf(doc.toJS());
  const step = o.stepName ?? defaultStepName(o.entity);
  if (existing.some((s) => s.name === step)) {
    throw new ZpetlError('USAGE_INVALID', `${addTo} already has a step named "${step}"`, { hint: 'Name the new step with --step-name.' });
  }
  const source = resolve(o.cwd, o.from);
  const sample = await sampleOf(o, source);
  // A subtask's parent is a task; a time log's task may be either.
  const taskEntities = o.entity === 'subtask' ? ['task'] : ['task', 'subtask'];
  const taskSteps = existing.filter((s) => typeof s.name === 'string' && taskEntities.includes(String(s.entity))).map((s) => s.name as string);
  const lines = renderStepLines({ entity: o.entity, stepName: step, sourcePath: relativeTo(dirname(file), source), sample, taskSteps });
  const first = seq.items[0] as { range?: [number, number, number] } | undefined;
  const dashCol = Math.max(0, lc.linePos(first?.range?.[0] ?? seq.range[0]).col - 3);
  const indented = [`# Added by \`zpetl init\` from ${relativeTo(dirname(file), source)}.`.replace(/[\r\n]+/g, ' '), ...lines.map((l) => l.slice(2))].map((l) => `${' '.repeat(dashCol)}${l}`);
  const at = endOfSequence(original, seq.items[seq.items.length - 1] as { range?: [number, number, number] }, dashCol);
  const before = original.slice(0, at);
  const text = `${before}${before.endsWith('\n') ? '' : '\n'}\n${indented.join('\n')}\n${original.slice(at)}`;
  const check = parseDocument(text);
  const after = stepsOf(check.toJS());
  if (check.errors.length > 0 || after.length !== existing.length + 1 || after.findIndex((s) => s.name === step) !== existing.length) {
    throw new ZpetlError('INTERNAL', `--add-step: the step could not be placed in ${addTo}; the file is unchanged`, { hint: 'Add the step by hand: `zpetl init` without --add-step prints one.' });
  }
  writeFileSync(file, text);
  const added = (check.toJS() as { steps: unknown[] }).steps[existing.length];
  return { text, written: file, columns: sample.header.length, step, placeholders: findPlaceholders(added).length };
}

/** Where the last step ends: after its own lines and the comments indented under it, at a line start. */
function endOfSequence(text: string, last: { range?: [number, number, number] }, dashCol: number): number {
  let at = last.range?.[1] ?? text.length;
  if (at > 0 && text[at - 1] !== '\n') {
    const nl = text.indexOf('\n', at);
    at = nl === -1 ? text.length : nl + 1;
  }
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    const line = text.slice(at, nl === -1 ? text.length : nl);
    const indent = line.length - line.trimStart().length;
    if (!line.trimStart().startsWith('#') || indent <= dashCol) break;
    at = nl === -1 ? text.length : nl + 1;
  }
  return at;
}
