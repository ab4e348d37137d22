import { beforeAll, describe, expect, it } from 'vitest';
import type { ExtractItem } from '../../../src/core/record.js';
import { fileExtractor, type FileRead } from '../../../src/extract/batch-source.js';
import type { SourceFile } from '../../../src/extract/file-access.js';
import type { ExtractWarning } from '../../../src/extract/types.js';
import { tempDir } from '../../helpers/extract-helpers.js';

const tmp = tempDir();
beforeAll(() => {
  tmp.write('three.txt', 'abc');
});

const item = (line: number): ExtractItem => ({ kind: 'record', record: { data: { line }, pos: { source: 'three.txt', line, index: line - 1 } } });

/** A reader that yields two batches of one record each, counting closes of the file it was given. */
function counting(log: { closes: number; runs: FileRead[] }, fail = false) {
  return async function* (file: SourceFile, run: FileRead): AsyncGenerator<ExtractItem[]> {
    const close = file.close;
    file.close = () => {
      log.closes++;
      return close.call(file);
    };
    log.runs.push(run);
    run.setHeader({ names: ['a'], keys: ['a'] });
    run.warn({ code: 'SOURCE_EMPTY', message: `size ${file.size}` });
    run.stats.records++;
    yield [item(1)];
    if (fail) throw new Error('boom');
    run.stats.records++;
    yield [item(2)];
  };
}

describe('fileExtractor', () => {
  it('yields the reader batches, items one by one, and the read state', async () => {
    const log = { closes: 0, runs: [] as FileRead[] };
    const seen: ExtractWarning[] = [];
    const ex = fileExtractor('three.txt', { baseDir: tmp.dir, onWarning: (w) => seen.push(w) }, counting(log));
    expect(ex.path).toBe(`${tmp.dir}/three.txt`);
    const items: ExtractItem[] = [];
    for await (const i of ex.read()) items.push(i);
    expect(items.map((i) => (i.kind === 'record' ? i.record.data.line : 0))).toEqual([1, 2]);
    expect(ex.header()).toEqual({ names: ['a'], keys: ['a'] });
    expect(ex.warnings()).toEqual([{ code: 'SOURCE_EMPTY', message: 'size 3' }]);
    expect(seen).toEqual(ex.warnings());
    expect(ex.stats().records).toBe(2);
    expect(log.closes).toBe(1);
  });

  it('resets the state only when the next read starts pulling', async () => {
    const log = { closes: 0, runs: [] as FileRead[] };
    const ex = fileExtractor('three.txt', { baseDir: tmp.dir }, counting(log));
    for await (const _ of ex.readBatches());
    const batches = ex.readBatches()[Symbol.asyncIterator]();
    expect(ex.stats().records).toBe(2); // nothing ran yet
    await batches.next();
    expect(ex.stats().records).toBe(1);
    expect(ex.warnings()).toHaveLength(1);
    await batches.return?.(undefined);
    expect(log.runs[0]!.stats).not.toBe(log.runs[1]!.stats);
  });

  it('closes the file when the consumer stops early and when the reader throws', async () => {
    const log = { closes: 0, runs: [] as FileRead[] };
    const ex = fileExtractor('three.txt', { baseDir: tmp.dir }, counting(log));
    for await (const _ of ex.read()) break;
    expect(log.closes).toBe(1);
    const failing = fileExtractor('three.txt', { baseDir: tmp.dir }, counting(log, true));
    await expect(async () => {
      for await (const _ of failing.readBatches());
    }).rejects.toThrow('boom');
    expect(log.closes).toBe(2);
  });

  it('a missing file is SOURCE_NOT_FOUND before the reader runs', async () => {
    const log = { closes: 0, runs: [] as FileRead[] };
    const ex = fileExtractor('missing.csv', { baseDir: tmp.dir }, counting(log));
    await expect(async () => {
      for await (const _ of ex.read());
    }).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    expect(log.runs).toHaveLength(0);
  });
});
