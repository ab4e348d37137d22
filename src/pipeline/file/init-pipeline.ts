/**
 * `zpetl init` as one library call: read a CSV's first rows, render the commented starter pipeline
 * (init-template.ts) and write it to `out`, or hand the text back when no `out` is given.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import type { EntityKind } from '../../core/entity-kind.js';
import { isZpetlError, ZpetlError } from '../../core/errors.js';
import { readSourceSample, renderStarterPipeline } from './init-template.js';

/** How many rows of the CSV the guesses look at. */
const SAMPLE_ROWS = 50;

export interface InitPipelineOptions {
  /** The CSV export, as the user gave it (relative to `cwd`). */
  from: string;
  entity: EntityKind;
  /** Pipeline file to write, as given (relative to `cwd`); undefined: the text is returned, not written. */
  out?: string;
  /** Pipeline name; default the `out` file's name, or the CSV's. */
  name?: string;
  /** Overwrite an existing `out`. Default false. */
  force?: boolean;
  cwd: string;
}

export interface InitPipelineResult {
  /** The starter pipeline's YAML. */
  text: string;
  /** The absolute path written, when `out` was given. */
  written?: string;
  /** Columns of the CSV header the pipeline maps. */
  columns: number;
}

/**
 * Writes (or returns) a starter pipeline. A missing `from` is USAGE_INVALID (exit 2), as a missing
 * pipeline file is for validate and run: the file named on the command line, nothing read or written.
 * An existing `out` without `force` is USAGE_INVALID too, checked before anything is read.
 */
export async function initPipeline(o: InitPipelineOptions): Promise<InitPipelineResult> {
  const source = resolve(o.cwd, o.from);
  const out = o.out === undefined ? undefined : resolve(o.cwd, o.out);
  if (out && existsSync(out) && o.force !== true) {
    throw new ZpetlError('USAGE_INVALID', `${o.out} already exists`, { hint: 'Choose another --out, or pass --force to overwrite it.' });
  }
  const sample = await readSourceSample(source, SAMPLE_ROWS, o.from).catch((e: unknown) => {
    if (isZpetlError(e) && e.code === 'SOURCE_NOT_FOUND') {
      throw new ZpetlError('USAGE_INVALID', `--from: no such file (given: ${o.from})`, { cause: e, hint: 'Give the path of the CSV export whose header the pipeline should map (relative to the current folder).' });
    }
    throw e;
  });
  const name = o.name ?? basename(out ?? source, extname(out ?? source)).replace(/[^A-Za-z0-9._-]/g, '-');
  const sourcePath = relative(out ? dirname(out) : o.cwd, source) || basename(source);
  const text = renderStarterPipeline({ name, entity: o.entity, sourcePath, sample });
  if (!out) return { text, columns: sample.header.length };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  return { text, written: out, columns: sample.header.length };
}
