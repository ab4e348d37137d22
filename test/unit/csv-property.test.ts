/**
 * Every CSV the toolkit writes reads back, through a standard CSV reader, as exactly the grid written:
 * the payroll export (detail, summary, custom log and employee layouts, adjustments), rejects.csv and
 * rejects-<step>.csv, the file `zpetl rejects --csv` writes, and crosswalk.csv. The reader is csv-parse
 * taking CR, LF and CRLF as line ends (as spreadsheets do, and as src/extract reads sources), so a bare
 * CR left unquoted splits a record and fails here. For the payroll export, in addition, no line of a
 * text cell starts with a formula character (rejects and crosswalk values are kept exactly: they are
 * fed back, see src/report/rejects-writer.ts).
 *
 * Cells are random strings biased towards what changes quoting or opens a formula. The seed is fixed,
 * so a failure is reproducible; fast-check prints the counterexample it shrank to.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { openCheckpointDb } from '../../src/checkpoint/db.js';
import type { CrosswalkRow, RejectRow as StoredReject } from '../../src/checkpoint/store-types.js';
import { stripControlChars } from '../../src/core/control-chars.js';
import { csvLine } from '../../src/core/csv-cell.js';
import { DURATION_FIELDS, EMPLOYEE_TEXT_FIELDS, LOG_TEXT_FIELDS, type CustomLayout } from '../../src/payroll/config-schema.js';
import { runPayrollExport, type ExportTimesheetsOptions } from '../../src/payroll/run-payroll-export.js';
import { DETAIL_LAYOUT, SUMMARY_LAYOUT, type Layout } from '../../src/payroll/layouts.js';
import { fromTimeLog } from '../../src/payroll/payroll-log.js';
import { writeCrosswalkCsv } from '../../src/pipeline/run/run-report.js';
import { writeRejectsCsv } from '../../src/pipeline/status/status.js';
import { createRejectsWriter, REJECT_COLUMNS } from '../../src/report/rejects-writer.js';
import type { TimeLog } from '../../src/zoho/types.js';
import { it } from '../helpers/fixtures.js';
import { fakeClient, tlog } from '../helpers/payroll-fakes.js';

const SEED = 20_261_102;
const run = (runs: number) => ({ seed: SEED, numRuns: runs });

/** A standard reader that ends a line at CR, LF or CRLF; it throws on a record of another width. */
const read = (path: string): string[][] => parse(readFileSync(path, 'utf8'), { record_delimiter: ['\r\n', '\n', '\r'] }) as string[][];

// What a spreadsheet takes as a formula's first character (the test's own list, not the code's).
const FORMULA_LEADS = new Set(['=', '+', '-', '@', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', '\t', '\r']);
// Line ends some reader or viewer knows: a formula lead after any of them must be neutralised too.
const LINE_ENDS = new Set(['\r', '\n', '\u000B', '\u000C', '\u0085', '\u2028', '\u2029']);
const SPECIAL = [...FORMULA_LEADS, ...LINE_ENDS, '\r\n', ',', '"', "'", ' ', '\u00a0', ';', '<', '&', 'a', 'Z', '0', 'é', '日'];
const unit = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SPECIAL) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) });
const cell = fc.string({ unit, maxLength: 10 });

const isLineStart = (s: string, i: number) => i === 0 || LINE_ENDS.has(s[i - 1]!);
/** The payroll rule, written independently of layouts.ts: `'` before a formula lead at each line start. */
function neutralised(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) out += (isLineStart(v, i) && FORMULA_LEADS.has(v[i]!) ? "'" : '') + v[i];
  return out;
}
const opensFormula = (s: string) => [...s].some((_c, i) => isLineStart(s, i) && FORMULA_LEADS.has(s[i]!));

let dir: string;
it.beforeAll(({ fileTmp }) => {
  dir = fileTmp;
});

describe('csvLine (the one cell escaper)', () => {
  it('any grid reads back exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((w) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 6 })), (grid) => {
        expect(parse(grid.map(csvLine).join(''), { record_delimiter: ['\r\n', '\n', '\r'] })).toEqual(grid);
      }),
      run(300),
    );
  });
});

