/** Checkpoint files in temp folders, closed and removed after each test of the file that asks for them. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openCheckpointDb, type CheckpointDb } from '../../src/checkpoint/db.js';
import type { SourcePosition } from '../../src/core/record.js';
import { makeTmpDir } from './fixtures.js';

/** A record's position in a CSV with a header line: index i is on line i + 2. */
export const pos = (i: number): SourcePosition => ({ source: 'in.csv', line: i + 2, index: i, byteOffset: i * 10 + 5 });

/** Call at the top of a test file: `open()` gives a fresh checkpoint file, `keep(cdb)` closes another one after the test. */
export function tempCheckpoints(): { open(): { cdb: CheckpointDb; dir: string; path: string }; newDir(): string; keep(cdb: CheckpointDb): CheckpointDb } {
  const dirs: string[] = [];
  const dbs: CheckpointDb[] = [];
  afterEach(() => {
    for (const d of dbs.splice(0)) d.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const newDir = () => {
    const dir = makeTmpDir('zpetl-store-');
    dirs.push(dir);
    return dir;
  };
  const keep = (cdb: CheckpointDb) => {
    dbs.push(cdb);
    return cdb;
  };
  return {
    open() {
      const dir = newDir();
      const path = join(dir, 'p.db');
      return { cdb: keep(openCheckpointDb(path)), dir, path };
    },
    newDir,
    keep,
  };
}
