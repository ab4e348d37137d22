import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExtractItem } from '../../src/core/record.js';
import type { Extractor } from '../../src/extract/types.js';
import { test } from './fixtures.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/extract');

export async function readAll(ex: Extractor): Promise<ExtractItem[]> {
  const out: ExtractItem[] = [];
  for await (const item of ex.read()) out.push(item);
  return out;
}

export const records = (items: ExtractItem[]) => items.flatMap((i) => (i.kind === 'record' ? [i.record] : []));
export const rejects = (items: ExtractItem[]) => items.flatMap((i) => (i.kind === 'reject' ? [i.reject] : []));
export const posOf = (i: ExtractItem) => (i.kind === 'record' ? i.record.pos : i.reject.error.pos);

/**
 * The test file's temporary folder (the `fileTmp` fixture, removed after its last test) with a writer
 * for generated fixtures. Call at the top of a test file; `dir` and `write` work in the file's tests
 * and in hooks registered after the call, not while the file is collected (the folder does not exist yet).
 */
export function tempDir(): { readonly dir: string; write: (name: string, content: string | Buffer) => string } {
  let dir: string | undefined;
  test.beforeAll(({ fileTmp }) => {
    dir = fileTmp;
  });
  const current = (): string => {
    if (dir === undefined) throw new Error('tempDir(): the folder exists only once the file\'s tests run');
    return dir;
  };
  return {
    get dir() {
      return current();
    },
    write: (name, content) => {
      const p = join(current(), name);
      writeFileSync(p, content);
      return p;
    },
  };
}
