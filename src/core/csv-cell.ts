/**
 * The one CSV cell escaper of every CSV the toolkit writes (the payroll export, rejects.csv and
 * rejects-<step>.csv, crosswalk.csv, `zpetl rejects --csv`): `,` between cells, `\n` after each record,
 * `"` as the quote.
 *
 * A cell is quoted when it holds a CR, an LF, a `,` or a `"`, or begins or ends with whitespace; a `"`
 * inside is doubled. Every other cell is written as it is. CR is quoted as well as LF because readers
 * (spreadsheets, and csv-parse with `record_delimiter: ['\r\n', '\n', '\r']` as src/extract reads
 * sources) take a bare CR as a line end: unquoted, it would split the record in two. So any reader of
 * RFC 4180 CSV reads back exactly the cells written (test/unit/csv-property.test.ts).
 *
 * The bytes equal csv-stringify 6's with `{ record_delimiter: 'unix', quoted_match: [/^\s|\s$/, '\r'] }`
 * (test/unit/core/csv-cell.test.ts compares them). A string per record, with no stream or per-cell
 * options, is what lets the payroll export build each row's line in one pass (src/payroll/layouts.ts)
 * and write synchronously; bench/payroll.ts prints its time beside csv-stringify's for the same bytes.
 */

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const QUOTE = /"/g;

/** One CSV cell: quoted when it holds CR, LF, `,` or `"` or has whitespace at either end. */
export function csvCell(value: string): string {
  if (value === '' || !NEEDS_QUOTES.test(value)) return value;
  return `"${value.includes('"') ? value.replace(QUOTE, '""') : value}"`;
}

/** One CSV record with its `\n`. */
export function csvLine(cells: readonly string[]): string {
  let s = cells.length > 0 ? csvCell(cells[0]!) : '';
  for (let i = 1; i < cells.length; i++) s += `,${csvCell(cells[i]!)}`;
  return `${s}\n`;
}
