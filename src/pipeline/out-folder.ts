/**
 * An output folder (`--out` of a run or a dry run) is created and proven writable before anything
 * runs: a path under a file or a read-only place is a usage error (exit 2, nothing sent), not a
 * report lost at the end of a run.
 */
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathError } from '../core/errors.js';

/** Creates `dir` (and its parents) and writes and removes an empty folder in it; throws USAGE_BAD_PATH naming `dir`. */
export function prepareOutFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    // Root ignores file modes but not a read-only mount or /sys: only a real write proves it.
    rmdirSync(mkdtempSync(join(dir, '.zpetl-probe-')));
  } catch (e) {
    throw pathError(e, dir) ?? e;
  }
}
