/** `zpetl status PIPELINE`: per-step counts from the checkpoint database, what is in doubt, the next window. */
import { z } from 'zod';
import { pipelineStatus } from '../../pipeline/status/status.js';
import { redactDeep } from '../../core/redact.js';
import { parseArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { println } from '../io.js';
import { formatCount } from '../render/format.js';

const Args = z.object({ pipeline: z.string().min(1), db: z.string().min(1).optional(), json: z.boolean() });

export const statusCommand: CliCommand = {
  command: 'status <pipeline>',
  describe: 'Per-step counts from the checkpoint database, what is in doubt, and the next window',
  builder: (y) =>
    y
      .positional('pipeline', { type: 'string', describe: 'The pipeline file' })
      .option('db', { type: 'string', describe: 'Checkpoint database (default .zpetl/<pipeline>.db)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the status as one JSON object' })
      .example('$0 status pipelines/demo-migration.yaml', 'Where the last run stands'),
  async run(argv, io) {
    const a = parseArgs(Args, argv);
    const { status: s, checkpoint } = pipelineStatus(a.pipeline, { cwd: io.cwd, env: io.env, ...(a.db ? { db: a.db } : {}), nowMs: io.clock?.now() ?? io.now() });
    if (a.json) {
      println(io.stdout, JSON.stringify(redactDeep(s)));
      return 0;
    }
    if (!s.run) {
      println(io.stdout, `${s.pipeline}: no run yet (checkpoint ${checkpoint})`);
    } else {
      println(io.stdout, `${s.pipeline}: run #${s.run.id} ${s.run.status}, started ${new Date(s.run.startedMs).toISOString()}${s.run.finishedMs ? `, finished ${new Date(s.run.finishedMs).toISOString()}` : ''}`);
      // folded (of the skipped) and warned only when a step has them, as in the run's summary.
      const extra = (['folded', 'warned'] as const).filter((k) => s.steps.some((t) => t.counts[k] > 0));
      const header = ['step', 'entity', 'status', 'read', 'created', 'updated', 'skipped', 'rejected', 'sent', 'inDoubt', ...extra];
      const rows = s.steps.map((t) => [t.name, t.entity, t.status, ...[t.counts.read, t.counts.created, t.counts.updated, t.counts.skipped, t.counts.rejected, t.sent, t.inDoubt, ...extra.map((k) => t.counts[k])].map(formatCount)]);
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [header, ...rows]) println(io.stdout, r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
      const doubt = s.steps.reduce((n, t) => n + t.sent + t.inDoubt, 0);
      println(io.stdout, doubt === 0 ? 'nothing in doubt' : `${doubt} record(s) sent without a recorded answer: \`zpetl resume\` reconciles them with Zoho before sending anything`);
      println(io.stdout, `crosswalk: ${formatCount(s.crosswalkEntries)} Zoho id(s) recorded`);
    }
    if (s.window) println(io.stdout, s.window.openNow ? `window ${s.window.spec} ${s.window.tz}: open now` : `window ${s.window.spec} ${s.window.tz}: next opening ${s.window.describe}`);
    return 0;
  },
};
