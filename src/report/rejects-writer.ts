/**
 * rejects.csv: every rejected row with its original columns, in their original order and with their
 * values exactly as read, followed by `_line`, `_step`, `_code`, `_field`, `_message`. Fix the values
 * and use the file as the step's source: the mapping reads columns by name and ignores the `_` ones.
 *
 * Decisions:
 * - Values are written exactly as read, never prefixed against spreadsheet formula injection: a
 *   changed value would be loaded changed when the file is fed back. Open it in a spreadsheet with
 *   "text" columns, or view report.html (which escapes everything).
 * - Every value still reads back exactly through any RFC 4180 reader, whatever line ends it knows: a
 *   cell holding CR, LF, `,` or `"` (or with whitespace at either end) is quoted (src/core/csv-cell.ts,
 *   shared with the payroll export and crosswalk.csv; test/unit/csv-property.test.ts).
 * - One `rejects-<step>.csv` per step that has rejects: exactly that step's columns, the file to feed
 *   back. `rejects.csv` combines all steps: its columns are the union of the steps' columns in order of
 *   first appearance (for a one-step pipeline, or steps sharing a header, exactly the source's), so it
 *   can be fed back as well, to the step named in `_step`.
 * - The same writer, named `warnings`, writes warnings.csv (+ `warnings-<step>.csv`): rows that loaded
 *   with a warning, in the same layout (src/report/warnings-report.ts).
 * - Streaming: rows go to a per-step NDJSON spool as they come (constant memory) and are written as
 *   CSV on `close()`, when every column is known (JSON sources reveal keys row by row).
 */
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RowError } from '../core/record.js';
import { writeCsvFile } from './write-csv-file.js';

const UNICODE_LINE_SEPARATORS = /[\u2028\u2029]/g;

export const REJECT_COLUMNS = ['_line', '_step', '_code', '_field', '_message'] as const;

export interface RejectRow {
  step: string;
  error: RowError;
  /** Original columns in source order. */
  data: Record<string, unknown>;
}

export interface RejectsWriter {
  /**
   * Declares a step's columns before its rows (the CSV header: original names in order, and the record
   * keys they were read under, which differ for duplicate headers). Optional: undeclared columns are
   * taken from the rows.
   */
  columns(step: string, names: readonly string[], keys?: readonly string[]): void;
  write(row: RejectRow): void;
  /** Writes the CSV files; returns them relative to `dir` (`<name>.csv` always, per-step files for steps with rows). */
  close(): Promise<{ combined: string; perStep: Record<string, string>; rows: number }>;
  /** Drops the spool without writing (on a fatal error the caller may still prefer close()). */
  abort(): Promise<void>;
}

interface StepSpool {
  names: string[];
  keys: string[];
  known: Set<string>;
  /** Spool file descriptor; rows are appended synchronously in 64 KiB blocks (no unbounded stream queue). */
  fd: number;
  buf: string;
  file: string;
  rows: number;
}

const cell = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** File name for a step's rows of file `name` (`rejects`, `warnings`): `<name>-<step>.csv` with anything odd replaced. */
export const stepCsvFile = (name: string, step: string): string => `${name}-${step.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`;

/** File name for a step's rejects: `rejects-<step>.csv` with anything odd replaced. */
export const stepRejectsFile = (step: string): string => stepCsvFile('rejects', step);

/** Writes `<name>.csv` (default `rejects.csv`) and `<name>-<step>.csv` into `dir` on close. */
export async function createRejectsWriter(dir: string, o: { name?: string } = {}): Promise<RejectsWriter> {
  const name = o.name ?? 'rejects';
  const spoolDir = await mkdtemp(join(tmpdir(), `zpetl-${name}-`));
  const steps = new Map<string, StepSpool>();
  let rows = 0;
  const spool = (step: string): StepSpool => {
    let s = steps.get(step);
    if (!s) {
      const file = join(spoolDir, `${steps.size}.ndjson`);
      s = { names: [], keys: [], known: new Set(), fd: openSync(file, 'w'), buf: '', file, rows: 0 };
      steps.set(step, s);
    }
    return s;
  };
  // One spool line per row. JSON.stringify leaves U+2028/U+2029 raw, and readline splits lines on them
  // on Node 24 (not 20 or 22): escaped, a value holding one reads back whole on every Node version.
  const spoolLine = (row: RejectRow): string => `${JSON.stringify(row).replace(UNICODE_LINE_SEPARATORS, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}\n`;
  async function* spooled(s: StepSpool): AsyncIterable<RejectRow> {
    const rl = createInterface({ input: createReadStream(s.file, 'utf8'), crlfDelay: Infinity });
    for await (const line of rl) if (line) yield JSON.parse(line) as RejectRow;
  }
  const tail = (r: RejectRow): string[] => [String(r.error.pos.line), r.step, r.error.code, r.error.field, r.error.message];
  return {
    columns(step, names, keys) {
      const s = spool(step);
      names.forEach((n, i) => {
        const k = keys?.[i] ?? n;
        if (s.known.has(k)) return;
        s.known.add(k);
        s.names.push(n);
        s.keys.push(k);
      });
    },
    write(row) {
      const s = spool(row.step);
      for (const k of Object.keys(row.data)) {
        if (!s.known.has(k)) {
          s.known.add(k);
          s.names.push(k);
          s.keys.push(k);
        }
      }
      s.buf += spoolLine(row);
      if (s.buf.length > 65_536) {
        writeSync(s.fd, s.buf);
        s.buf = '';
      }
      s.rows++;
      rows++;
    },
    async close() {
      for (const s of steps.values()) {
        if (s.buf) writeSync(s.fd, s.buf);
        s.buf = '';
        closeSync(s.fd);
      }
      const perStep: Record<string, string> = {};
      // Combined columns: union by record key in first-seen order, named as their first step names them.
      const keys: string[] = [];
      const names: string[] = [];
      const seen = new Set<string>();
      for (const s of steps.values()) {
        if (s.rows === 0) continue;
        s.keys.forEach((k, i) => {
          if (!seen.has(k)) {
            seen.add(k);
            keys.push(k);
            names.push(s.names[i]!);
          }
        });
      }
      for (const [step, s] of steps) {
        if (s.rows === 0) continue;
        perStep[step] = stepCsvFile(name, step);
        await writeCsvFile(join(dir, perStep[step]), [...s.names, ...REJECT_COLUMNS], (async function* () {
          for await (const r of spooled(s)) yield [...s.keys.map((k) => cell(r.data[k])), ...tail(r)];
        })());
      }
      const all = [...steps.values()];
      await writeCsvFile(join(dir, `${name}.csv`), [...names, ...REJECT_COLUMNS], (async function* () {
        for (const s of all) for await (const r of spooled(s)) yield [...keys.map((k) => cell(r.data[k])), ...tail(r)];
      })());
      await rm(spoolDir, { recursive: true, force: true });
      return { combined: `${name}.csv`, perStep, rows };
    },
    async abort() {
      for (const s of steps.values()) closeSync(s.fd);
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}