describe('payroll export', () => {
  const textHeaders = (layout: Layout) => layout.columns.filter((c) => !(DURATION_FIELDS as readonly string[]).includes(c.field)).map((c) => c.header);
  const logLayout: CustomLayout = {
    rows: 'log',
    columns: [...LOG_TEXT_FIELDS.map((f) => ({ header: f, field: f })), ...DURATION_FIELDS.map((f) => ({ header: `d_${f}`, field: f, format: { decimal: 2 } }))],
  };
  const employeeLayout: CustomLayout = {
    rows: 'employee',
    columns: [...EMPLOYEE_TEXT_FIELDS.map((f) => ({ header: f, field: f })), { header: 'd_paid', field: 'paid', format: 'hh:mm' }],
  };
  const spec = fc.record({ user: cell, email: cell, project: cell, task: cell, notes: cell });

  it('every layout reads back as written, with no line of a text cell opening a formula', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 4 }), async (specs) => {
        const logs: TimeLog[] = specs.map((s, i) =>
          tlog({ date: '2026-11-02', log_hour: '00:30', owner: { zpuid: `z${i}`, email: s.email, name: s.user }, project: { id: '1512955000000100001', name: s.project }, module_detail: { id: '1512955000000200001', name: s.task, type: 'task' }, notes: s.notes }),
        );
        // the text each log's cells hold, after the source normalisation (notes are HTML) and before neutralising…
        // …and with control characters removed (the export drops them from paid logs' text: src/payroll/collect-logs.ts)
        const clean = (l: { userName: string; email: string; projectName: string; taskName: string; notes: string }) => ({
          userName: stripControlChars(l.userName).text,
          email: stripControlChars(l.email).text,
          projectName: stripControlChars(l.projectName).text,
          taskName: stripControlChars(l.taskName).text,
          notes: stripControlChars(l.notes).text,
        });
        const byId = new Map(logs.map((t, i) => [t.id, clean((fromTimeLog(t, i) as { ok: true; log: { userName: string; email: string; projectName: string; taskName: string; notes: string } }).log)]));
        const db = openCheckpointDb(join(dir, `p${n}.db`));
        const out = join(dir, `p${n++}.csv`);
        const opts = (over: Partial<ExportTimesheetsOptions>): ExportTimesheetsOptions => ({ period: '2026-11-01..2026-11-15', tz: 'UTC', source: { type: 'api', client: fakeClient(logs) }, out, db, ...over });
        try {
          const check = (layout: Layout, extraText: string[] = []): string[][] => {
            const grid = read(out);
            const header = grid[0]!;
            expect(header).toEqual([...extraText, ...layout.columns.map((c) => c.header)]);
            const text = [...extraText, ...textHeaders(layout)].map((h) => header.indexOf(h));
            for (const row of grid.slice(1)) for (const i of text) expect(opensFormula(row[i]!), JSON.stringify(row[i])).toBe(false);
            return grid;
          };
          const expectLogCells = (grid: string[][], cols: Record<string, 'userName' | 'email' | 'projectName' | 'taskName' | 'notes'>) => {
            const header = grid[0]!;
            for (const row of grid.slice(1)) {
              const log = byId.get(row[header.indexOf('log_id')]!)!;
              expect(log).toBeDefined();
              for (const [h, k] of Object.entries(cols)) expect(row[header.indexOf(h)]).toBe(neutralised(log[k]));
            }
          };

          await runPayrollExport(opts({ layout: 'detail' }));
          const detail = check(DETAIL_LAYOUT);
          expect(detail).toHaveLength(1 + logs.length);
          expectLogCells(detail, { employee_name: 'userName', email: 'email', project: 'projectName', task: 'taskName' });

          await runPayrollExport(opts({ layout: logLayout }));
          const custom = check({ name: 'custom', ...logLayout });
          expect(custom).toHaveLength(1 + logs.length);
          expectLogCells(custom, { employee_name: 'userName', email: 'email', project_name: 'projectName', task_name: 'taskName', notes: 'notes' });

          const people = new Set([...byId.values()].map((l) => `${neutralised(l.userName)}\u0000${neutralised(l.email)}`));
          for (const layout of [SUMMARY_LAYOUT, { name: 'custom', ...employeeLayout }]) {
            await runPayrollExport(opts({ layout: layout.name === 'summary' ? 'summary' : employeeLayout }));
            const grid = check(layout);
            const h = grid[0]!;
            for (const row of grid.slice(1)) expect(people.has(`${row[h.indexOf('employee_name')]}\u0000${row[h.indexOf('email')]}`)).toBe(true);
          }

          // adjustments: a reason column first, reversals with negative durations (numbers, not neutralised)
          logs[0]!.log_hour = '01:15';
          await runPayrollExport(opts({ layout: logLayout, adjustments: true }));
          const adj = check({ name: 'custom', ...logLayout }, ['adjustment']);
          expect(adj.length).toBeGreaterThan(1);
          expectLogCells(adj, { employee_name: 'userName', email: 'email', project_name: 'projectName', task_name: 'taskName', notes: 'notes' });
          expect(adj.some((r) => r[adj[0]!.indexOf('d_paid')]!.startsWith('-'))).toBe(true);
        } finally {
          db.close();
        }
      }),
      run(40),
    );
  }, 60_000);
});

