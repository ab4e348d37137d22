/**
 * `zpetl export timesheets`: approved time logs of a period → a payroll CSV (src/payroll through
 * src/pipeline/export/timesheet-export.ts). `--pipeline FILE` takes the payroll section and export step of a
 * pipeline file (flags override); `--source-file` reads a Zoho timesheet export file instead of the API.
 * `--json` prints a one-object summary; progress only on a TTY.
 */
import { z } from 'zod';
import { HOURS_FORMATS } from '../../core/parse/duration.js';
import { redactDeep } from '../../core/redact.js';
import type { ExportResult } from '../../payroll/run-payroll-export.js';
import { runTimesheetExport } from '../../pipeline/export/timesheet-export.js';
import { parseArgs, timeZoneArg } from '../args.js';
import { outputFlags, type CliCommand } from '../command.js';
import { println } from '../io.js';
import { chooseRenderMode, createRenderer } from '../render/index.js';
import { plainText } from '../render/plain.js';
import { exportSummaryLines } from '../render/export-summary.js';

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

const Args = z
  .object({
    what: z.literal('timesheets'),
    period: z.string().min(1).optional(),
    out: z.string().min(1).optional(),
    pipeline: z.string().min(1).optional(),
    step: z.string().min(1).optional(),
    sourceFile: z.string().min(1).optional(),
    dateFormat: z.string().min(1).optional(),
    hoursFormat: z.enum(HOURS_FORMATS).optional(),
    layout: z.string().min(1).optional(),
    adjustments: z.boolean().optional(),
    tz: timeZoneArg.optional(),
    employees: z.string().min(1).optional(),
    projects: z.array(z.string().regex(/^\d+$/, 'expected project ids (digits), comma-separated')).min(1).optional(),
    approval: z.array(z.enum(['Approved', 'Unapproved', 'Rejected'])).min(1).optional(),
    billable: z.enum(['billable', 'non-billable', 'all']).optional(),
    db: z.string().min(1).optional(),
    json: z.boolean(),
    quiet: z.boolean(),
  })
  .refine((a) => a.pipeline !== undefined || a.period !== undefined, { path: ['period'], message: 'required (or a --pipeline whose export step has source.period)' })
  .refine((a) => a.pipeline !== undefined || a.out !== undefined, { path: ['out'], message: 'required (or a --pipeline whose export step has source.out)' })
  .refine((a) => a.step === undefined || a.pipeline !== undefined, { path: ['step'], message: 'names a step of the --pipeline file; give --pipeline too' })
  .refine((a) => a.sourceFile !== undefined || (a.dateFormat === undefined && a.hoursFormat === undefined), { path: ['dateFormat'], message: '--date-format and --hours-format describe a --source-file; give --source-file too' })
  .refine((a) => a.sourceFile === undefined || a.dateFormat !== undefined, { path: ['dateFormat'], message: 'required with --source-file: the date format of the export file, e.g. YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY' });

