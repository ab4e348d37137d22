/**
 * Streams a CSV file: the header, then each record as `csvLine` writes it (src/core/csv-cell.ts, the
 * cell escaper every CSV of the toolkit shares), gathered into blocks of ~64 KiB. Memory stays one
 * block whatever the number of rows; the stream's back-pressure and errors are the pipeline's. Used for
 * rejects.csv, rejects-<step>.csv and crosswalk.csv, whose values are written exactly as given (no
 * formula prefix: see rejects-writer.ts).
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { csvLine } from '../core/csv-cell.js';

const BLOCK_CHARS = 1 << 16;

export async function writeCsvFile(path: string, header: readonly string[], rows: Iterable<readonly string[]> | AsyncIterable<readonly string[]>): Promise<void> {
  await pipeline(async function* () {
    let block = csvLine(header);
    for await (const r of rows) {
      block += csvLine(r);
      if (block.length >= BLOCK_CHARS) {
        yield block;
        block = '';
      }
    }
    yield block;
  }, createWriteStream(path));
}
