/** `zpetl init`: writes a commented starter pipeline from a CSV's header (src/pipeline/file/init-template.ts). */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { isZpetlError, ZpetlError } from '../../core/errors.js';
import { readSourceSample, renderStarterPipeline } from '../../pipeline/file/init-template.js';
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
    const source = resolve(io.cwd, a.from);
    const out = a.out === undefined ? undefined : resolve(io.cwd, a.out);
    if (out && existsSync(out) && !a.force) {
      throw new ZpetlError('USAGE_INVALID', `${a.out} already exists`, { hint: 'Choose another --out, or pass --force to overwrite it.' });
    }
    const sample = await readSourceSample(source, 50, a.from).catch((e: unknown) => {
      // A missing --from is a usage error (exit 2), as a missing pipeline file is for validate and run
      // (PIPELINE_NOT_FOUND): the file named on the command line, nothing read or written.
      if (isZpetlError(e) && e.code === 'SOURCE_NOT_FOUND') {
        throw new ZpetlError('USAGE_INVALID', `--from: no such file (given: ${a.from})`, { cause: e, hint: 'Give the path of the CSV export whose header the pipeline should map (relative to the current folder).' });
      }
      throw e;
    });
    const name = a.name ?? basename(out ?? source, extname(out ?? source)).replace(/[^A-Za-z0-9._-]/g, '-');
    const sourcePath = relative(out ? dirname(out) : io.cwd, source) || basename(source);
    const text = renderStarterPipeline({ name, entity: a.entity, sourcePath, sample });
    if (!out) {
      io.stdout.write(text);
      return 0;
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    println(io.stdout, `wrote ${a.out}: ${a.entity} step from ${sample.header.length} columns of ${a.from}`);
    println(io.stdout, `next: zpetl validate ${a.out} && zpetl run ${a.out} --dry-run`);
    return 0;
  },
};