export const exportCommand: CliCommand = {
  command: 'export <what>',
  describe: 'Export approved time logs of a pay period to a payroll CSV (export timesheets)',
  builder: (y) =>
    outputFlags(
      y
        .positional('what', { type: 'string', choices: ['timesheets'], describe: 'What to export' })
        .option('period', { type: 'string', describe: "START..END, a date, today, yesterday, this-week, last-week, this-month, last-month, or a rule name from the pipeline (default: the pipeline's export step)" })
        .option('out', { type: 'string', describe: "CSV file to write, atomically (default: the pipeline's export step's out)" })
        .option('pipeline', { type: 'string', describe: 'Pipeline file whose payroll section (time zone, pay-period rules, layouts, filters, employees, rounding, overtime) and export step apply; flags override' })
        .option('step', { type: 'string', describe: 'The export step of --pipeline to use when it has several' })
        .option('source-file', { type: 'string', describe: 'Read a Zoho timesheet export file (CSV) instead of the API; no Zoho credentials needed' })
        .option('date-format', { type: 'string', describe: 'Date format of --source-file, e.g. YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY' })
        .option('hours-format', { type: 'string', choices: [...HOURS_FORMATS], describe: 'Hours in --source-file: hh:mm (default), h.mm (hours.minutes) or decimal (only when you mean it)' })
        .option('layout', { type: 'string', describe: 'detail (one row per log, default), summary (one row per employee), or a layout from the pipeline' })
        .option('adjustments', { type: 'boolean', describe: 'Write only the differences since the last export of this period, each with a reason' })
        .option('tz', { type: 'string', describe: "The portal's IANA time zone, e.g. Europe/Berlin: it decides which day a log belongs to" })
        .option('employees', { type: 'string', describe: 'CSV mapping email (or zpuid) to employee_id' })
        .option('projects', { type: 'string', describe: 'Only these project ids (comma-separated); default the whole portal' })
        .option('approval', { type: 'string', describe: 'Approval statuses to pay (comma-separated; default Approved)' })
        .option('billable', { type: 'string', choices: ['billable', 'non-billable', 'all'], describe: 'Billing filter (default all)' })
        .option('db', { type: 'string', describe: 'Checkpoint database holding period snapshots (default .zpetl/<pipeline name>.db with --pipeline, else .zpetl/payroll.db; zpetl run of the same file uses the same one)' }),
      'Print a one-object JSON summary on stdout (for schedulers)',
    )
      .example('$0 export timesheets --period yesterday --tz UTC --out p.csv', "Yesterday's approved hours, one row per log")
      .example('$0 export timesheets --period last-month --tz UTC --layout summary --out p.csv', 'One row per employee')
      .example('$0 export timesheets --period last-month --tz UTC --adjustments --out adj.csv', 'Only what changed since that export')
      .example('$0 export timesheets --period yesterday --tz UTC --out p.csv --json', 'A JSON summary for schedulers')
      .example('$0 export timesheets --pipeline pipelines/nightly-payroll-export.yaml --period semi-monthly --layout payroll-import --out p.csv', "The pipeline file's rules, layouts and employee mapping")
      .example('$0 export timesheets --source-file timesheet.csv --date-format DD/MM/YYYY --period last-month --tz UTC --out p.csv', 'From a Zoho timesheet export file instead of the API'),
  async run(argv, io) {
    const a = parseArgs(Args, { ...argv, projects: list(argv['projects'] as string | undefined), approval: list(argv['approval'] as string | undefined) });
    const mode = a.json ? 'json' : chooseRenderMode({ quiet: a.quiet }, io.stdout.isTTY, io.env);
    const started = io.now();
    // --json prints one summary object, so events render only in the human modes.
    const renderer = mode === 'json' ? undefined : createRenderer(mode, { stdout: io.stdout, stderr: io.stderr, now: io.now, startedMs: started, timeZone: a.tz });
    let result: ExportResult;
    try {
      result = await runTimesheetExport({
        period: a.period,
        out: a.out,
        pipeline: a.pipeline,
        step: a.step,
        sourceFile: a.sourceFile ? { path: a.sourceFile, dateFormat: a.dateFormat!, hoursFormat: a.hoursFormat ?? 'hh:mm' } : undefined,
        layout: a.layout,
        adjustments: a.adjustments,
        tz: a.tz,
        employeesCsv: a.employees,
        projects: a.projects,
        approval: a.approval,
        billable: a.billable,
        db: a.db,
        env: io.env,
        cwd: io.cwd,
        signal: io.signal,
        onEvent: renderer ? (e) => renderer.onEvent(e) : undefined,
      });
    } finally {
      renderer?.close();
    }
    if (mode === 'json') println(io.stdout, JSON.stringify(redactDeep(result)));
    else for (const line of exportSummaryLines(result, a.out ?? result.outPath)) println(io.stdout, plainText(line));
    return result.exitCode;
  },
};
