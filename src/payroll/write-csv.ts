/**
 * Writes a CSV atomically (temporary file + rename), hashing what it writes. No timestamps or run ids
 * go into the body: the same rows give the same bytes. Records are built by `csvLine`
 * (src/core/csv-cell.ts, the cell escaper every CSV of the toolkit shares).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { csvLine } from '../core/csv-cell.js';
import { pathError, ZpetlError } from '../core/errors.js';

export interface WrittenCsv {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Bytes gathered before one write (and one hash update). */
const BLOCK_CHARS = 1 << 20;

/**
 * Writes `header` and then each of `lines` (whole records ending in `\n`, e.g. from `csvLine`) to a
 * temporary file beside `path`, fsyncs it and renames it over `path`. Memory: one block of ~1 MiB.
 */
export function writeCsvAtomic(path: string, header: readonly string[], lines: Iterable<string>): WrittenCsv {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw pathError(e) ?? e;
  }
  const tmp = `${path}.tmp-${process.pid}`;
  const hash = createHash('sha256');
  let bytes = 0;
  let count = 0;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const flush = (s: string) => {
      const buf = Buffer.from(s, 'utf8');
      hash.update(buf);
      bytes += buf.length;
      writeSync(fd!, buf);
    };
    // lines gathered in an array and joined once per block (not a cons string per line)
    let block: string[] = [csvLine(header)];
    let chars = 0;
    for (const line of lines) {
      block.push(line);
      chars += line.length;
      count++;
      if (chars >= BLOCK_CHARS) {
        flush(block.join(''));
        block = [];
        chars = 0;
      }
    }
    flush(block.join(''));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* not created */
    }
    // Under a file, read-only, no permission: the user's path (USAGE_BAD_PATH, exit 2); anything else (a full disk) fails the export.
    throw pathError(e, path) ?? new ZpetlError('PAYROLL_OUTPUT_FAILED', `cannot write ${path}: ${(e as Error).message}`, { cause: e, field: 'out', value: path });
  }
  return { path, rows: count, bytes, sha256: hash.digest('hex') };
}
