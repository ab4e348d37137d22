/**
 * A `--db` that cannot be a database file says what it is (CHECKPOINT_PATH, exit 2) instead of
 * SQLite's "disk I/O error" reported as CHECKPOINT_CORRUPT.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { openCheckpointDb } from '../../../src/checkpoint/db.js';
import { exitCodeForError } from '../../../src/pipeline/exit-codes.js';
import { checkpointPath } from '../../../src/pipeline/file/load-pipeline.js';
import { openDryCheckpoint } from '../../../src/pipeline/dry-checkpoint.js';
import { readPipelineStatus } from '../../../src/pipeline/status/status.js';
import { it } from '../../helpers/fixtures.js';
import { errorOf } from '../../helpers/thrown.js';

let dir: string;
it.beforeEach(({ tmp }) => {
  dir = tmp;
});
// A test makes the folder read-only: writable again before the fixture removes it.
it.afterEach(() => {
  chmodSync(dir, 0o755);
});

describe('checkpoint path', () => {
  it('a directory: CHECKPOINT_PATH naming it and what to pass instead, exit 2, for writers and readers', () => {
    const d = join(dir, 'state');
    mkdirSync(d);
    const e = errorOf(() => openCheckpointDb(d, { owner: { pipeline: 'conc' } }));
    expect(e.code).toBe('CHECKPOINT_PATH');
    expect(e.message).toBe(`checkpoint database ${d} is a directory, not a file`);
    expect(e.hint).toBe(`Pass the path of a database file, e.g. --db ${join(d, 'pipeline.db')} (created when missing).`);
    expect(exitCodeForError(e)).toBe(2);
    expect(errorOf(() => openDryCheckpoint(d, { pipeline: 'conc' })).code).toBe('CHECKPOINT_PATH');
    expect(errorOf(() => readPipelineStatus(d, 'conc')).code).toBe('CHECKPOINT_PATH');
  });

  it('a folder under a file: CHECKPOINT_PATH saying part of the folder is a file', () => {
    writeFileSync(join(dir, 'plain'), 'x');
    const p = join(dir, 'plain', 'sub', 'p.db');
    const e = errorOf(() => openCheckpointDb(p));
    expect(e.code).toBe('CHECKPOINT_PATH');
    expect(e.message).toBe(`checkpoint database ${p} cannot be created: part of its folder ${join(dir, 'plain', 'sub')} is a file`);
  });

  it.skipIf(process.getuid?.() === 0)('a folder we may not write: CHECKPOINT_PATH saying so', () => {
    chmodSync(dir, 0o555);
    const p = join(dir, 'p.db');
    const e = errorOf(() => openCheckpointDb(p));
    expect(e.code).toBe('CHECKPOINT_PATH');
    expect(e.message).toMatch(/is not writable$/);
  });

  it('a path ending in a separator names a folder: CHECKPOINT_PATH, and no file of that name is made', () => {
    const p = join(dir, 'newdir') + '/';
    const e = errorOf(() => openCheckpointDb(p, { owner: { pipeline: 'conc' } }));
    expect(e.code).toBe('CHECKPOINT_PATH');
    expect(e.message).toBe(`checkpoint database ${p} names a folder (it ends in a separator), not a file`);
    expect(e.hint).toBe(`Pass a file path such as --db ${join(dir, 'newdir', 'pipeline.db')}.`);
    expect(existsSync(join(dir, 'newdir'))).toBe(false);
    // the shared path helper keeps the separator a relative --db was given with
    expect(checkpointPath(dir, 'newdir/', 'conc')).toBe(p);
    expect(checkpointPath(dir, undefined, 'conc')).toBe(join(dir, '.zpetl', 'conc.db'));
    expect(checkpointPath(dir, 'rel.db', 'conc')).toBe(join(dir, 'rel.db'));
  });

  it('every writable open in src/ names its owner (or is read-only)', () => {
    const calls: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const f = join(d, e.name);
        if (e.isDirectory()) walk(f);
        else if (f.endsWith('.ts')) for (const m of readFileSync(f, 'utf8').matchAll(/openCheckpointDb\(([^;]*)/g)) calls.push(`${f}: ${m[1]}`);
      }
    };
    walk('src');
    const unowned = calls.filter((c) => !c.includes('src/checkpoint/') && !/owner[:,]|readonly: true/.test(c));
    expect(calls.length).toBeGreaterThan(3);
    expect(unowned).toEqual([]);
  });

  it('a read-only open never creates the folder', () => {
    const p = join(dir, 'none', 'p.db');
    expect(errorOf(() => openCheckpointDb(p, { readonly: true, lock: false })).code).toBe('CHECKPOINT_CORRUPT');
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });
});
