/**
 * JSON Schema of pipeline files for editor completion (schema/pipeline.schema.json). Regenerate with
 * `node --import tsx src/pipeline/file/json-schema.ts --write`; a test fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { PipelineSchema } from './schema.js';

/** The schema as text (input side: defaults are optional keys). */
export function pipelineJsonSchemaText(): string {
  const schema = z.toJSONSchema(PipelineSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'zpetl pipeline file (version 1)' }, null, 2)}\n`;
}

if (process.argv.includes('--write') && import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../../../schema/pipeline.schema.json', import.meta.url), pipelineJsonSchemaText());
}
