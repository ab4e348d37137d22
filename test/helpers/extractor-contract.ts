/**
 * Whether the extractors emit the warnings of the bad-input contract (SOURCE_NO_RECORDS after a
 * header, SOURCE_DUPLICATE_HEADER as an error under the default `duplicateHeaders: error`). The
 * pipeline side that shows them lands apart from the extractors: tests of an outcome only the
 * extractor can produce run once it does (a probe of the real extractor, never a guess).
 */
import { resolve } from 'node:path';
import { createExtractor } from '../../src/extract/create-extractor.js';
import { SourceSchema } from '../../src/extract/source-schema.js';

const BAD = resolve('fixtures/bad-inputs');

async function warningsOf(file: string): Promise<{ codes: string[]; thrown?: string }> {
  const x = createExtractor(SourceSchema.parse({ type: 'csv', path: file }), { baseDir: BAD });
  try {
    for await (const _ of x.readBatches()) void _;
  } catch (e) {
    return { codes: x.warnings().map((w) => w.code), thrown: (e as { code?: string }).code };
  }
  return { codes: x.warnings().map((w) => w.code) };
}

/** What the extractors on this branch do with the contract's files. */
export async function extractorContract(): Promise<{ noRecords: boolean; duplicateError: boolean }> {
  const header = await warningsOf('header-only.csv');
  const dup = await warningsOf('duplicate-header.csv');
  return { noRecords: header.codes.includes('SOURCE_NO_RECORDS'), duplicateError: dup.thrown === 'SOURCE_DUPLICATE_HEADER' };
}
