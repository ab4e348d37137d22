/**
 * Fuzzing the JSON and NDJSON extractors (createExtractor) with valid files cut at a random byte and
 * NDJSON with garbage lines (test/helpers/fuzz-json.ts), and every extractor with random bytes. Each
 * read ends within READ_TIMEOUT_MS, throws nothing but a SOURCE_* ZpetlError, counts in `stats()`
 * exactly the items it yields, gives each reject a code and a line, and reads the same twice. Items
 * before a break are the file's own, in order. The seed is printed; see test/helpers/fuzz-run.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import type { ExtractItem } from '../../src/core/record.js';
import { CONTROL_CHARACTER_POLICIES } from '../../src/core/control-chars.js';
import { createExtractor } from '../../src/extract/create-extractor.js';
import { DELIMITERS, DUPLICATE_HEADER_POLICIES, ENCODINGS, SourceSchema, type Source } from '../../src/extract/source-schema.js';
import { jsonCase, ndjsonCase, type ExpectedItem, type JsonCase } from '../helpers/fuzz-json.js';
import { checkRead, checkSameRead, fuzzParams, fuzzRuns, fuzzTimeoutMs, posOf, readBounded, type ReadResult } from '../helpers/fuzz-run.js';
import { it } from '../helpers/fixtures.js';

let dir: string;
it.beforeAll(({ fileTmp }) => {
  dir = fileTmp;
});

async function readCase(source: Source, bytes: Buffer, chunkBytes?: number): Promise<ReadResult> {
  writeFileSync(join(dir, source.path), bytes);
  const ex = createExtractor(source, { baseDir: dir, ...(chunkBytes === undefined ? {} : { chunkBytes }) });
  const first = await readBounded(ex, bytes.length + 2);
  checkRead(first, source.path, bytes.length);
  checkSameRead(first, await readBounded(ex, bytes.length + 2));
  return first;
}

/** The item is what `want` allows, at its line (and byte, when both know it). */
function checkItem(item: ExtractItem, want: ExpectedItem, at: number) {
  const pos = posOf(item);
  const where = `item ${at} (line ${want.line})`;
  expect(pos.line, `${where}: line`).toBe(want.line);
  if (want.byteOffset !== undefined && pos.byteOffset !== undefined) expect(pos.byteOffset, `${where}: byte offset`).toBe(want.byteOffset);
  if (item.kind === 'reject') {
    expect(want.codes, `${where}: rejected ${item.reject.error.code}: ${item.reject.error.message}`).toContain(item.reject.error.code);
    return;
  }
  expect(want.json, `${where}: must be a reject (${want.codes.join(' | ')}), got a record`).toBeDefined();
  // Serialised, so a `__proto__` key or a changed key order shows.
  if (!want.codes.includes('SOURCE_CONTROL_CHARACTER')) expect(JSON.stringify(item.record.data), `${where}: data`).toBe(want.json);
}

