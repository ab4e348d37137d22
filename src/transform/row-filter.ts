/**
 * A step's row filter (`where:` in a pipeline file): which source rows the step loads. A row the
 * filter leaves out is not an error: it is counted as skipped (StepCounts.filtered says how many of
 * the skipped were filtered), so read = loaded + skipped + rejected still holds.
 *
 * One condition, or a list of conditions that must all hold:
 *
 * ```yaml
 * where: { column: Type, equals: Task }          # the trimmed value is exactly "Task"
 * where: { column: Status, in: [Open, Closed] }   # one of these
 * where: { column: Parent ID, empty: true }       # missing or blank
 * where: { column: Parent ID, notEmpty: true }    # present and not blank
 * where:                                          # all of them
 *   - { column: Type, in: [Task, Bug] }
 *   - { column: Parent ID, empty: true }
 * ```
 *
 * Values are compared as text after trimming, case-sensitively. The filter runs on the original
 * columns, before mapping, converters and lookups, so a filtered row is never rejected for its content.
 */
import { z } from 'zod';

const column = z.string().min(1, 'expected the name of a source column').describe('The source column (as the header names it; for JSON sources, the property).');

export const WhereConditionSchema = z
  .strictObject({
    column,
    equals: z.string().optional().describe('Keep rows whose trimmed value is exactly this text.'),
    in: z.array(z.string()).min(1, 'expected at least one value').optional().describe('Keep rows whose trimmed value is one of these.'),
    empty: z.literal(true).optional().describe('`true`: keep rows where the column is missing or blank.'),
    notEmpty: z.literal(true).optional().describe('`true`: keep rows where the column holds a non-blank value.'),
  })
  .superRefine((c, ctx) => {
    const ops = (['equals', 'in', 'empty', 'notEmpty'] as const).filter((k) => c[k] !== undefined);
    if (ops.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: ops.length === 0 ? 'expected one of equals, in, empty: true, notEmpty: true' : `expected exactly one of equals, in, empty, notEmpty; got ${ops.join(' and ')}`,
      });
    }
  });

/** `where:` of a load step: one condition, or a list that must all hold. */
export const WhereSchema = z
  .union([WhereConditionSchema.describe('One condition: `column` and exactly one of `equals`, `in`, `empty`, `notEmpty`.'), z.array(WhereConditionSchema).min(1, 'expected at least one condition')])
  .describe(
    'Row filter: only rows matching it are loaded; the others are counted as skipped (filtered), not rejected. One condition, or a list that must all hold. Values are compared as text after trimming, case-sensitively, on the original columns before mapping, converters and lookups.',
  );

export type WhereCondition = z.output<typeof WhereConditionSchema>;
export type Where = z.output<typeof WhereSchema>;

export interface RowFilter {
  /** True when the row is kept (loaded or rejected on its merits); false = skipped as filtered. */
  keep(data: Record<string, unknown>): boolean;
  /** The columns the filter reads (checked against a CSV header before the first row). */
  readonly columns: readonly string[];
  /** A short human description, e.g. `Type = "Task" and Parent ID is empty`. */
  readonly description: string;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v.trim() : typeof v === 'object' ? JSON.stringify(v) : String(v));

function compileCondition(c: WhereCondition): { test: (data: Record<string, unknown>) => boolean; text: string } {
  const col = c.column;
  if (c.equals !== undefined) {
    const want = c.equals.trim();
    return { test: (d) => text(d[col]) === want, text: `${col} = ${JSON.stringify(want)}` };
  }
  if (c.in !== undefined) {
    const set = new Set(c.in.map((v) => v.trim()));
    return { test: (d) => set.has(text(d[col])), text: `${col} in [${[...set].map((v) => JSON.stringify(v)).join(', ')}]` };
  }
  if (c.empty) return { test: (d) => text(d[col]) === '', text: `${col} is empty` };
  return { test: (d) => text(d[col]) !== '', text: `${col} is not empty` };
}

/** Compiles a `where:`; undefined (no filter) keeps every row. */
export function compileRowFilter(where: Where | undefined): RowFilter | undefined {
  if (where === undefined) return undefined;
  const conditions = (Array.isArray(where) ? where : [where]).map(compileCondition);
  const columns = [...new Set((Array.isArray(where) ? where : [where]).map((c) => c.column))];
  const keep =
    conditions.length === 1
      ? conditions[0]!.test
      : (data: Record<string, unknown>): boolean => {
          for (const c of conditions) if (!c.test(data)) return false;
          return true;
        };
  return { keep, columns, description: conditions.map((c) => c.text).join(' and ') };
}
