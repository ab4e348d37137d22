/** `zpetl validate PIPELINE`: every problem of a pipeline file with its path and line; exit 2 when invalid. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { formatProblems, validatePipelineFile, type PipelineProblem } from '../../pipeline/file/load-pipeline.js';
import { REFERENCE_DOC } from '../../pipeline/file/reference-anchors.js';
import { parseArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { EXIT_INVALID } from '../exit-codes.js';
import { println } from '../io.js';

const Args = z.object({ pipeline: z.string().min(1), json: z.boolean() });

export const validateCommand: CliCommand = {
  command: 'validate <pipeline>',
  describe: 'Check a pipeline file: every problem with its path, line, what was expected (exit 2)',
  builder: (y) =>
    y
      .positional('pipeline', { type: 'string', describe: 'The pipeline file (YAML)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print {ok, problems} as one JSON object' })
      .example('$0 validate pipelines/demo-migration.yaml', 'Nothing runs, nothing is sent'),
  async run(argv, io) {
    const a = parseArgs(Args, argv);
    const r = validatePipelineFile(resolve(io.cwd, a.pipeline), io.env);
    if (a.json) {
      println(io.stdout, JSON.stringify({ ok: r.ok, problems: r.problems }));
      return r.ok ? 0 : EXIT_INVALID;
    }
    if (r.ok && r.pipeline) {
      const steps = r.pipeline.config.steps;
      println(io.stdout, `${a.pipeline}: valid pipeline "${r.pipeline.name}", ${steps.length} step(s): ${steps.map((s) => s.name).join(', ')}`);
      return 0;
    }
    println(io.stderr, `PIPELINE_INVALID: ${a.pipeline} has ${r.problems.length} problem(s)`);
    for (const line of problemLines(a.pipeline, r.problems)) println(io.stderr, line);
    println(io.stderr, REFERENCE_HINT);
    return EXIT_INVALID;
  },
};

/** The closing hint: where the reference is, and the examples. */
export const REFERENCE_HINT = `hint: ${REFERENCE_DOC} is the pipeline file reference; the commented files in pipelines/ show it at work.`;

/**
 * A file's problems as printed, each followed by the reference section that explains it (its `doc`),
 * so the link sits with the problem it answers.
 */
export function problemLines(file: string, problems: readonly PipelineProblem[]): string[] {
  const lines = formatProblems(file, problems);
  return problems.flatMap((p, i) => [`  ${lines[i]!}`, ...(p.doc !== undefined ? [`    see ${p.doc}`] : [])]);
}