describe('JSON and NDJSON extractors on generated files (fuzz)', () => {
  const jsonSource = (c: JsonCase) => ({ type: 'json', path: 'in.json', controlCharacters: c.controlCharacters }) as Source;

  const wholeRuns = fuzzRuns(100);
  it('whole JSON: a valid array reads every element, at its line and byte, as written', async () => {
    await fc.assert(
      fc.asyncProperty(jsonCase(false), async (c) => {
        const r = await readCase(jsonSource(c), c.bytes);
        expect(r.error, 'a whole array reads to its end').toBeUndefined();
        expect(r.items.length).toBe(c.items.length);
        r.items.forEach((item, i) => checkItem(item, c.items[i]!, i));
      }),
      fuzzParams('whole JSON', wholeRuns),
    );
  }, fuzzTimeoutMs(wholeRuns));

  // Found by this property before the fix: a cut array's elements before the break were counted in
  // stats().records but never yielded, so read != valid + rejected.
  const cutRuns = fuzzRuns(150);
  it('truncated JSON: a cut array ends in SOURCE_PARSE after elements of the file only, each counted', async () => {
    await fc.assert(
      fc.asyncProperty(jsonCase(true), async (c) => {
        const r = await readCase(jsonSource(c), c.bytes);
        const code = (r.error as { code?: string } | undefined)?.code;
        if (c.bytes.toString('utf8').trim() === '') {
          // Nothing but white space: a clean end or a fatal empty/parse error, and no item.
          expect(r.items).toEqual([]);
          if (code !== undefined) expect(['SOURCE_EMPTY', 'SOURCE_PARSE']).toContain(code);
          return;
        }
        if (!c.truncated) expect(r.error, 'only white space was cut: the array reads to its end').toBeUndefined();
        else {
          expect(code, 'a cut array ends in SOURCE_PARSE').toBe('SOURCE_PARSE');
          const whole = c.items.filter((i) => i.endByte <= c.bytes.length).length;
          expect(r.items.length, 'only elements wholly before the cut').toBeLessThanOrEqual(whole);
        }
        r.items.forEach((item, i) => checkItem(item, c.items[i]!, i));
      }),
      fuzzParams('truncated JSON', cutRuns),
    );
  }, fuzzTimeoutMs(cutRuns));

  // Found by this fuzz test before the fix: stream-json assembles objects by assignment, so a
  // "__proto__" key was not read as data: an object value became the record's prototype (its
  // properties read as the record's own through `data[name]`), any other value was dropped. JSON.parse
  // (the NDJSON reader) keeps it as an own property, and so does the JSON reader now.
  it('a "__proto__" key of a JSON array element is kept as data', async () => {
    const text = '[{"__proto__":{"admin":true},"id":"1"},{"a":{"__proto__":"x"}}]';
    const r = await readCase({ type: 'json', path: 'in.json', controlCharacters: 'reject' } as Source, Buffer.from(text));
    expect(r.items.map((i) => (i.kind === 'record' ? JSON.stringify(i.record.data) : i.reject.error.code))).toEqual(['{"__proto__":{"admin":true},"id":"1"}', '{"a":{"__proto__":"x"}}']);
    expect(r.items.map((i) => (i.kind === 'record' ? Object.getPrototypeOf(i.record.data) : undefined))).toEqual([Object.prototype, Object.prototype]);
  });

  const ndjsonRuns = fuzzRuns(200);
  it('truncated NDJSON: one item per line holding a value, at its line, a record exactly when the line is a JSON object', async () => {
    await fc.assert(
      fc.asyncProperty(ndjsonCase, fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), async (c, chunkBytes) => {
        const source = { type: 'ndjson', path: 'in.ndjson', controlCharacters: c.controlCharacters } as Source;
        const r = await readCase(source, c.bytes, chunkBytes);
        if (r.error !== undefined) {
          const code = (r.error as { code: string }).code;
          // NUL bytes: binary, or a UTF-16 pattern (refused: NDJSON is UTF-8).
          const allowed = [...(c.bytes.includes(0) ? ['SOURCE_BINARY', 'SOURCE_INVALID_ENCODING'] : []), ...(c.items.length === 0 ? ['SOURCE_EMPTY', 'SOURCE_NO_RECORDS'] : [])];
          expect(allowed, `fatal ${code}: ${(r.error as Error).message}`).toContain(code);
          expect(r.items).toEqual([]);
          return;
        }
        expect(r.items.map((i) => posOf(i).line), 'one item per line holding a value').toEqual(c.items.map((i) => i.line));
        r.items.forEach((item, i) => checkItem(item, c.items[i]!, i));
      }),
      fuzzParams('truncated NDJSON', ndjsonRuns),
    );
  }, fuzzTimeoutMs(ndjsonRuns));
});

// Bytes that change how text is read: quotes, delimiters, line ends, brackets, NUL, BOM and
// UTF-8 lead bytes, and plain letters.
const INTERESTING = [0x22, 0x27, 0x2c, 0x3b, 0x09, 0x0a, 0x0d, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x5c, 0x00, 0xff, 0xfe, 0xef, 0xbb, 0xbf, 0xc3, 0xe2, 0x80, 0x41, 0x61, 0x31, 0x20];
const randomBytes = fc.oneof(
  fc.uint8Array({ maxLength: 700 }),
  fc.array(fc.constantFrom(...INTERESTING), { maxLength: 700 }).map((a) => Uint8Array.from(a)),
);

const policies = { controlCharacters: fc.constantFrom(...CONTROL_CHARACTER_POLICIES) };
const tabular = { ...policies, encoding: fc.constantFrom(...ENCODINGS), duplicateHeaders: fc.constantFrom(...DUPLICATE_HEADER_POLICIES), maxFieldChars: fc.integer({ min: 1, max: 100_000 }) };
/** Any source definition, through the schema (defaults applied, as prepare gives it). */
const anySource: fc.Arbitrary<Source> = fc
  .oneof(
    fc.record({ type: fc.constant('csv'), ...tabular, delimiter: fc.constantFrom(...DELIMITERS), relaxColumnCount: fc.boolean() }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('zoho-timesheet'), ...tabular, dateFormat: fc.constantFrom('YYYY-MM-DD', 'DD/MM/YYYY'), hoursFormat: fc.constantFrom('h.mm', 'decimal') }, { requiredKeys: ['type', 'dateFormat', 'hoursFormat'] }),
    fc.record({ type: fc.constantFrom('json', 'ndjson'), ...policies }, { requiredKeys: ['type'] }),
  )
  .map((s) => SourceSchema.parse({ ...s, path: 'in.dat' }));

describe('every extractor on random bytes (fuzz)', () => {
  const runs = fuzzRuns(300);
  it('random bytes: no crash, no hang, every item counted, every reject with a code and a line', async () => {
    await fc.assert(
      fc.asyncProperty(anySource, randomBytes, fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), async (source, bytes, chunkBytes) => {
        await readCase(source, Buffer.from(bytes), chunkBytes);
      }),
      fuzzParams('random bytes', runs),
    );
  }, fuzzTimeoutMs(runs));
});
