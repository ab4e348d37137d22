/**
 * Writes a CSV atomically (temporary file + rename) with csv-stringify, hashing what it writes. No
 * timestamps or run ids go into the body: the same rows give the same bytes.
 */
import { stringify } from 'csv-stringify/sync';
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ZpetlError } from '../core/errors.js';

export interface WrittenCsv {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

const CHUNK = 5000;

export function writeCsvAtomic(path: string, header: string[], rows: Iterable<string[]>): WrittenCsv {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const hash = createHash('sha256');
  let bytes = 0;
  let count = 0;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const emit = (batch: string[][]) => {
      const buf = Buffer.from(stringify(batch, { record_delimiter: 'unix', quoted_match: /^\s|\s$/ }), 'utf8');
      hash.update(buf);
      bytes += buf.length;
      writeSync(fd!, buf);
    };
    emit([header]);
    let batch: string[][] = [];
    for (const r of rows) {
      batch.push(r);
      count++;
      if (batch.length >= CHUNK) {
        emit(batch);
        batch = [];
      }
    }
    if (batch.length) emit(batch);
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
    throw new ZpetlError('PAYROLL_OUTPUT_FAILED', `cannot write ${path}: ${(e as Error).message}`, { cause: e, field: 'out', value: path });
  }
  return { path, rows: count, bytes, sha256: hash.digest('hex') };
}
