/** `zpetl init`: writes a commented starter pipeline from a CSV's header (src/pipeline/file/init-pipeline.ts). */
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
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite --out if it exists' })
      .example('$0 init --from export.csv --entity task --out pipelines/my-tasks.yaml', 'Map a task export')
      .example('$0 init --from hr.csv --entity user', 'Print a user-provisioning starter to stdout'),
  async run(argv, io) {
    const a = parseArgs(Args, argv);
    const r = await initPipeline({ from: a.from, entity: a.entity, force: a.force, cwd: io.cwd, ...(a.out !== undefined ? { out: a.out } : {}), ...(a.name !== undefined ? { name: a.name } : {}) });
    if (r.written === undefined) {
      io.stdout.write(r.text);
      return 0;
    }
    println(io.stdout, `wrote ${a.out}: ${a.entity} step from ${r.columns} columns of ${a.from}`);
    println(io.stdout, `next: zpetl validate ${a.out} && zpetl run ${a.out} --dry-run`);
    return 0;
  },
};
