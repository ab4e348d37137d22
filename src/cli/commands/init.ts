/**
 * `zpetl init`: writes a commented starter pipeline from a CSV's header, or with `--add-step PIPELINE`
 * appends a step for the CSV to an existing one (src/pipeline/file/init-pipeline.ts).
 */
import { z } from 'zod';
import { initPipeline } from '../../pipeline/file/init-pipeline.js';
import { ENTITY_KINDS } from '../../core/entity-kind.js';
import { parseArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { println } from '../io.js';

const Args = z.object({
  from: z.string().min(1),
  entity: z.enum(ENTITY_KINDS),
  out: z.string().min(1).optional(),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, dot, dash or underscore').optional(),
  addStep: z.string().min(1).optional(),
  stepName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, dot, dash or underscore').optional(),
  force: z.boolean().default(false),
});

export const initCommand: CliCommand = {
  command: 'init',
  describe: 'Write a commented starter pipeline from a CSV header and a target entity',
  builder: (y) =>
    y
      .option('from', { type: 'string', demandOption: true, describe: 'The CSV export whose header the pipeline maps' })
      .option('entity', { type: 'string', choices: [...ENTITY_KINDS], demandOption: true, describe: 'Target entity of the step' })
      .option('out', { type: 'string', describe: 'Pipeline file to write (default: print to stdout)' })
      .option('name', { type: 'string', describe: 'Pipeline name (default: the --out file name, or the CSV name)' })
      .option('add-step', { type: 'string', describe: 'Append the step to this existing pipeline file (its comments kept) instead of writing a new one' })
      .option('step-name', { type: 'string', describe: 'Name of the step (default: the entity in the plural, e.g. tasks)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite --out if it exists' })
      .conflicts('add-step', 'out')
      .example('$0 init --from export.csv --entity task --out pipelines/my-tasks.yaml', 'Map a task export')
      .example('$0 init --from worklogs.csv --entity timelog --add-step pipelines/my-tasks.yaml', 'Add a time-log step to that pipeline')
      .example('$0 init --from hr.csv --entity user', 'Print a user-provisioning starter to stdout'),
  async run(argv, io) {
    const a = parseArgs(Args, argv);
    const r = await initPipeline({
      from: a.from,
      entity: a.entity,
      force: a.force,
      cwd: io.cwd,
      ...(a.out !== undefined ? { out: a.out } : {}),
      ...(a.addStep !== undefined ? { addTo: a.addStep } : {}),
      ...(a.name !== undefined ? { name: a.name } : {}),
      ...(a.stepName !== undefined ? { stepName: a.stepName } : {}),
    });
    const file = a.addStep ?? a.out;
    if (r.written === undefined || file === undefined) {
      io.stdout.write(r.text);
      return 0;
    }
    println(io.stdout, a.addStep !== undefined ? `added step "${r.step}" to ${file}: ${a.entity} from ${r.columns} columns of ${a.from}` : `wrote ${file}: ${a.entity} step from ${r.columns} columns of ${a.from}`);
    if (r.placeholders > 0) println(io.stdout, `${r.placeholders} value(s) marked CHANGE_ME need you: \`zpetl validate ${file}\` lists them with their lines`);
    println(io.stdout, `next: zpetl validate ${file} && zpetl run ${file} --dry-run`);
    return 0;
  },
};