describe('rejects.csv, rejects-<step>.csv and zpetl rejects --csv', () => {
  // a step: unique column names and rows of that width (none at all for some steps)
  const stepArb = fc.uniqueArray(cell, { minLength: 1, maxLength: 4 }).chain((names) =>
    fc.record({
      names: fc.constant(names),
      suffix: cell,
      rows: fc.array(fc.record({ values: fc.array(cell, { minLength: names.length, maxLength: names.length }), field: cell, message: cell, line: fc.nat() }), { maxLength: 3 }),
    }),
  );

  it('every value reads back exactly as read from the source (no formula prefix)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 3 }), async (steps) => {
        const out = mkdtempSync(join(dir, `r${n++}-`));
        // an index before the random part keeps the file names (odd characters replaced) apart
        const named = steps.map((s, i) => ({ ...s, step: `s${i}-${s.suffix}` }));
        const tail = (step: string, r: (typeof steps)[number]['rows'][number]) => [String(r.line), step, 'ROW_REQUIRED', r.field, r.message];
        const w = await createRejectsWriter(out);
        for (const s of named) {
          w.columns(s.step, s.names);
          for (const r of s.rows) w.write({ step: s.step, error: { code: 'ROW_REQUIRED', field: r.field, message: r.message, pos: { source: 'in.csv', line: r.line, index: 0 } }, data: Object.fromEntries(s.names.map((k, i) => [k, r.values[i]])) });
        }
        const files = await w.close();

        const withRows = named.filter((s) => s.rows.length > 0);
        expect(Object.keys(files.perStep)).toEqual(withRows.map((s) => s.step));
        for (const s of withRows) expect(read(join(out, files.perStep[s.step]!))).toEqual([[...s.names, ...REJECT_COLUMNS], ...s.rows.map((r) => [...r.values, ...tail(s.step, r)])]);
        const union = [...new Set(withRows.flatMap((s) => s.names))];
        expect(read(join(out, 'rejects.csv'))).toEqual([
          [...union, ...REJECT_COLUMNS],
          ...withRows.flatMap((s) => s.rows.map((r) => [...union.map((k) => (s.names.includes(k) ? r.values[s.names.indexOf(k)]! : '')), ...tail(s.step, r)])),
        ]);

        // zpetl rejects --step S --csv FILE: one step's stored rejects
        const s = named[0]!;
        const stored: StoredReject[] = s.rows.map((r, i) => ({ id: i + 1, runId: 1, step: s.step, key: null, stage: 'prepare', source: 'in.csv', line: r.line, index: i, code: 'ROW_REQUIRED', field: r.field, message: r.message, value: null, columns: s.names.map((k, j) => [k, r.values[j]]) }));
        await writeRejectsCsv(stored, join(out, 'fix.csv'));
        expect(read(join(out, 'fix.csv'))).toEqual([[...(stored.length ? s.names : []), ...REJECT_COLUMNS], ...s.rows.map((r) => [...r.values, ...tail(s.step, r)])]);
      }),
      run(100),
    );
  }, 60_000);
});

describe('crosswalk.csv', () => {
  const rowArb = fc.record({ step: cell, key: cell, entity: cell, zohoId: fc.stringMatching(/^[1-9]\d{18}$/), name: fc.option(cell, { nil: null }), scopeId: cell, origin: fc.constantFrom('created', 'updated', 'skipped') as fc.Arbitrary<CrosswalkRow['origin']> });

  it('every stored value reads back exactly', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 6 }), async (rows) => {
        const full: CrosswalkRow[] = rows.map((r) => ({ ...r, parents: {}, runId: 1, createdMs: 0 }));
        const path = join(dir, `x${n++}.csv`);
        await writeCrosswalkCsv(path, { crosswalkAll: () => full.values() });
        expect(read(path)).toEqual([['step', 'key', 'entity', 'zoho_id', 'name', 'scope_id', 'origin'], ...rows.map((r) => [r.step, r.key, r.entity, r.zohoId, r.name ?? '', r.scopeId, r.origin])]);
      }),
      run(200),
    );
  });
});
