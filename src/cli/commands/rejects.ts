/** `zpetl rejects PIPELINE`: the latest run's rejects, printed or written as a CSV to fix and load again. */
import { z } from 'zod';
import { pipelineRejects } from '../../pipeline/status/status.js';
import { parseArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { println } from '../io.js';
import { plainText } from '../render/plain.js';

const Args = z.object({
  pipeline: z.string().min(1),
  db: z.string().min(1).optional(),
  step: z.string().min(1).optional(),
  run: z.number().int().positive().optional(),
  csv: z.string().min(1).optional(),
  warnings: z.boolean().optional(),
});

export const rejectsCommand: CliCommand = {
  command: 'rejects <pipeline>',
  describe: "Print the latest run's rejects, or write one step's as a CSV to fix and load again",
  builder: (y) =>
    y
      .positional('pipeline', { type: 'string', describe: 'The pipeline file' })
      .option('step', { type: 'string', describe: 'Only this step (required with --csv when several steps have rejects)' })
      .option('csv', { type: 'string', describe: 'Write them here: original columns + _line, _step, _code, _field, _message' })
      .option('run', { type: 'number', describe: 'A run id (default: the latest run)' })
      .option('db', { type: 'string', describe: 'Checkpoint database (default .zpetl/<pipeline name>.db)' })
      .option('warnings', { type: 'boolean', describe: 'The row warnings instead (rows that loaded with a problem, e.g. a lookup with onMissing: warn)' })
      .example('$0 rejects pipelines/demo-migration.yaml', 'Code, field, message and line of each')
      .example('$0 rejects p.yaml --step tasks --csv fix-tasks.csv', 'Fix the file, point the step at it, run again')
      .example('$0 rejects p.yaml --warnings', 'The warnings of the latest run'),
  async run(argv, io) {
    const a = parseArgs(Args, argv);
    const r = await pipelineRejects(a.pipeline, { cwd: io.cwd, env: io.env, ...(a.db ? { db: a.db } : {}), ...(a.run !== undefined ? { runId: a.run } : {}), ...(a.step !== undefined ? { step: a.step } : {}), ...(a.csv ? { csv: a.csv } : {}), ...(a.warnings ? { warnings: true } : {}) });
    const what = a.warnings ? 'warning' : 'reject';
    const { run, rejects } = r;
    if (!run) {
      println(io.stderr, `${r.pipeline}: ${a.run !== undefined ? `no run #${a.run}` : 'no run found'} in ${r.checkpoint}`);
      return 0;
    }
    if (a.csv) {
      println(io.stdout, `wrote ${a.csv}: ${r.csvRows ?? 0} ${what}(s) of run #${run.id}${a.step ? `, step ${a.step}` : ''}`);
      return 0;
    }
    println(io.stdout, `run #${run.id} (${run.status}): ${rejects.length} ${what}(s)`);
    for (const r of rejects) println(io.stdout, plainText(`${r.step}  ${r.source}:${r.line}  ${r.code}  ${r.field || '-'}: ${r.message}`));
    return 0;
  },
};
