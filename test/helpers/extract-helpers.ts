import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExtractItem } from '../../src/core/record.js';
import type { Extractor } from '../../src/extract/types.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/extract');

export async function readAll(ex: Extractor): Promise<ExtractItem[]> {
  const out: ExtractItem[] = [];
  for await (const item of ex.read()) out.push(item);
  return out;
}

export const records = (items: ExtractItem[]) => items.flatMap((i) => (i.kind === 'record' ? [i.record] : []));
export const rejects = (items: ExtractItem[]) => items.flatMap((i) => (i.kind === 'reject' ? [i.reject] : []));
export const posOf = (i: ExtractItem) => (i.kind === 'record' ? i.record.pos : i.reject.error.pos);

/** A temp dir for generated fixtures; call the returned cleanup in afterAll. */
export function tempDir(): { dir: string; write: (name: string, content: string | Buffer) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'zpetl-extract-'));
  return {
    dir,
    write: (name, content) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
