/**
 * Which columns a load step names, walked once: prepare's header check (SOURCE_MISSING_COLUMN) and
 * the repeated headers it reads numbered (`repeatsReadOf`, source-warnings.ts) both read this list, so
 * a new field source is checked by both or by neither.
 */
import { closestName } from '../../core/did-you-mean.js';
import { ZpetlError } from '../../core/errors.js';
import { TIMESHEET_FIELDS } from '../../extract/timesheet-extractor.js';
import type { SourceHeader } from '../../extract/types.js';
import { FIELD_SOURCES, fieldColumns } from '../../transform/field-spec.js';
import { compileRowFilter } from '../../transform/row-filter.js';
import type { LoadStepConfig } from '../file/schema.js';

/** A column a step names, where it names it, and whether it is a `collect:` base (its repeats `Name_2`… are read too). */
export interface NamedColumn {
  column: string;
  where: string;
  collect?: true;
}

/**
 * The columns a step reads, each with where it is named: key columns, `where:` columns, and each
 * field's source columns (fieldColumns). A field without a source of its own (no from, template,
 * coalesce or collect) that has a default reads its own name only if present: a constant field
 * (`billing: { default: Billable }`) names no column. With `headerKeys`, a `collect:` field names the
 * repeats present too; without, its base name only.
 */
export function namedColumns(step: Pick<LoadStepConfig, 'key' | 'where' | 'fields'>, headerKeys?: readonly string[]): NamedColumn[] {
  const out: NamedColumn[] = [];
  for (const c of step.key) out.push({ column: c, where: 'key' });
  for (const c of compileRowFilter(step.where)?.columns ?? []) out.push({ column: c, where: 'where:' });
  for (const [target, spec] of Object.entries(step.fields)) {
    const explicit = FIELD_SOURCES.some((k) => spec[k] !== undefined);
    if (!explicit && spec.default !== undefined) continue;
    for (const c of fieldColumns(spec, target, headerKeys)) out.push({ column: c, where: `field ${target}`, ...(c === spec.collect ? { collect: true as const } : {}) });
  }
  const seen = new Set<string>();
  return out.filter((n) => (seen.has(`${n.where}|${n.column}`) ? false : (seen.add(`${n.where}|${n.column}`), true)));
}

/** "did you mean" for a misspelt column (core/did-you-mean.ts), as the hint's opening words. */
function closestColumn(name: string, have: ReadonlySet<string>): string | undefined {
  const close = closestName(name, have);
  return close === undefined ? undefined : `"${name}": did you mean "${close}"? `;
}

/**
 * A misspelt column is a silent loss (a field always empty, a key always missing, a `where:` that
 * filters everything or nothing): every column the step names is checked against the header
 * (SOURCE_MISSING_COLUMN, naming the columns found). Undefined when all are there.
 */
export function missingColumnsError(step: Pick<LoadStepConfig, 'name' | 'key' | 'where' | 'fields' | 'source'>, source: string, h: SourceHeader): ZpetlError | undefined {
  // A Zoho timesheet export's records also carry the canonical fields the extractor derives (date, user, …).
  const have = new Set(step.source.type === 'zoho-timesheet' ? [...h.keys, ...TIMESHEET_FIELDS] : h.keys);
  const missing = namedColumns(step, h.keys).filter((n) => !have.has(n.column));
  if (missing.length === 0) return undefined;
  return new ZpetlError('SOURCE_MISSING_COLUMN', `step ${step.name}: ${missing.map((m) => `${m.where} names "${m.column}"`).join(', ')}, not a column of ${source}`, {
    pos: { source, line: 1, index: 0 },
    details: { step: step.name, missing: missing.map((m) => m.column), columns: h.keys },
    hint: `${missing.map((m) => closestColumn(m.column, have)).filter((x): x is string => x !== undefined).join(' ')}The header has: ${h.keys.join(', ')}. Fix the column names in the step.`,
  });
}
