/**
 * `zpetl demo` (what `npm start` runs): the demo migration and payroll export on an in-process sandbox
 * (src/pipeline/demo/demo.ts), rendered like any run, then where the report, rejects and payroll files are.
 */
import { dirname, relative } from 'node:path';
import { z } from 'zod';
import { DEMO_PIPELINE, runDemo } from '../../pipeline/demo/demo.js';
import { parseArgs } from '../args.js';
import { outputFlags, type CliCommand } from '../command.js';
import { println } from '../io.js';
import { exportSummaryLines } from '../render/export-summary.js';
import { chooseRenderMode, createRenderer } from '../render/index.js';
import { plainText } from '../render/plain.js';

const Args = z.object({ timeScale: z.number().positive('expected a number > 0'), out: z.string().min(1).optional(), json: z.boolean(), quiet: z.boolean() });

export const demoCommand: CliCommand = {
  command: 'demo',
  describe: 'The demo: migrate fixtures/demo into an in-process sandbox, then export payroll (npm start)',
  builder: (y) =>
    outputFlags(
      y
        .option('time-scale', { type: 'number', default: 60, describe: 'Sandbox time runs N× faster (60: a 2-minute rate window lasts 2 s)' })
        .option('out', { type: 'string', describe: 'Output folder (default out/demo-<UTC timestamp>)' }),
    )
      .example('$0 demo', 'About 10 seconds: progress bars, then where report.html, rejects.csv and the payroll CSV are')
      .example('$0 demo --json > demo.jsonl', 'The same events as JSON lines'),
  async run(argv, io) {
    const a = parseArgs(Args, argv);
    const mode = chooseRenderMode(a, io.stdout.isTTY, io.env);
    const say = (line: string) => {
      if (mode !== 'json' && mode !== 'quiet') println(io.stdout, line);
    };
    const renderer = createRenderer(mode, { stdout: io.stdout, stderr: io.stderr, now: io.now, startedMs: io.now(), cwd: io.cwd, sourceDir: dirname(DEMO_PIPELINE) });
    let result;
    try {
      result = await runDemo({
        cwd: io.cwd,
        timeScale: a.timeScale,
        outDir: a.out,
        signal: io.signal,
        onEvent: (e) => renderer.onEvent(e),
        onSandbox: (url) => say(`zpetl demo: Zoho Projects sandbox at ${url} (time ×${a.timeScale}); migrating fixtures/demo with pipelines/demo-migration.yaml`),
      });
    } finally {
      renderer.close();
    }
    const rel = (p: string | undefined) => (p ? relative(io.cwd, p) || p : '(not written)');
    if (result.export && mode !== 'json') {
      println(io.stdout);
      println(io.stdout, 'payroll export of the migrated time logs:');
      for (const line of exportSummaryLines(result.export, rel(result.files.payrollCsv))) println(io.stdout, `  ${plainText(line)}`);
    }
    if (mode === 'json') {
      println(io.stdout, JSON.stringify({ type: 'demo-end', exitCode: result.exitCode, outDir: result.outDir, files: result.files }));
    } else {
      println(io.stdout);
      println(io.stdout, `report:      ${rel(result.files.reportHtml)}`);
      println(io.stdout, `rejects:     ${rel(result.files.rejectsCsv)}`);
      println(io.stdout, `payroll:     ${rel(result.files.payrollCsv)}`);
      println(io.stdout, `checkpoint:  ${rel(result.files.checkpoint)}`);
      if (result.exitCode === 0) println(io.stdout, 'demo finished: the rejects above are the deliberately bad rows of fixtures/demo (see fixtures/demo/README.md)');
      else println(io.stderr, `demo failed: ${plainText(result.run.message)}`);
    }
    return result.exitCode;
  },
};
