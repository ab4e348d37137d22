/**
 * The source columns a load step names, checked against the header once it is known (CSV with a
 * header; JSON and NDJSON have none): a misspelt column is otherwise a silent loss (an empty field on
 * every row) or a reject on every row (a key column). Checked: every field's explicit source (`from`,
 * the columns a template names, the coalesce columns, the `collect` base name: its repeats are
 * optional) and the key columns. A field with no source of its own reads the column of its own name
 * when there is one, so a `default:`-only field names no column.
 */
import { closestName } from '../../core/did-you-mean.js';
import { ZpetlError } from '../../core/errors.js';
import type { SourceHeader } from '../../extract/types.js';
import { fieldColumns } from '../../transform/field-spec.js';
import type { LoadStepConfig } from '../file/schema.js';

/** Each column the step names, with where it names it (`key`, `fields.endDate`). */
export function namedColumns(step: Pick<LoadStepConfig, 'key' | 'fields'>): { column: string; at: string }[] {
  const out = step.key.map((column) => ({ column, at: 'key' }));
  for (const [target, spec] of Object.entries(step.fields)) {
    const own = spec.from !== undefined || spec.template !== undefined || spec.coalesce !== undefined || spec.collect !== undefined;
    if (own) for (const column of fieldColumns(spec, target)) out.push({ column, at: `fields.${target}` });
  }
  return out;
}

/** Throws SOURCE_MISSING_COLUMN naming the step, each missing column (with a close name when there is one) and the header's columns. */
export function checkStepColumns(step: Pick<LoadStepConfig, 'name' | 'key' | 'fields'>, header: SourceHeader, source: string): void {
  const keys = new Set(header.keys);
  const missing = namedColumns(step).filter((c) => !keys.has(c.column));
  if (missing.length === 0) return;
  const described = missing.map((m) => {
    const close = closestName(m.column, header.keys);
    return `"${m.column}" (${m.at}${close === undefined ? '' : `; did you mean "${close}"?`})`;
  });
  throw new ZpetlError('SOURCE_MISSING_COLUMN', `step ${step.name}: ${described.join(', ')} ${missing.length === 1 ? 'is not a column' : 'are not columns'} of ${source}`, {
    pos: { source, line: 1, index: 0 },
    details: { step: step.name, missing: [...new Set(missing.map((m) => m.column))], columns: header.keys },
    hint: `The header has: ${header.keys.join(', ')}. Fix the column names in the step.`,
  });
}
