/**
 * `zpetl export timesheets`: approved time logs of a period → a payroll CSV (src/payroll through
 * src/pipeline/timesheet-export.ts). `--json` prints a one-object summary; progress only on a TTY.
 */
import { z } from 'zod';
import { redactDeep } from '../../core/redact.js';
import type { ExportResult } from '../../payroll/export-timesheets.js';
import { runTimesheetExport } from '../../pipeline/timesheet-export.js';
import { parseArgs, timeZoneArg } from '../args.js';
import { outputFlags, type CliCommand } from '../command.js';
import { println } from '../io.js';
import { chooseRenderMode, createRenderer } from '../render/index.js';
import { plainText } from '../render/plain.js';
import { exportSummaryLines } from '../render/export-summary.js';

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

const Args = z.object({
  what: z.literal('timesheets'),
  period: z.string().min(1),
  out: z.string().min(1),
  layout: z.string().min(1).optional(),
  adjustments: z.boolean(),
  tz: timeZoneArg.optional(),
  employees: z.string().min(1).optional(),
  projects: z.array(z.string().regex(/^\d+$/, 'expected project ids (digits), comma-separated')).min(1).optional(),
  approval: z.array(z.enum(['Approved', 'Unapproved', 'Rejected'])).min(1).optional(),
  billable: z.enum(['billable', 'non-billable', 'all']).optional(),
  db: z.string().min(1).optional(),
  json: z.boolean(),
  quiet: z.boolean(),
});

export const exportCommand: CliCommand = {
  command: 'export <what>',
  describe: 'Export approved time logs of a pay period to a payroll CSV (export timesheets)',
  builder: (y) =>
    outputFlags(
      y
        .positional('what', { type: 'string', choices: ['timesheets'], describe: 'What to export' })
        .option('period', { type: 'string', demandOption: true, describe: 'START..END, a date, today, yesterday, this-week, last-week, this-month, last-month, or a rule name from the pipeline' })
        .option('out', { type: 'string', demandOption: true, describe: 'CSV file to write (written atomically)' })
        .option('layout', { type: 'string', describe: 'detail (one row per log, default), summary (one row per employee), or a layout from the pipeline' })
        .option('adjustments', { type: 'boolean', default: false, describe: 'Write only the differences since the last export of this period, each with a reason' })
        .option('tz', { type: 'string', describe: "The portal's IANA time zone, e.g. Europe/Berlin: it decides which day a log belongs to" })
        .option('employees', { type: 'string', describe: 'CSV mapping email (or zpuid) to employee_id' })
        .option('projects', { type: 'string', describe: 'Only these project ids (comma-separated); default the whole portal' })
        .option('approval', { type: 'string', describe: 'Approval statuses to pay (comma-separated; default Approved)' })
        .option('billable', { type: 'string', choices: ['billable', 'non-billable', 'all'], describe: 'Billing filter (default all)' })
        .option('db', { type: 'string', describe: 'Checkpoint database holding period snapshots (default .zpetl/payroll.db)' }),
      'Print a one-object JSON summary on stdout (for schedulers)',
    )
      .example('$0 export timesheets --period yesterday --tz UTC --out p.csv', "Yesterday's approved hours, one row per log")
      .example('$0 export timesheets --period last-month --tz UTC --layout summary --out p.csv', 'One row per employee')
      .example('$0 export timesheets --period last-month --tz UTC --adjustments --out adj.csv', 'Only what changed since that export')
      .example('$0 export timesheets --period yesterday --tz UTC --out p.csv --json', 'A JSON summary for schedulers'),
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
    else for (const line of exportSummaryLines(result, a.out)) println(io.stdout, plainText(line));
    return result.exitCode;
  },
};
